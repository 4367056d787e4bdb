/**
 * A team's whole member list, declared and kept authoritative: what `TinesTeamMembers` (a roster
 * of a team it does not own) and `TinesTeam`'s `members` (the roster of a team it owns) share.
 * Its inputs, checking declared members, comparing rosters, and the outputs; matching declared
 * members with the members Tines holds (the plan) is in rosterPlan.ts, the preview in
 * rosterPreview.ts, the writes in rosterWrite.ts (through the membership operations).
 *
 * Tines has no member-list endpoint that writes: members are read from `GET /teams/{id}/members`
 * and changed one by one with `invite_member` and `remove_member`; no endpoint changes a role, so a
 * role change is remove then invite; the last member of a team cannot be removed (tines-api.md,
 * "Teams and membership").
 */
import { z } from "zod";
import type { TinesRoleName } from "../client";
import type { ArgsOf, InputsOf, PropertyComparison } from "../provider/definition";
import { checkInputs, containsUnknown, emailAddress, positiveIntegerId, teamRole, unknownValue, type CheckFailure } from "../provider/inputs";
import type { TeamMember } from "./members";
import { identityOf, planMembers } from "./rosterPlan";

// Inputs -------------------------------------------------------------------------------------------

/** The properties of one declared member: give exactly one of `userId` and `email`. */
export const tinesTeamMemberFields = {
  /** The user's id: a number or numeric string, so both `user.id` and `user.userId` work. */
  userId: positiveIntegerId.optional(),
  /** The user's email: inviting an email with no account creates the tenant user and emails an invitation. */
  email: emailAddress.optional(),
  /**
   * The role on the team: one of Tines' own (`VIEWER`, `EDITOR`, `TEAM_ADMIN`, `CASE_MANAGER`) or a custom role's name.
   *
   * @defaultValue `"VIEWER"`
   */
  role: teamRole("VIEWER") as unknown as z.ZodDefault<z.ZodType<string, TinesRoleName>>,
};

/** One declared member: give exactly one of `userId` and `email`. */
export type TinesTeamMemberDeclaration = ArgsOf<typeof tinesTeamMemberFields>;

/** A declared member, as `check` returns it. */
export type TinesDeclaredTeamMember = InputsOf<typeof tinesTeamMemberFields>;

/** A declared roster, as `check` returns it. */
export interface RosterInputs {
  /** The team's id. */
  teamId: number;
  members: TinesDeclaredTeamMember[];
  /** User ids as numbers, emails as strings. */
  ignoredMembers: Array<number | string>;
  /** Whether members found on the team that are neither declared nor ignored may be removed when the roster takes the team over. */
  adoptExisting: boolean;
}

/** What a roster records besides its inputs, as a resource's outputs shape. */
export const rosterOutputFields = {
  /**
   * The members the roster manages as Tines holds them: the declared ones found on the team
   * (declared by id or email as in the program, with the role Tines holds), then the unmanaged
   * ones (by email), which the next `up` removes.
   */
  members: z.custom<TinesDeclaredTeamMember[]>(),
  /** `members`, one for one, with user id, email, role and invitation state. */
  resolvedMembers: z.custom<TeamMember[]>(),
  /** Members on the team that are neither declared nor ignored, as last read (the next `up` removes them). */
  unmanagedMembers: z.custom<TeamMember[]>(),
};

/** What a roster records besides its inputs: {@link rosterOutputFields}, and the ignored members as checked. */
export type RosterOutputs = z.output<z.ZodObject<typeof rosterOutputFields>> & {
  /** User ids as numbers, emails as strings. */
  ignoredMembers: Array<number | string>;
};

/** A message for a value that must be a list. */
const listOfMembers = "must be a list of members, each { userId } or { email } with an optional role";

const declaredMemberSchema = z.strictObject(tinesTeamMemberFields);

/** Why a roster must declare someone. */
const emptyRosterReason = "must declare at least one member: Tines refuses to leave a team empty";

/**
 * A roster's declared members, as a resource's input: `checkRoster` checks them (entry by entry, so
 * one unknown in preview leaves the others checked); this schema gives their type and docs.
 */
export const rosterMemberList = z.array(declaredMemberSchema, { error: listOfMembers }).min(1, emptyRosterReason);

