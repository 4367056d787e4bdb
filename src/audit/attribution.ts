/**
 * Who changed a resource outside Pulumi: of the audit-log entries about the resource's objects,
 * the latest one not made by this package, provided it is not older than this package's own latest
 * write to them (the state recorded that write, so a change found since came after it). And the one
 * line a refresh logs for a resource that drifted or is gone:
 *
 * "bob@acme.com on team Detection: role EDITOR → VIEWER, changed outside Pulumi by carol@acme.com
 * (203.0.113.9, browser) at 2026-12-07 12:03 UTC"
 */
import type { TinesAuditLogEntryObject } from "../client";
import {
  describeActor,
  entryTime,
  formatAuditTime,
  isPulumiTinesEntry,
  isRemovalOperation,
  objectsTouchedBy,
  subjectOfOperation,
  touches,
  type AuditedObject,
} from "./entries";

/** A resource as the audit log knows it. */
export interface AuditSubject {
  /** How the line names it: `user bob@acme.com`, `bob@acme.com on team Detection`. */
  label: string;
  /** The Tines objects the resource is: an entry is about it when it touched every one of them. */
  objects: AuditedObject[];
}

/** One property whose value in Tines differs from the one the stack recorded. */
export interface PropertyChange {
  property: string;
  /** As the stack recorded it. */
  before: unknown;
  /** As Tines holds it now. */
  after: unknown;
}

/** What a refresh found: changed properties, or the object gone. */
export type DriftFinding = { gone: false; changes: PropertyChange[] } | { gone: true };

/** What the audit logs say about one finding. */
export type DriftCause =
  /** The entry made outside Pulumi that explains it. */
  | { found: true; entry: TinesAuditLogEntryObject }
  /**
   * No entry made outside Pulumi explains it in the entries read since `since` (ms); `ownEntry` is
   * this package's latest entry about it, if any.
   */
  | { found: false; since: number; ownEntry?: TinesAuditLogEntryObject }
  /** The audit logs could not be read: why, in words (said once elsewhere; here only a hint). */
  | { found: "unknown" };

/** Entries in time order, Tines' id breaking ties within a second (order of the list itself is undocumented). */
function byTime(a: TinesAuditLogEntryObject, b: TinesAuditLogEntryObject): number {
  return (entryTime(a) ?? -Infinity) - (entryTime(b) ?? -Infinity) || a.id - b.id;
}

/**
 * The entry that explains a finding, among `entries` (read since `since`). An entry is about the
 * subject when it touched all of its objects; for an object that is gone, also when its operation
 * removed one of them (a membership goes with its team or its user), and a removal is preferred.
 * This package's entries never explain anything, and an outside entry older than this package's
 * latest entry about the subject cannot either: the stack recorded that write.
 */
export function causeOf(subject: AuditSubject, finding: DriftFinding, entries: readonly TinesAuditLogEntryObject[], since: number): DriftCause {
  const accepted = operationsAbout(subject, finding);
  const about = entries
    .filter((entry) => {
      const touched = objectsTouchedBy(entry);
      const operation = subjectOfOperation(entry.operation_name);
      if ((operation === undefined || accepted.includes(operation)) && subject.objects.every((object) => touches(touched, object, entry.operation_name))) return true;
      return finding.gone && isRemovalOperation(entry.operation_name) && subject.objects.some((object) => touches(touched, object, entry.operation_name));
    })
    .sort(byTime);
  const own = about.filter(isPulumiTinesEntry);
  const ownEntry = own[own.length - 1];
  const ownTime = ownEntry ? (entryTime(ownEntry) ?? -Infinity) : -Infinity;
  // Within the same second the order is unknown: the outside change is reported, not hidden.
  const outside = about.filter((entry) => !isPulumiTinesEntry(entry) && (entryTime(entry) ?? -Infinity) >= ownTime);
  const preferred = finding.gone ? outside.filter((entry) => isRemovalOperation(entry.operation_name)) : [];
  const entry = (preferred.length > 0 ? preferred : outside).at(-1);
  return entry ? { found: true, entry } : { found: false, since, ...(ownEntry ? { ownEntry } : {}) };
}

