/**
 * Writing a roster (provider/roster.ts has the roster itself): the team's member list read once,
 * then one request per change, in the order that never leaves a team empty, tracking what Tines
 * holds after every write so a failure reports exactly that.
 */
import { TinesApiError, TinesError, type TinesClient, type TinesTeamMemberObject } from "../client";
import { describeMember, removeTeamMember, teamMemberOf, type TeamMember } from "./members";
import { waitedForDeletionOfEmail } from "./pendingDeletions";
import { createReconciled, settledLookup } from "./reconcile";
import { notDeclaredReason, planMembers, type MemberPlan, type RosterInputs } from "./roster";
import type { RosterPreviewScope } from "./rosterPreview";
import { unlessConfirmedGone } from "./runtime";

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
  const members = await applyPlan(client, inputs, plan, current, failed, options);
  if (plan.adds.length + plan.reroles.length + plan.removals.length === 0) return members;
  return verifiedRoster(client, inputs.teamId, members, failed);
}

/**
 * Verified writes (README, "Verified writes"): Tines answered every change, and the member list
 * must now show them; it is read until it does, over about 2.5 s (a list may lag a write:
 * tines-api.md). An invitation or a removal answered but not applied fails the operation, naming
 * the members, and `failed` records what Tines holds, so a later destroy or refresh never trusts a
 * member list Tines does not have. One paged read when the writes took.
 */
async function verifiedRoster(
  client: TinesClient,
  teamId: number,
  expected: readonly TeamMember[],
  failed: (onTeam: TeamMember[], changed: boolean, error: Error) => Error,
): Promise<TeamMember[]> {
  const same = (left: TeamMember, right: TeamMember) => left.userId === right.userId && left.role === right.role;
  let last: TeamMember[] | undefined;
  try {
    const settled = await settledLookup(async () => {
      last = await readRoster(client, teamId);
      return last && last.length === expected.length && last.every((member) => expected.some((each) => same(each, member))) ? last : undefined;
    });
    if (settled) return settled;
  } catch (error) {
    throw failed([...expected], true, error as Error);
  }
  if (!last) throw failed([...expected], true, new TinesError(`teamId: team ${teamId} no longer exists`));
  const onTeam = last;
  const missing = expected.filter((each) => !onTeam.some((member) => same(each, member)));
  const extra = onTeam.filter((member) => !expected.some((each) => same(each, member)));
  const differences = [
    missing.length > 0 ? `does not hold ${missing.map(describeMember).join(", ")}` : "",
    extra.length > 0 ? `holds ${extra.map(describeMember).join(", ")}` : "",
  ].filter((part) => part !== "");
  throw failed(onTeam, true, new TinesError(`members: Tines answered every change to team ${teamId}, but ${differences.join(" and ")}`));
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

