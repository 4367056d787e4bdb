/**
 * A roster's plan: the declared members matched with the members Tines holds, and what it takes
 * to bring the team to the declared list (membership/roster.ts has the roster itself). The one
 * piece of logic behind create, update, read and the preview's list, so the preview shows what
 * the `up` does.
 */
import { sameText } from "../provider/names";
import { containsUnknown, unknownValue, type CheckFailure } from "../provider/inputs";
import { describeMember, type TeamMember } from "./members";
import type { TinesDeclaredTeamMember } from "./roster";

/** The identity of a declared or ignored member, as compared: `id:5` or `email:ada@example.com`. */
export function identityOf(entry: { userId?: unknown; email?: unknown } | number | string): string | undefined {
  if (typeof entry === "number") return `id:${entry}`;
  if (typeof entry === "string") return `email:${entry.toLowerCase()}`;
  if (typeof entry.userId === "number") return `id:${entry.userId}`;
  // An entry that failed on another property is compared as given: a numeric string is an id.
  if (typeof entry.userId === "string" && /^\s*\d+\s*$/.test(entry.userId)) return `id:${Number(entry.userId)}`;
  if (typeof entry.email === "string" && !containsUnknown(entry.email)) return `email:${entry.email.toLowerCase()}`;
  return undefined;
}

/** What it takes to bring a team's member list to the declared one. */
export interface MemberPlan {
  /** For each declared member, who it is on the team (undefined: not on it, or not known yet). */
  matched: Array<TeamMember | undefined>;
  /** Declared members to add, by index in `members`. */
  adds: number[];
  /** Declared members on the team with another role. */
  reroles: Array<{ index: number; member: TeamMember }>;
  /** Members on the team that are neither declared nor ignored: the `up` removes them. */
  removals: TeamMember[];
  /** Ignored members found on the team: left as they are. */
  ignored: TeamMember[];
  /** The same user declared twice (once by id, once by email), or declared and ignored. */
  failures: CheckFailure[];
}

/**
 * Matches declared members (undefined where not known yet) with the team's current members. The
 * one piece of logic behind create, update, read, and the preview's list, so the preview shows what
 * the `up` does.
 */
export function planMembers(
  declared: ReadonlyArray<TinesDeclaredTeamMember | undefined>,
  ignoredMembers: ReadonlyArray<number | string>,
  current: readonly TeamMember[],
): MemberPlan {
  const byId = new Map(current.map((member) => [member.userId, member]));
  const byEmail = new Map(current.map((member) => [member.email.toLowerCase(), member]));
  const ignoredIdentities = new Set(ignoredMembers.map((entry) => identityOf(entry)));
  const isIgnored = (member: TeamMember) => ignoredIdentities.has(`id:${member.userId}`) || ignoredIdentities.has(`email:${member.email.toLowerCase()}`);
  const claimedBy = new Map<number, number>();
  const plan: MemberPlan = { matched: [], adds: [], reroles: [], removals: [], ignored: [], failures: [] };
  declared.forEach((entry, index) => {
    const member = entry === undefined ? undefined : entry.userId !== undefined ? byId.get(entry.userId) : byEmail.get(entry.email!.toLowerCase());
    plan.matched.push(member);
    if (entry === undefined) return;
    if (!member) return void plan.adds.push(index);
    const property = `members[${index}]`;
    const earlier = claimedBy.get(member.userId);
    if (earlier !== undefined) {
      plan.failures.push({ property, reason: `is ${describeMember(member)}, already declared as members[${earlier}]: declare each member once` });
    } else if (isIgnored(member)) {
      plan.failures.push({ property, reason: `is ${describeMember(member)}, which ignoredMembers also lists: a member is either declared or ignored` });
    }
    claimedBy.set(member.userId, index);
    // A role unknown in preview is not counted as a change: it is only known once deployed. A role
    // is a name Tines may hold trimmed (provider/names.ts).
    if (!sameText(member.role, entry.role) && entry.role !== unknownValue) plan.reroles.push({ index, member });
  });
  for (const member of current) {
    if (claimedBy.has(member.userId)) continue;
    (isIgnored(member) ? plan.ignored : plan.removals).push(member);
  }
  return plan;
}

/** Why a new resource may not take over a team: the same words in a preview check and in a failed create. */
export function notDeclaredReason(team: string, members: readonly TeamMember[]): string {
  return (
    `team ${team} already has ${members.length} member${members.length === 1 ? "" : "s"} that ${members.length === 1 ? "is" : "are"} neither declared nor ignored: ` +
    `${members.map(describeMember).join(", ")}. Declare them, list them in ignoredMembers, or set adoptExisting: true to remove them`
  );
}
