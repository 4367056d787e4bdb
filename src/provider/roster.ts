/**
 * A team's whole member list, declared and kept authoritative: what `TinesTeamMembers` (a roster
 * of a team it does not own) and `TinesTeam`'s `members` (the roster of a team it owns) share.
 * Checking declared members, matching them with the members Tines holds, the preview's list of
 * changes, carrying a plan out in an order that never empties a team, and the outputs.
 *
 * Tines has no member-list endpoint that writes: members are read from `GET /teams/{id}/members`
 * and changed one by one with `invite_member` and `remove_member`; no endpoint changes a role, so a
 * role change is remove then invite; the last member of a team cannot be removed (tines-api.md,
 * "Teams and membership").
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, type TinesClient, type TinesRoleName, type TinesTeamMemberObject } from "../client";
import { checkInputs, containsUnknown, emailAddress, positiveIntegerId, teamRole, unknownValue, type CheckFailure } from "./inputs";
import { describeMember, removeTeamMember, teamMemberOf, unknownRoleReason, type TeamMember } from "./members";
import { waitedForDeletionOfEmail } from "./pendingDeletions";
import { createReconciled } from "./reconcile";
import { unlessConfirmedGone } from "./runtime";
import type { TenantCheckFindings, TenantFacts } from "./tenantChecks";

// Inputs -------------------------------------------------------------------------------------------

/** One declared member: give exactly one of `userId` and `email`. */
export interface TinesTeamMemberDeclaration {
  /** The user's id: a number or numeric string, so both `user.id` and `user.userId` work. */
  userId?: pulumi.Input<number | string>;
  /** The user's email: inviting an email with no account creates the tenant user and emails an invitation. */
  email?: pulumi.Input<string>;
  /** The role on the team; default `VIEWER`. */
  role?: pulumi.Input<TinesRoleName>;
}


/** A declared member, as `check` returns it. */
export interface TinesDeclaredTeamMember {
  userId?: number;
  email?: string;
  role: string;
}

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

/** What a roster records besides its inputs. */
export interface RosterOutputs {
  /**
   * The members the roster manages as Tines holds them: the declared ones found on the team
   * (declared by id or email as in the program, with the role Tines holds), then the unmanaged
   * ones (by email), which the next `up` removes.
   */
  members: TinesDeclaredTeamMember[];
  ignoredMembers: Array<number | string>;
  /** `members`, one for one, with user id, email, role and invitation state. */
  resolvedMembers: TeamMember[];
  /** Members on the team that are neither declared nor ignored, as last read. */
  unmanagedMembers: TeamMember[];
}

/** A message for a value that must be a list. */
const listOfMembers = "must be a list of members, each { userId } or { email } with an optional role";

const declaredMemberSchema = z.strictObject({
  userId: positiveIntegerId.optional(),
  email: emailAddress.optional(),
  role: teamRole("VIEWER"),
});

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

/** `ignoredMembers`: user ids and emails, default none. */
const ignoredMembersSchema = z.object({ ignoredMembers: z.array(ignoredMemberSchema, { error: "must be a list of emails and user ids" }).default([]) });

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
  const failedMembers = new Set(
    failures
      .map((failure) => /^members\[(\d+)\](?:\.(?:userId|email))?$/.exec(failure.property)?.[1])
      .filter((index) => index !== undefined)
      .map(Number),
  );
  const passed = Array.isArray(declared.members) ? declared.members.map((entry, index) => (failedMembers.has(index) ? unknownValue : entry)) : [];
  const ignoredKnown = Array.isArray(ignoredMembers) && !containsUnknown(ignoredMembers) && !failures.some((failure) => failure.property.startsWith("ignoredMembers"));
  failures.push(...repeatedMembers(passed, ignoredKnown ? (ignoredMembers as Array<number | string>) : []));
  return { members: declared.members, ignoredMembers, failures };
}

