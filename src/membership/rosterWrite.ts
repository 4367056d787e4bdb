/**
 * Writing a roster (membership/roster.ts has the roster itself): the team's member list read once,
 * then one membership operation per change (membership/operations.ts), in the order that never
 * leaves a team empty, tracking what Tines holds after every write so a failure reports exactly
 * that. A failure is a value ({@link RosterWriteResult}), which the resource records as a partial
 * create or update.
 */
import { TinesError, type TinesClient, type TinesTeamMemberObject } from "../client";
import { deploymentFor } from "../deployment/registry";
import type { ReadFreshness } from "../deployment/sharedReads";
import type { TenantDeployment } from "../deployment/tenantDeployment";
import { settledLookup } from "../provider/reconcile";
import { sameText } from "../provider/names";
import type { CheckFailure } from "../provider/inputs";
import { TinesInvitationError, TinesLastMemberError, TinesRoleChangeError, TinesMembershipError, describeFailedInvitation, describeFailedRoleChange } from "./failures";
import { describeMember, teamMemberOf, type Invitee, type TeamMember } from "./members";
import { changeMemberRole, findMemberOnTeam, inviteMember, removeMember, type MembershipScope } from "./operations";
import type { RosterInputs, TinesDeclaredTeamMember } from "./roster";
import { notDeclaredReason, planMembers, type MemberPlan } from "./rosterPlan";

/**
 * The team's members (one paged read, 500 a page, shared by the reads in flight), or undefined
 * when two reads agree the team does not exist. After a recent write (`writtenAt`), a list that
 * lacks a member `recorded` as written there is read again until Tines shows them or its lag is
 * waited out (deployment/sharedReads.ts).
 */
export async function readRoster(
  client: TinesClient,
  teamId: number,
  options: ReadFreshness & { recorded?: readonly Pick<TeamMember, "userId">[] } = {},
): Promise<TeamMember[] | undefined> {
  const recorded = options.recorded ?? [];
  const shows = (members: TinesTeamMemberObject[]) => recorded.every((member) => members.some((each) => each.id === member.userId));
  return (await deploymentFor(client).reads.teamMembers(teamId, { writtenAt: options.writtenAt, shows }))?.map(teamMemberOf);
}

/** What writing a roster needs besides the plan. */
export interface RosterWriteOptions {
  /** The deployment of the team's tenant. */
  deployment: TenantDeployment;
  /** How long to wait for a pending user deletion before inviting its email again (`tines:userDeletionWaitSeconds`), in ms. */
  userDeletionWaitMs: number;
  /** What the resource's user can do when Tines refuses to remove a team's last member. */
  lastMemberAdvice: string;
  /**
   * Whether this write takes the team's member list over (see `RosterPreviewScope.takesOverTeam`):
   * members neither declared nor ignored then fail it, naming them, unless `adoptExisting`.
   */
  takesOverTeam: boolean;
}

/** How a roster write ended: the members the team holds, or a failure with what Tines holds at that moment. */
export type RosterWriteResult =
  | { outcome: "written"; members: TeamMember[] }
  | {
      outcome: "failed";
      /** The members Tines holds as far as the writes tell. */
      onTeam: TeamMember[];
      /** Whether any write took (else Tines holds what it held before). */
      changed: boolean;
      error: Error;
    };

/** The roster cannot be planned (a user declared twice under two identities, or declared and ignored): no write was made. */
export class TinesRosterPlanError extends TinesError {
  override name = "TinesRosterPlanError";
  constructor(readonly failures: readonly CheckFailure[]) {
    super(failures.map((failure) => `${failure.property}: ${failure.reason}`).join("; "));
  }
}

/** What went wrong with one declared member: declared twice, a membership operation that failed, or a role Tines did not take. */
export type RosterMemberProblem =
  | { type: "declaredTwice"; member: TeamMember }
  | { type: "operationFailed"; error: TinesMembershipError }
  | { type: "roleNotTaken"; member: TeamMember; role: string };

/** A change to the declared member `members[index]` failed; `problem` says how. */
export class TinesRosterMemberError extends TinesError {
  override name = "TinesRosterMemberError";
  constructor(
    /** The member's index in `members`. */
    readonly index: number,
    readonly problem: RosterMemberProblem,
  ) {
    super(rosterMemberMessage(index, problem), problem.type === "operationFailed" ? { cause: problem.error } : undefined);
  }
}