/** An ignored member: a user id (number or numeric string) or an email. */
const ignoredMemberSchema = z.unknown().transform((value, context) => {
  if (typeof value === "number" || (typeof value === "string" && /^\s*\d+\s*$/.test(value))) {
    const id = positiveIntegerId.safeParse(value);
    if (id.success) return id.data;
  } else {
    const email = emailAddress.safeParse(value);
    if (email.success) return email.data;
  }
  context.addIssue({ code: "custom", message: "must be an email or a user id" });
  return z.NEVER;
});


// Check --------------------------------------------------------------------------------------------

/**
 * A roster's ignored members, as a resource's input: user ids (numbers or numeric strings) and
 * emails. Its default is the resource's to give (none, where the roster is always declared).
 */
export const ignoredMemberList = z.array(ignoredMemberSchema as unknown as z.ZodType<number | string, number | string>, {
  error: "must be a list of emails and user ids",
});

const ignoredMembersSchema = z.object({ ignoredMembers: ignoredMemberList.default([]) });

/**
 * Checks a declared roster: each member entry on its own (so one member unknown in preview, a user
 * created in the same deployment, leaves the others checked), then repeats among the entries that
 * passed, so every problem is reported at once. Failures name `members[i].property` and
 * `ignoredMembers[i]`.
 */
export function checkRoster(news: { members?: unknown; ignoredMembers?: unknown }): { members: unknown; ignoredMembers: unknown; failures: CheckFailure[] } {
  const declared = checkMembers(news.members);
  const ignored = checkInputs(ignoredMembersSchema, { ignoredMembers: news.ignoredMembers });
  const failures = [...ignored.failures, ...declared.failures];
  const ignoredMembers = ignored.inputs.ignoredMembers;
  // Repeats are looked for among the entries whose identity passed (a member with a wrong role is
  // still compared), so every problem is reported at once.
  const passed = Array.isArray(declared.members) ? declared.members.map((entry, index) => (declared.identityFailed.has(index) ? unknownValue : entry)) : [];
  const ignoredKnown = Array.isArray(ignoredMembers) && !containsUnknown(ignoredMembers) && ignored.failures.length === 0;
  failures.push(...repeatedMembers(passed, ignoredKnown ? (ignoredMembers as Array<number | string>) : []));
  return { members: declared.members, ignoredMembers, failures };
}

/**
 * Checks each declared member on its own. Besides the failures, says which entries failed on who
 * they are (the entry itself, its `userId` or its `email`): those are left out of the search for
 * repeats, while an entry that failed only on its role is still compared.
 */
function checkMembers(members: unknown): { members: unknown; failures: CheckFailure[]; identityFailed: Set<number> } {
  const identityFailed = new Set<number>();
  if (members === unknownValue) return { members, failures: [], identityFailed };
  if (members === undefined) return { members, failures: [{ property: "members", reason: "is required" }], identityFailed };
  if (!Array.isArray(members)) return { members, failures: [{ property: "members", reason: listOfMembers }], identityFailed };
  if (members.length === 0) {
    return { members, failures: [{ property: "members", reason: emptyRosterReason }], identityFailed };
  }
  const failures: CheckFailure[] = [];
  const checked = members.map((entry: unknown, index) => {
    const path = `members[${index}]`;
    if (entry === unknownValue) return entry;
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      failures.push({ property: path, reason: "must be { userId } or { email }, with an optional role" });
      identityFailed.add(index);
      return entry;
    }
    const result = checkInputs(declaredMemberSchema, entry as Record<string, unknown>, (values: Partial<TinesDeclaredTeamMember>, unknownKeys) => {
      if (unknownKeys.has("userId") || unknownKeys.has("email")) return [];
      const given = [values.userId, values.email].filter((value) => value !== undefined).length;
      return given === 1 ? [] : [{ property: "userId", reason: "give exactly one of userId and email" }];
    });
    for (const failure of result.failures) {
      if (failure.property === "(inputs)" || failure.property === "userId" || failure.property === "email") identityFailed.add(index);
      failures.push({ ...failure, property: failure.property === "(inputs)" ? path : `${path}.${failure.property}` });
    }
    return result.inputs;
  });
  return { members: checked, failures, identityFailed };
}

/** Each user declared once, and never both declared and ignored (as far as known without the tenant). */

