/**
 * `pulumi-tines export --since <time>`: what changed in the tenant outside Pulumi in a window, from
 * Tines' audit logs (tines-api.md, "Audit logs"), for an audit before a takeover: who, what, when,
 * oldest first. This package's own entries (its User-Agent) are left out. Read-only.
 */
import { TinesError, type TinesAuditLogEntryObject, type TinesClient } from "../client";
import { describeActor, entryTime, formatAuditTime, isPulumiTinesEntry, knownAuditOperations, objectsTouchedBy } from "../audit/entries";

/** The changes made outside Pulumi since a time. */
export interface ChangesOutsidePulumi {
  /** The window's start (ms). */
  since: number;
  /** Entries made outside Pulumi, oldest first. */
  entries: TinesAuditLogEntryObject[];
  /** Entries of this package left out. */
  ownEntries: number;
}

/** Reads the audit logs since `since` (any time `Date.parse` reads) and keeps the entries made outside Pulumi. */
export async function changesOutsidePulumi(client: TinesClient, since: string): Promise<ChangesOutsidePulumi> {
  const start = Date.parse(since);
  if (Number.isNaN(start)) throw new TinesError(`--since is not a time: ${since} (write e.g. 2026-12-01 or 2026-12-01T09:00:00Z)`);
  const all = await client.auditLogs.listAll({ since: new Date(start) });
  const entries = all
    .filter((entry) => !isPulumiTinesEntry(entry))
    .sort((a, b) => (entryTime(a) ?? -Infinity) - (entryTime(b) ?? -Infinity) || a.id - b.id);
  return { since: start, entries, ownEntries: all.length - entries.length };
}

/** What an entry touched, in words: `user bob@acme.com, team Detection`. */
function objectsOf(entry: TinesAuditLogEntryObject, teamNames: ReadonlyMap<number, string>): string {
  const touched = objectsTouchedBy(entry);
  const parts = [
    ...[...touched.emails].map((email) => `user ${email}`),
    ...(touched.emails.size === 0 ? [...touched.ids.user].map((id) => `user ${id}`) : []),
    ...[...touched.ids.team].map((id) => `team ${teamNames.get(Number(id)) ?? id}`),
    ...[...touched.ids.template].map((id) => `template ${id}`),
    ...[...touched.ids.role].map((id) => `role ${id}`),
  ];
  return parts.join(", ");
}

/** The report, one line per change: `2026-12-07 12:03 UTC  carol@acme.com (203.0.113.9, browser)  TeamMemberRemoval (removed a member from a team): user bob@acme.com, team Detection`. */
export function describeChanges(changes: ChangesOutsidePulumi, teamNames: ReadonlyMap<number, string> = new Map()): string {
  const people = new Set(changes.entries.map((entry) => entry.user_email ?? entry.user_name ?? String(entry.user_id)));
  const head =
    `Changes outside Pulumi since ${formatAuditTime(changes.since)}: ${changes.entries.length} by ${people.size} ${people.size === 1 ? "person" : "people"}` +
    (changes.ownEntries ? ` (${changes.ownEntries} made by pulumi-tines left out)` : "");
  const lines = changes.entries.map((entry) => {
    const meaning = knownAuditOperations[entry.operation_name];
    const objects = objectsOf(entry, teamNames);
    return `  ${formatAuditTime(entry.created_at)}  ${describeActor(entry)}  ${entry.operation_name}${meaning ? ` (${meaning})` : ""}${objects ? `: ${objects}` : ""}`;
  });
  return [head, ...lines].join("\n");
}