function rosterMemberMessage(index: number, problem: RosterMemberProblem): string {
  switch (problem.type) {
    case "declaredTwice":
      return `members[${index}]: is ${describeMember(problem.member)}, already declared in members: declare each member once`;
    case "roleNotTaken":
      return `members[${index}].role: Tines answered the invitation of ${problem.member.email} but holds the role ${problem.member.role}, not ${problem.role}`;
    case "operationFailed": {
      const { error } = problem;
      if (error instanceof TinesInvitationError) return `members[${index}]: ${describeFailedInvitation(error)}`;
      if (error instanceof TinesRoleChangeError) return `members[${index}].role: ${describeFailedRoleChange(error)}`;
      return `members[${index}].role: ${error.message}`;
    }
  }
}

/**
 * Brings the team from `current` to the declared roster, one write per change (see `applyPlan`).
 * A roster that cannot be planned (a user declared twice under two identities), or a takeover of
 * undeclared members without `adoptExisting`, fails before any write.
 */
export async function writeRoster(inputs: RosterInputs, current: readonly TeamMember[], options: RosterWriteOptions): Promise<RosterWriteResult> {
  const plan = planMembers(inputs.members, inputs.ignoredMembers, current);
  const unchanged = (error: Error): RosterWriteResult => ({ outcome: "failed", onTeam: [...current], changed: false, error });
  if (plan.failures.length > 0) return unchanged(new TinesRosterPlanError(plan.failures));
  if (options.takesOverTeam && !inputs.adoptExisting && plan.removals.length > 0) {
    return unchanged(new TinesError(`members: ${notDeclaredReason(String(inputs.teamId), plan.removals)}`));
  }
  const applied = await applyPlan(inputs, plan, current, options);
  if (applied.outcome === "failed" || plan.adds.length + plan.reroles.length + plan.removals.length === 0) return applied;
  return verifiedRoster(options.deployment.client, inputs.teamId, applied.members);
}

/**
 * Verified writes (README, "Verified writes"): Tines answered every change, and the member list
 * must now show them; it is read until it does, over about 2.5 s (a list may lag a write:
 * tines-api.md). An invitation or a removal answered but not applied fails the operation, naming
 * the members, with what Tines holds, so a later destroy or refresh never trusts a member list
 * Tines does not have. One paged read when the writes took.
 */
async function verifiedRoster(client: TinesClient, teamId: number, expected: readonly TeamMember[]): Promise<RosterWriteResult> {
  const same = (left: TeamMember, right: TeamMember) => left.userId === right.userId && sameText(left.role, right.role);
  const failed = (onTeam: readonly TeamMember[], error: Error): RosterWriteResult => ({ outcome: "failed", onTeam: [...onTeam], changed: true, error });
  let last: TeamMember[] | undefined;
  try {
    const settled = await settledLookup(async () => {
      last = await readRoster(client, teamId);
      return last && last.length === expected.length && last.every((member) => expected.some((each) => same(each, member))) ? last : undefined;
    });
    if (settled) return { outcome: "written", members: settled };
  } catch (error) {
    return failed(expected, error as Error);
  }
  if (!last) return failed(expected, new TinesError(`teamId: team ${teamId} no longer exists`));
  const onTeam = last;
  const missing = expected.filter((each) => !onTeam.some((member) => same(each, member)));
  const extra = onTeam.filter((member) => !expected.some((each) => same(each, member)));
  const differences = [
    missing.length > 0 ? `does not hold ${missing.map(describeMember).join(", ")}` : "",
    extra.length > 0 ? `holds ${extra.map(describeMember).join(", ")}` : "",
  ].filter((part) => part !== "");
  return failed(onTeam, new TinesError(`members: Tines answered every change to team ${teamId}, but ${differences.join(" and ")}`));
}

/** A declared member as the membership operations name them: by id or by email, as in the program. */
function inviteeOf(entry: TinesDeclaredTeamMember): Invitee {
  return entry.userId !== undefined ? { userId: entry.userId } : { email: entry.email! };
}

/**
 * Carries out a plan, one membership operation per change, in the order that never leaves the
 * team empty: add, then re-role (membership/operations.ts, `changeMemberRole`), then remove. Tracks
 * what Tines holds after every write, so a failure reports exactly that.
 */