function checkMembers(members: unknown): { members: unknown; failures: CheckFailure[] } {
  if (members === unknownValue) return { members, failures: [] };
  if (members === undefined) return { members, failures: [{ property: "members", reason: "is required" }] };
  if (!Array.isArray(members)) return { members, failures: [{ property: "members", reason: listOfMembers }] };
  if (members.length === 0) {
    return { members, failures: [{ property: "members", reason: "must declare at least one member: Tines refuses to leave a team empty" }] };
  }
  const failures: CheckFailure[] = [];
  const checked = members.map((entry: unknown, index) => {
    const path = `members[${index}]`;
    if (entry === unknownValue) return entry;
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
      failures.push({ property: path, reason: "must be { userId } or { email }, with an optional role" });
      return entry;
    }
    const result = checkInputs(declaredMemberSchema, entry as Record<string, unknown>, (values: Partial<TinesDeclaredTeamMember>, unknownKeys) => {
      if (unknownKeys.has("userId") || unknownKeys.has("email")) return [];
      const given = [values.userId, values.email].filter((value) => value !== undefined).length;
      return given === 1 ? [] : [{ property: "userId", reason: "give exactly one of userId and email" }];
    });
    failures.push(...result.failures.map((failure) => ({ ...failure, property: failure.property === "(inputs)" ? path : `${path}.${failure.property}` })));
    return result.inputs;
  });
  return { members: checked, failures };
}

/** The identity of a declared or ignored member, as compared: `id:5` or `email:ada@example.com`. */
function identityOf(entry: { userId?: unknown; email?: unknown } | number | string): string | undefined {
  if (typeof entry === "number") return `id:${entry}`;
  if (typeof entry === "string") return `email:${entry.toLowerCase()}`;
  if (typeof entry.userId === "number") return `id:${entry.userId}`;
  // An entry that failed on another property is compared as given: a numeric string is an id.
  if (typeof entry.userId === "string" && /^\s*\d+\s*$/.test(entry.userId)) return `id:${Number(entry.userId)}`;
  if (typeof entry.email === "string" && !containsUnknown(entry.email)) return `email:${entry.email.toLowerCase()}`;
  return undefined;
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


// Planning -----------------------------------------------------------------------------------------

/** What it takes to bring a team's member list to the declared one. */
interface MemberPlan {
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
function planMembers(
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
    // A role unknown in preview is not counted as a change: it is only known once deployed.
    if (member.role !== entry.role && entry.role !== unknownValue) plan.reroles.push({ index, member });
  });
  for (const member of current) {
    if (claimedBy.has(member.userId)) continue;
    (isIgnored(member) ? plan.ignored : plan.removals).push(member);
  }
  return plan;
}

/** Why a new resource may not take over a team: the same words in a preview check and in a failed create. */
function notDeclaredReason(team: string, members: readonly TeamMember[]): string {
  return (
    `team ${team} already has ${members.length} member${members.length === 1 ? "" : "s"} that ${members.length === 1 ? "is" : "are"} neither declared nor ignored: ` +
    `${members.map(describeMember).join(", ")}. Declare them, list them in ignoredMembers, or set adoptExisting: true to remove them`
  );
}

// Tenant check -------------------------------------------------------------------------------------

/** Where a roster's preview runs, and what the `up` does there. */
export interface RosterPreviewScope {
  /** The team as messages name it: `5 ("SOC")`. */
  teamLabel: string;
  /**
   * Whether this `up` takes the team's member list over (a new resource, another team, a roster
   * declared for the first time): members neither declared nor ignored then fail the preview,
   * unless `adoptExisting`.
   */
  takesOverTeam: boolean;
  /**
   * Whether the roster is as recorded, so that only changes made in Tines since the last refresh
   * differ: an `up` changes Tines only when diff sees a change, and diff compares the program with
   * the stack's state, so such changes are said as drift, not listed as what the `up` does.
   */
  driftOnly: boolean;
  /** The resource named in the list's heading. */
  resource: "TinesTeamMembers" | "TinesTeam";
}

/**
 * The preview of a roster against the members the team holds (none for a team this `up` makes):
 * roles are the tenant's, user ids name users, no user is declared twice, a takeover is a decision,
 * and, the point of it all, a warning lists exactly whom the `up` adds, re-roles and removes.
 */