function repeatedMembers(members: ReadonlyArray<TinesDeclaredTeamMember | string>, ignoredMembers: ReadonlyArray<number | string>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const declaredAt = new Map<string, number>();
  members.forEach((entry, index) => {
    if (typeof entry !== "object" || containsUnknown(entry)) return;
    const identity = identityOf(entry);
    if (identity === undefined) return;
    const earlier = declaredAt.get(identity);
    const property = `members[${index}].${entry.userId !== undefined ? "userId" : "email"}`;
    if (earlier !== undefined) failures.push({ property, reason: `declares ${entry.userId ?? entry.email} again (already members[${earlier}]): declare each member once` });
    else declaredAt.set(identity, index);
  });
  ignoredMembers.forEach((entry, index) => {
    const earlier = declaredAt.get(identityOf(entry)!);
    if (earlier !== undefined) {
      failures.push({ property: `ignoredMembers[${index}]`, reason: `${entry} is also declared in members[${earlier}]: a member is either declared or ignored` });
    }
  });
  return failures;
}


// Diff ---------------------------------------------------------------------------------------------

/** A member list in a form that compares by meaning: order-free, emails case-insensitive. */
function canonicalMembers(members: unknown): string {
  if (!Array.isArray(members) || containsUnknown(members)) return unknownValue;
  return JSON.stringify(members.map((entry: TinesDeclaredTeamMember) => `${identityOf(entry)} ${entry.role}`).sort());
}

function canonicalIgnored(ignored: unknown): string {
  if (!Array.isArray(ignored) || containsUnknown(ignored)) return unknownValue;
  return JSON.stringify([...new Set(ignored.map((entry: number | string) => identityOf(entry)))].sort());
}

/**
 * How a roster's inputs compare with what the stack recorded (see `PropertyComparison.unchanged`):
 * by meaning, order-free, emails in any letter case. The members differ too when the recorded
 * state holds members to remove (someone on the team undeclared, seen by a refresh).
 */
export const rosterComparisons = {
  members: {
    unchanged: (recorded, declared) =>
      canonicalMembers(recorded.members) === canonicalMembers(declared.members) &&
      !(Array.isArray(recorded.unmanagedMembers) && recorded.unmanagedMembers.length > 0),
  },
  ignoredMembers: { unchanged: (recorded, declared) => canonicalIgnored(recorded.ignoredMembers ?? []) === canonicalIgnored(declared.ignoredMembers) },
} satisfies Record<"members" | "ignoredMembers", PropertyComparison>;

/** Whether a roster update is due on the same team: the declared or ignored members changed ({@link rosterComparisons}). */
export function rosterChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return !rosterComparisons.members.unchanged(olds, news) || !rosterComparisons.ignoredMembers.unchanged(olds, news);
}

// Outputs ------------------------------------------------------------------------------------------

/** A roster's outputs for a team holding `onTeam`: the declared members found on it, then the unmanaged ones. */
export function rosterOutputs(inputs: Pick<RosterInputs, "members" | "ignoredMembers">, onTeam: readonly TeamMember[]): RosterOutputs {
  const plan = planMembers(inputs.members, inputs.ignoredMembers, onTeam);
  const resolved: Array<{ declared: TinesDeclaredTeamMember; member: TeamMember }> = [];
  plan.matched.forEach((member, index) => {
    const entry = inputs.members[index]!;
    if (!member) return;
    // Declared by id or by email as in the program (so a refresh's inputs diff cleanly), with what Tines holds.
    resolved.push({ declared: entry.userId !== undefined ? { userId: member.userId, role: member.role } : { email: member.email, role: member.role }, member });
  });
  for (const member of plan.removals) resolved.push({ declared: { email: member.email, role: member.role }, member });
  return {
    members: resolved.map((each) => each.declared),
    ignoredMembers: inputs.ignoredMembers,
    resolvedMembers: resolved.map((each) => each.member),
    unmanagedMembers: plan.removals,
  };
}

/** The declared members recorded in outputs: `members` without the unmanaged ones a refresh added. */
export function declaredIn(outputs: Partial<RosterOutputs>): TinesDeclaredTeamMember[] {
  const unmanaged = new Set((outputs.unmanagedMembers ?? []).map((member) => member.email.toLowerCase()));
  return (outputs.members ?? []).filter((entry) => entry.email === undefined || !unmanaged.has(entry.email.toLowerCase()));
}
