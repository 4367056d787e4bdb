/**
 * Names and other text as Tines may hold them. tines-api.md documents no length limit for any
 * name and does not say whether Tines trims the text it stores (a team's, a custom role's, a
 * template's or a SCIM group's name, a user's first name): so a declared value is sent exactly as
 * given, and what Tines answers is matched tolerantly both ways. A tenant that stores `"Ops "` as
 * given holds it exactly; one that trims holds `"Ops"`, which is the same name, never a failed
 * write, a perpetual diff or a second team. The same rule serves every comparison of text: the
 * diff and verified writes (`sameMeaning` in inputs.ts), lookups and adoption by name, and the
 * role and team names of rosters, memberships and the SCIM mapping.
 */

/** How two pieces of text are compared. */
export interface TextComparison {
  /** Without regard to letter case (emails: tines-api.md does not say whether Tines lower-cases them). */
  ignoreCase?: boolean;
  /**
   * Exactly, surrounding whitespace included: for text Tines stores as JSON rather than as a name
   * (a template's `agent_options`), where a trailing newline may be part of a payload.
   */
  exact?: boolean;
}

/** The text as compared: surrounding whitespace set aside unless `exact`, lower case with `ignoreCase`. */
export function comparableText(text: string, comparison: TextComparison = {}): string {
  const kept = comparison.exact ? text : text.trim();
  return comparison.ignoreCase ? kept.toLowerCase() : kept;
}

/** Whether two pieces of text mean the same to Tines (see the module's comment). */
export function sameText(left: string, right: string, comparison: TextComparison = {}): boolean {
  return left === right || comparableText(left, comparison) === comparableText(right, comparison);
}

/**
 * The items named `name`: those whose name is exactly `name` when there are any (a tenant that
 * stores names as given may hold both `"Ops"` and `"Ops "`), else those whose name is the same
 * text (see {@link sameText}: a tenant that trims holds `"Ops"` for a declared `"Ops "`).
 */
export function namedAs<Item>(items: readonly Item[], name: string, nameOf: (item: Item) => string, comparison: TextComparison = {}): Item[] {
  const exact = items.filter((item) => nameOf(item) === name);
  return exact.length > 0 ? exact : items.filter((item) => sameText(nameOf(item), name, comparison));
}

/** Whether `names` hold `name` (see {@link sameText}): a role or team a check looks for among the tenant's. */
export function holdsName(names: Iterable<string>, name: string, comparison: TextComparison = {}): boolean {
  for (const each of names) if (sameText(each, name, comparison)) return true;
  return false;
}