async function applyPlan(inputs: RosterInputs, plan: MemberPlan, current: readonly TeamMember[], options: RosterWriteOptions): Promise<RosterWriteResult> {
  const scope: MembershipScope = { ...options, teamId: inputs.teamId, lookup: findMemberOnTeam };
  const onTeam = new Map(current.map((member) => [member.userId, member]));
  let changed = false;
  let made = 0;
  const joined = (member: TeamMember) => {
    onTeam.set(member.userId, member);
    changed = true;
    made += 1;
  };
  /** A role Tines did not take fails the operation, naming the member (outputs hold Tines' role). */
  const assertRole = (index: number, member: TeamMember, role: string) => {
    if (!sameText(member.role, role)) throw new TinesRosterMemberError(index, { type: "roleNotTaken", member, role });
  };
  // A failed invitation or role change names the declared member; a removal Tines refused (the
  // last member) says who stays on its own, as the removals of undeclared members do.
  const operation = async <T>(index: number, run: () => Promise<T>): Promise<T> =>
    run().catch((error: unknown) => {
      const named = error instanceof TinesMembershipError && !(error instanceof TinesLastMemberError);
      throw named ? new TinesRosterMemberError(index, { type: "operationFailed", error }) : error;
    });
  try {
    for (const index of plan.adds) {
      const entry = inputs.members[index]!;
      const already = entry.email !== undefined ? [...onTeam.values()].find((member) => member.email.toLowerCase() === entry.email!.toLowerCase()) : onTeam.get(entry.userId!);
      // Added a moment ago under its other identity: the same user declared by id and by email.
      if (already) throw new TinesRosterMemberError(index, { type: "declaredTwice", member: already });
      const member = await operation(index, () => inviteMember(scope, inviteeOf(entry), entry.role));
      joined(member);
      assertRole(index, member, entry.role);
    }
    for (const { index, member } of plan.reroles) {
      const role = inputs.members[index]!.role;
      const onRemoved = () => {
        onTeam.delete(member.userId);
        changed = true;
      };
      const change = { member, invitee: inviteeOf(inputs.members[index]!), role, onlyMember: onTeam.size <= 1, onRemoved };
      const invited = await operation(index, () => changeMemberRole(scope, change)).catch((error: unknown) => {
        // The member was put back with the role they had: Tines holds them so.
        if (error instanceof TinesRosterMemberError && error.problem.type === "operationFailed" && error.problem.error instanceof TinesRoleChangeError) {
          const restored = error.problem.error.restored;
          if (restored) onTeam.set(restored.userId, restored);
        }
        throw error;
      });
      joined(invited);
      assertRole(index, invited, role);
    }
    // Every declared member is on the team now (at least one: check requires it), so removing
    // the others never meets the last-member rule.
    for (const member of plan.removals) {
      await removeMember(scope, member.userId);
      onTeam.delete(member.userId);
      changed = true;
      made += 1;
    }
  } catch (error) {
    const total = plan.adds.length + plan.reroles.length + plan.removals.length;
    const stopped = total > 1 ? new TinesRosterStoppedError(made, total, declaredOn(inputs.members, onTeam), inputs.members.length, error as Error) : (error as Error);
    return { outcome: "failed", onTeam: [...onTeam.values()], changed, error: stopped };
  }
  return { outcome: "written", members: [...onTeam.values()] };
}

/** How many of the declared members `onTeam` holds. */
function declaredOn(members: readonly TinesDeclaredTeamMember[], onTeam: ReadonlyMap<number, TeamMember>): number {
  const emails = new Set([...onTeam.values()].map((member) => member.email.toLowerCase()));
  return members.filter((entry) => (entry.userId !== undefined ? onTeam.has(entry.userId) : emails.has(entry.email!.toLowerCase()))).length;
}

/**
 * A roster write of several changes that stopped partway: its cause, and how far it got, so a
 * long write cut off (a stall, a refusal) is told from one that never started. The stack records
 * what Tines holds, and the next `up` makes the rest.
 */
export class TinesRosterStoppedError extends TinesError {
  override name = "TinesRosterStoppedError";

  constructor(
    /** The changes made (an add, a re-role or a removal each). */
    readonly made: number,
    /** The changes the write had to make. */
    readonly total: number,
    /** The declared members on the team when it stopped. */
    readonly declaredOnTeam: number,
    /** The declared members. */
    readonly declared: number,
    cause: Error,
  ) {
    super(
      `${cause.message} (stopped after ${made} of the ${total} changes to the team, with ${declaredOnTeam} of ${declared} declared members on it; ` +
        "the stack records the members Tines holds, and the next `pulumi up` makes the rest)",
      { cause },
    );
  }
}