/**
 * The operations that can change a subject, by what their names say they act on: a member's
 * change names the user and the team, but changes neither the user nor, unless the team's roster
 * is managed, the team; so a user's drift is not blamed on a role change. An operation whose name
 * says none of these is accepted for any subject (Tines' names are only partly known).
 */
function operationsAbout(subject: AuditSubject, finding: DriftFinding): Array<ReturnType<typeof subjectOfOperation>> {
  const kinds = new Set(subject.objects.map((object) => object.kind));
  if (kinds.has("user") && kinds.has("team")) return ["membership"];
  const [kind] = kinds;
  // A team's roster (`members`) changes through its members' operations, and only it does.
  const rosterChanged = !finding.gone && finding.changes.some((change) => /member/i.test(change.property));
  return kind === "team" && rosterChanged ? ["team", "membership"] : [kind];
}

/** A value as a line shows it: short, `none` for unset. */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** A list item's identity and the rest of it: a member by email or user id, anything else by its value (keys sorted, so their order means nothing). */
function listItem(item: unknown): { key: string; rest: string } {
  if (item !== null && typeof item === "object" && !Array.isArray(item)) {
    const { email, userId, ...rest } = item as Record<string, unknown>;
    const values = Object.keys(rest)
      .sort()
      .map((name) => rest[name])
      .filter((value) => value !== undefined && value !== null);
    if (typeof email === "string") return { key: email.toLowerCase(), rest: values.map(shown).join(" ") };
    if (typeof userId === "number" || typeof userId === "string") return { key: `user ${userId}`, rest: values.map(shown).join(" ") };
    return { key: shown(Object.fromEntries(Object.keys(item).sort().map((name) => [name, (item as Record<string, unknown>)[name]]))), rest: "" };
  }
  return { key: shown(item), rest: "" };
}

/** One changed property in words: `role EDITOR → VIEWER`, `tenantPermissions +AUDIT_LOG_READ`, `members +a@x.com (VIEWER), -b@x.com`. */
export function describeChange(change: PropertyChange): string {
  if (Array.isArray(change.before) && Array.isArray(change.after)) {
    const before = new Map(change.before.map((item) => [listItem(item).key, listItem(item).rest] as const));
    const after = new Map(change.after.map((item) => [listItem(item).key, listItem(item).rest] as const));
    const parts = [
      ...[...after].filter(([key]) => !before.has(key)).map(([key, rest]) => `+${key}${rest ? ` (${rest})` : ""}`),
      ...[...before].filter(([key]) => !after.has(key)).map(([key]) => `-${key}`),
      ...[...after].filter(([key, rest]) => before.has(key) && before.get(key) !== rest).map(([key, rest]) => `${key} ${before.get(key)} → ${rest}`),
    ];
    if (parts.length > 0) return `${change.property} ${parts.join(", ")}`;
  }
  return `${change.property} ${shown(change.before)} → ${shown(change.after)}`;
}

/** The line a refresh logs for one finding (see the file comment). */
export function driftLine(subject: AuditSubject, finding: DriftFinding, cause: DriftCause): string {
  const what = finding.gone ? `${subject.label}: gone from Tines` : `${subject.label}: ${finding.changes.map(describeChange).join("; ")}`;
  if (cause.found === "unknown") return `${what}, changed outside Pulumi`;
  if (cause.found === true) {
    const verb = finding.gone ? "removed" : "changed";
    return `${what}, ${verb} outside Pulumi by ${describeActor(cause.entry)} at ${formatAuditTime(cause.entry.created_at)} (${cause.entry.operation_name})`;
  }
  const own = cause.ownEntry ? `; the latest entry about it is this package's own, at ${formatAuditTime(cause.ownEntry.created_at)}` : "";
  return `${what}, changed outside Pulumi; the audit logs since ${formatAuditTime(cause.since)} name no one outside Pulumi${own}`;
}
