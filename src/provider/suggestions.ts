/**
 * "Did you mean": the known name nearest to a misspelt one, for every message that refuses a
 * name the tenant or Tines' docs know better (a role, a team, a permission). Typos are edit
 * distance, measured by `fastest-levenshtein` rather than by code of our own.
 */
import { distance } from "fastest-levenshtein";

/**
 * The candidate nearest to `given`, compared without regard to letter case, when it is near
 * enough to be the name meant: at most one edit for names of up to seven characters, otherwise
 * up to a quarter of the name's length (`EDITR` and `EDTIOR` → `EDITOR`, `DETECTION_REVEIWER` →
 * `DETECTION_REVIEWER`); undefined when none is, or when two are equally near.
 */
export function nearestName(given: string, candidates: readonly string[]): string | undefined {
  const allowed = Math.max(1, Math.floor(given.length / 4));
  let best: { name: string; distance: number; tied: boolean } | undefined;
  for (const name of new Set(candidates)) {
    if (name === given) continue;
    const edits = editsBetween(given.toLowerCase(), name.toLowerCase());
    if (edits > allowed) continue;
    if (best === undefined || edits < best.distance) best = { name, distance: edits, tied: false };
    else if (edits === best.distance) best.tied = true;
  }
  return best === undefined || best.tied ? undefined : best.name;
}

/**
 * Levenshtein distance, except that two neighbouring letters swapped (`EDTIOR`) count as one
 * edit, the commonest typo (Levenshtein alone counts two).
 */
function editsBetween(a: string, b: string): number {
  if (a.length === b.length) {
    const differ = [...a].flatMap((letter, index) => (letter === b[index] ? [] : [index]));
    if (differ.length === 2 && differ[1] === differ[0]! + 1 && a[differ[0]!] === b[differ[1]!] && a[differ[1]!] === b[differ[0]!]) return 1;
  }
  return distance(a, b);
}

/** `"; did you mean X?"` for the nearest candidate (see {@link nearestName}), or "" when none is near. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const meant = nearestName(given, candidates);
  return meant === undefined ? "" : `; did you mean ${meant}?`;
}