export async function previewRoster(
  inputs: Pick<RosterInputs, "members" | "ignoredMembers" | "adoptExisting">,
  onTeam: readonly TeamMember[],
  scope: RosterPreviewScope,
  facts: TenantFacts,
): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (!Array.isArray(inputs.members)) {
    findings.warnings.push(`team ${scope.teamLabel}: members are known only once deployed, so the members this up adds and removes cannot be listed yet`);
    return findings;
  }

  // A member whose user is unknown in preview (a user created in the same deployment) is listed as such.
  const declared = inputs.members.map((entry) => (typeof entry !== "object" || containsUnknown(entry.userId) || containsUnknown(entry.email) ? undefined : entry));
  // The roles need a tenant-owner key; with a Team key they go unchecked, and the list still comes.
  // A custom role this deployment creates (checked before this resource) counts as a role.
  const roles = await facts.roles().then(
    (found) => [...found.map((role) => role.name), ...facts.plannedCustomRoles],
    () => undefined,
  );
  inputs.members.forEach((entry, index) => {
    if (roles && typeof entry === "object" && !containsUnknown(entry.role) && !roles.includes(entry.role)) {
      findings.failures.push({ property: `members[${index}].role`, reason: unknownRoleReason(entry.role, roles, facts.tenantUrl) });
    }
  });
  const ignoredKnown = !containsUnknown(inputs.ignoredMembers);
  // A member declared by a user id that names no user would fail the up halfway, after the other
  // changes: it fails the preview, as a TinesTeamMembership's does. Only ids not on the team are
  // looked up (in the directory read once per deployment); a key that may not read users leaves
  // them to the up.
  for (const [index, entry] of declared.entries()) {
    if (entry === undefined || typeof entry.userId !== "number" || onTeam.some((member) => member.userId === entry.userId)) continue;
    const user = await facts.userById(entry.userId).catch(() => null);
    if (user === undefined) findings.failures.push({ property: `members[${index}].userId`, reason: `user ${entry.userId} does not exist in ${facts.tenantUrl}` });
  }
  const plan = planMembers(declared, ignoredKnown ? inputs.ignoredMembers : [], onTeam);
  findings.failures.push(...plan.failures);
  const unknownCount = declared.filter((entry) => entry === undefined).length;
  if (scope.takesOverTeam && inputs.adoptExisting === false && plan.removals.length > 0 && unknownCount === 0 && ignoredKnown) {
    findings.failures.push({ property: "members", reason: notDeclaredReason(scope.teamLabel, plan.removals) });
    return findings;
  }
  // A preview that fails already says what is wrong; a list of changes it will not make would only confuse.
  if (findings.failures.length > 0) return findings;
  const lines = await planLines(inputs, plan, facts);
  for (const [index, entry] of declared.entries()) {
    const role = (inputs.members[index] as Partial<TinesDeclaredTeamMember>).role;
    if (entry === undefined) lines.push(`  + members[${index}], known once deployed, as ${role === undefined || containsUnknown(role) ? "its declared role" : role}`);
  }
  if (lines.length === 0) return findings;
  const counts = `${plan.adds.length + unknownCount}, re-roles ${plan.reroles.length} and removes ${plan.removals.length}`;
  // An up changes Tines only when diff sees a change, and diff compares the program with the
  // stack's state: changes made in Tines since the last refresh are seen by this read but not by
  // diff. Then say so rather than list changes the up will not make.
  const heading = scope.driftOnly
    ? `team ${scope.teamLabel} was changed outside Pulumi since the stack's state was last refreshed: this up changes nothing there; ` +
      `\`pulumi up --refresh\` (or \`options: refresh: always\` in Pulumi.yaml) adds ${counts} member(s):`
    : `team ${scope.teamLabel}: ${scope.resource} adds ${counts} member(s):`;
  const caveats = [
    unknownCount > 0 && plan.removals.length > 0 ? `${unknownCount} declared member(s) are known only once deployed: one may be a member listed as removed, which then stays` : "",
    ignoredKnown ? "" : "ignoredMembers is known only once deployed: a member listed as removed may be ignored",
    plan.ignored.length > 0 ? `${plan.ignored.length} ignored member(s) on the team are left as they are` : "",
  ].filter((caveat) => caveat !== "");
  findings.warnings.push(
    [heading, ...lines, ...caveats.map((caveat) => `  (${caveat})`)].join("\n"),
  );
  return findings;
}

/** One line per change: `+` added, `~` re-roled, `-` removed. */
async function planLines(inputs: Pick<RosterInputs, "members">, plan: MemberPlan, facts: TenantFacts): Promise<string[]> {
  const lines: string[] = [];
  for (const index of plan.adds) {
    const entry = inputs.members[index]!;
    // Who an id is, and whether an email has an account, from the user directory read once per
    // deployment; a key that may not read users (a Team key) gets the list without those details.
    const user = await (entry.userId !== undefined ? facts.userById(entry.userId) : facts.userByEmail(entry.email!)).catch(() => null);
    const who = entry.userId !== undefined ? `user ${entry.userId}${user ? ` (${user.email})` : ""}` : entry.email!;
    const note = user === undefined && entry.email !== undefined ? " (no Tines account yet: Tines creates the user and emails an invitation)" : "";
    lines.push(`  + ${who} as ${entry.role}${note}`);
  }
  for (const { index, member } of plan.reroles) {
    lines.push(`  ~ ${member.email} (id ${member.userId}): ${member.role} -> ${inputs.members[index]!.role} (removed, then invited again: Tines has no role update)`);
  }
  for (const member of plan.removals) lines.push(`  - ${describeMember(member)}: on the team but not declared`);
  return lines;
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
 * Whether a roster update is due on the same team: the declared or ignored members differ from the
 * recorded ones by meaning (order-free, emails in any letter case), or the recorded state holds
 * members to remove (someone on the team undeclared, seen by a refresh).
 */
export function rosterChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return (
    canonicalMembers(olds.members) !== canonicalMembers(news.members) ||
    canonicalIgnored(olds.ignoredMembers ?? []) !== canonicalIgnored(news.ignoredMembers) ||
    (Array.isArray(olds.unmanagedMembers) && olds.unmanagedMembers.length > 0)
  );
}

// Reading and writing ------------------------------------------------------------------------------

/** The team's members (one paged read, 500 a page), or undefined when two reads agree the team does not exist. */
export async function readRoster(client: TinesClient, teamId: number): Promise<TeamMember[] | undefined> {
  return (await unlessConfirmedGone(() => client.teams.listMembers(teamId)))?.map(teamMemberOf);
}

/** What writing a roster needs besides the plan. */
export interface RosterWriteOptions {
  /** The tenant's origin, for messages. */
  tenant: string;
  /** How long to wait for a pending user deletion before inviting its email again (`tines:userDeletionWaitSeconds`), in ms. */
  userDeletionWaitMs: number;
  /** What the resource's user can do when Tines refuses to remove a team's last member. */
  lastMemberAdvice: string;
  /**
   * Whether this write takes the team's member list over (see {@link RosterPreviewScope.takesOverTeam}):
   * members neither declared nor ignored then fail it, naming them, unless `adoptExisting`.
   */
  takesOverTeam: boolean;
}

/**
 * Brings the team from `current` to the declared roster, one write per change (see `applyPlan`),
 * and returns the members it holds at the end. A failure is passed to `failed` with what Tines
 * holds at that moment and whether anything changed, and what `failed` returns is thrown: a
 * resource turns it into a partial create or update. A roster that cannot be planned (a user
 * declared twice under two identities), or a takeover of undeclared members without
 * `adoptExisting`, fails before any write.
 */
export async function applyRoster(
  client: TinesClient,
  inputs: RosterInputs,
  current: readonly TeamMember[],
  failed: (onTeam: TeamMember[], changed: boolean, error: Error) => Error,
  options: RosterWriteOptions,
): Promise<TeamMember[]> {
  const plan = planMembers(inputs.members, inputs.ignoredMembers, current);
  if (plan.failures.length > 0) {
    throw failed([...current], false, new TinesError(plan.failures.map((failure) => `${failure.property}: ${failure.reason}`).join("; ")));
  }
  if (options.takesOverTeam && !inputs.adoptExisting && plan.removals.length > 0) {
    throw failed([...current], false, new TinesError(`members: ${notDeclaredReason(String(inputs.teamId), plan.removals)}`));
  }
  return applyPlan(client, inputs, plan, current, failed, options);
}

/**
 * Carries out a plan, one write per change, in the order that never leaves the team empty: add,
 * then re-role (remove, then invite), then remove. Tracks what Tines holds after every write, so a
 * failure reports exactly that (through `failed`, which gets it, whether anything changed, and the
 * error). Returns the members the team holds at the end.
 */
async function applyPlan(
  client: TinesClient,
  inputs: RosterInputs,
  plan: MemberPlan,
  current: readonly TeamMember[],
  failed: (onTeam: TeamMember[], changed: boolean, error: Error) => Error,
  options: RosterWriteOptions,
): Promise<TeamMember[]> {
  const teamId = inputs.teamId;
  const onTeam = new Map(current.map((member) => [member.userId, member]));
  let changed = false;
  const invite = async (index: number, role: string): Promise<TeamMember> => {
    const entry = inputs.members[index]!;
    const who = entry.userId !== undefined ? { userId: entry.userId } : { email: entry.email! };
    const invited = () =>
      createReconciled(
        () => client.teams.inviteMember(teamId, entry.userId !== undefined ? { user_id: entry.userId } : { email: entry.email! }, role),
        async (): Promise<TinesTeamMemberObject | undefined> => {
          const found = await client.teams.findMember(teamId, who);
          return found?.role === role ? found : undefined;
        },
      );
    const member = teamMemberOf(
      await invited().catch(async (error: unknown) => {
        // An email a user Tines is deleting still holds (tines-api.md: deletion is asynchronous) is
        // invited again once that deletion is over, as a TinesTeamMembership's is.
        const refused = error instanceof TinesApiError && (error.isNotFound || error.isConflictOrValidation);
        if (refused && entry.email !== undefined && (await waitedForDeletionOfEmail(client, entry.email, options.tenant, options.userDeletionWaitMs))) {
          return invited();
        }
        throw error;
      }),
    );
    onTeam.set(member.userId, member);
    changed = true;
    return member;
  };
  /** A role Tines did not take fails the operation, naming the member (outputs hold Tines' role). */
  const assertRole = (index: number, member: TeamMember, role: string) => {
    if (member.role !== role) {
      throw new TinesError(`members[${index}].role: Tines answered the invitation of ${member.email} but holds the role ${member.role}, not ${role}`);
    }
  };
  try {
    for (const index of plan.adds) {
      const entry = inputs.members[index]!;
      const already = entry.email !== undefined ? [...onTeam.values()].find((member) => member.email.toLowerCase() === entry.email!.toLowerCase()) : onTeam.get(entry.userId!);
      if (already) {
        // Added a moment ago under its other identity: the same user declared by id and by email.
        throw new TinesError(`members[${index}]: is ${describeMember(already)}, already declared in members: declare each member once`);
      }
      const member = await invite(index, entry.role).catch((error: Error) => {
        const who = entry.userId !== undefined ? `user ${entry.userId}` : entry.email;
        throw new TinesError(`members[${index}]: adding ${who} as ${entry.role} failed: ${error.message}`, { cause: error });
      });
      assertRole(index, member, entry.role);
    }
    for (const { index, member } of plan.reroles) {
      const role = inputs.members[index]!.role;
      if (onTeam.size <= 1) {
        throw new TinesError(
          `members[${index}].role: ${member.email} is the only member of team ${teamId}, and Tines has no role update: changing the role ` +
            "means removing them first, which Tines refuses for a team's last member. Declare another member, run `pulumi up`, then change the role.",
        );
      }
      await removeTeamMember(client, teamId, member.userId, options.lastMemberAdvice);
      onTeam.delete(member.userId);
      changed = true;
      let invited: TeamMember;
      try {
        invited = await invite(index, role);
      } catch (error) {
        // Put the member back with the role they had rather than leave them off the team.
        if (!onTeam.has(member.userId)) {
          await client.teams
            .inviteMember(teamId, { user_id: member.userId }, member.role)
            .then((restored) => onTeam.set(member.userId, teamMemberOf(restored)))
            .catch(() => undefined);
        }
        throw new TinesError(`members[${index}].role: changing the role of ${member.email} to ${role} failed: ${(error as Error).message}`, { cause: error });
      }
      assertRole(index, invited, role);
    }
    // Every declared member is on the team now (at least one: check requires it), so removing
    // the others never meets the last-member rule.
    for (const member of plan.removals) {
      await removeTeamMember(client, teamId, member.userId, options.lastMemberAdvice);
      onTeam.delete(member.userId);
      changed = true;
    }
  } catch (error) {
    throw failed([...onTeam.values()], changed, error as Error);
  }
  return [...onTeam.values()];
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
