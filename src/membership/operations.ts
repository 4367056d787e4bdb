/**
 * The membership operations, once, for `TinesTeamMembership`, `TinesTeamMembers` and
 * `TinesTeam.members`: invite a member, change a member's role, remove a member, find a
 * membership, and never adopt one whose user Tines is deleting.
 *
 * Tines has no membership resource: a team's members are changed one by one with `invite_member`
 * and `remove_member`; no endpoint changes a role; the last member of a team cannot be removed
 * (tines-api.md, "Teams and membership"). So, here and only here:
 *
 * **What happens when a member's role changes** ({@link changeMemberRole}): the member is removed,
 * then invited again with the new role. A team's only member cannot change role (the removal would
 * be refused): that is said before any request when the caller knows the member is alone, and
 * otherwise by Tines' refusal of the removal, explained ({@link TinesLastMemberError}). If the new
 * invitation fails, the member is invited again with the role they had, so a failed change never
 * leaves them off the team where Tines allows otherwise, and the failure says what Tines holds.
 * Where each resource meets it: a roster (`TinesTeamMembers`, `TinesTeam.members`) re-roles a
 * declared member with {@link changeMemberRole}, after its additions so the team is never empty; a
 * `TinesTeamMembership` taking over a membership with another role does too; a
 * `TinesTeamMembership` whose declared role changes is replaced by the engine, delete first
 * ({@link removeMember}, then {@link inviteMember}), the same two requests.
 *
 * Failures are typed (membership/failures.ts), carrying the team, the member and the cause.
 */
import { TinesApiError, type TinesClient, type TinesTeamMemberObject, type TinesUserObject } from "../client";
import { mayBePendingDeletion, waitForPendingDeletion, waitedForDeletionOfEmail } from "../deployment/pendingDeletions";
import { deploymentFor } from "../deployment/registry";
import type { TenantDeployment } from "../deployment/tenantDeployment";
import { sameText } from "../provider/names";
import { createReconciled } from "../provider/reconcile";
import { unlessGone } from "../provider/runtime";
import { explainScimRefusal } from "../scim/tenant";
import { TinesInvitationError, TinesLastMemberError, TinesOnlyMemberRoleChangeError, TinesRoleChangeError } from "./failures";
import { teamMemberOf, type Invitee, type TeamMember } from "./members";

/**
 * How a membership is found after an invitation whose answer was lost (see `createReconciled`):
 * {@link findMemberOnTeam} or {@link findMembershipOfUser}.
 */
export type MembershipLookup = (client: TinesClient, teamId: number, who: Invitee) => Promise<TeamMember | undefined>;

/** Where a membership operation runs, and what its failures tell the user. */
export interface MembershipScope {
  /** The deployment of the tenant (its client, its records of users being deleted). */
  deployment: TenantDeployment;
  /** The team. */
  teamId: number;
  /** How long to wait for a pending user deletion before inviting its email again (`tines:userDeletionWaitSeconds`), in ms. */
  userDeletionWaitMs: number;
  /** What the resource's user can do when Tines refuses to remove a team's last member. */
  lastMemberAdvice: string;
  /** How the membership is found after an invitation whose answer was lost. */
  lookup: MembershipLookup;
}

/**
 * Invites a member with `role` and returns them as Tines answers. An invitation whose answer was
 * lost is looked up (`scope.lookup`) before it is sent again, so it never adds twice. An email
 * refused because a user Tines is deleting still holds it (deletion is asynchronous: tines-api.md,
 * "Users") is invited again once that deletion is over; the second invitation then creates a new
 * user. Any failure is a {@link TinesInvitationError}; an invitation by email of someone without an
 * account that a SCIM-managed tenant refuses carries a `TinesScimManagedError` as its cause.
 */
export async function inviteMember(scope: MembershipScope, invitee: Invitee, role: string): Promise<TeamMember> {
  const { deployment, teamId } = scope;
  const client = deployment.client;
  const invited = () =>
    createReconciled(
      async () => teamMemberOf(await client.teams.inviteMember(teamId, "userId" in invitee ? { user_id: invitee.userId } : { email: invitee.email }, role)),
      async () => {
        const found = await scope.lookup(client, teamId, invitee);
        return found !== undefined && sameText(found.role, role) ? found : undefined;
      },
    );
  try {
    return await invited().catch(async (error: unknown) => {
      const refused = error instanceof TinesApiError && (error.isNotFound || error.isConflictOrValidation);
      if (refused && "email" in invitee && (await waitedForDeletionOfEmail(deployment, invitee.email, scope.userDeletionWaitMs))) return invited();
      throw error;
    });
  } catch (error) {
    // By email, someone without an account: Tines would create the user, which a SCIM-managed
    // tenant refuses (tines-api.md, "SCIM"); the refusal is explained.
    const newPerson = "email" in invitee && (await deployment.userByEmail(invitee.email).catch(() => null)) === undefined;
    const cause = newPerson ? await explainScimRefusal(deployment, error, `invite ${invitee.email}, who has no Tines account yet, to team ${teamId}`) : error;
    throw new TinesInvitationError(teamId, invitee, role, cause as Error);
  }
}

/**
 * Removes a member; already gone is success. When Tines refuses because the user is the team's
 * only member (its refusal is an undocumented 4xx, so the member list is read to be sure), throws
 * a {@link TinesLastMemberError} carrying `scope.lastMemberAdvice`. Other failures are Tines' own.
 */
export async function removeMember(scope: Pick<MembershipScope, "deployment" | "teamId" | "lastMemberAdvice">, userId: number): Promise<void> {
  const { client } = scope.deployment;
  try {
    await client.teams.removeMember(scope.teamId, userId);
  } catch (error) {
    if (!(error instanceof TinesApiError)) throw error;
    if (error.isNotFound) return;
    if (error.isConflictOrValidation) {
      const members = await client.teams.listMembers(scope.teamId).catch(() => undefined);
      if (members?.length === 1 && members[0]!.id === userId) {
        throw new TinesLastMemberError(teamMemberOf(members[0]!), scope.teamId, scope.lastMemberAdvice, error);
      }
    }
    throw error;
  }
}

/** What {@link changeMemberRole} needs to know besides the member. */
export interface RoleChange {
  /** The member as Tines holds them. */
  member: TeamMember;
  /** Who to invite again: as declared (by id or email), so a lookup finds them the same way. */
  invitee: Invitee;
  /** The new role. */
  role: string;
  /**
   * Whether the caller knows the member is the team's only one: the change is then refused before
   * any request ({@link TinesOnlyMemberRoleChangeError}) rather than by Tines' refusal to remove.
   */
  onlyMember: boolean;
  /** Called once the member is removed, so a caller tracking the team knows they are off it. */
  onRemoved?: () => void;
}

/**
 * Changes a member's role, the one way Tines allows (see the file comment): remove, then invite
 * with the new role; if the invitation fails, invite again with the old role. Returns the member
 * as Tines answers the new invitation. Failures: {@link TinesOnlyMemberRoleChangeError} (no
 * request made), {@link TinesLastMemberError} or Tines' own (the removal; nothing changed), and
 * {@link TinesRoleChangeError} (removed, not invited: carries the member as restored, if they were).
 */
export async function changeMemberRole(scope: MembershipScope, change: RoleChange): Promise<TeamMember> {
  const { member, role } = change;
  if (change.onlyMember) throw new TinesOnlyMemberRoleChangeError(member, scope.teamId, role);
  await removeMember(scope, member.userId);
  change.onRemoved?.();
  try {
    return await inviteMember(scope, change.invitee, role);
  } catch (error) {
    if (!(error instanceof TinesInvitationError)) throw error;
    // Put the member back with the role they had rather than leave them off the team.
    const restored = await scope.deployment.client.teams
      .inviteMember(scope.teamId, { user_id: member.userId }, member.role)
      .then(teamMemberOf, () => undefined);
    throw new TinesRoleChangeError(member, scope.teamId, role, restored, error);
  }
}

/** A membership found through the team's member list (paged, 500 a page). */
export const findMemberOnTeam: MembershipLookup = async (client, teamId, who) => {
  const member = await client.teams.findMember(teamId, who);
  return member ? teamMemberOf(member) : undefined;
};

/**
 * Finds a user's membership of a team. By user id it is one request, through the user's
 * `team_memberships`; by email too, where the tenant looks users up by email
 * (`GET /admin/users/{email}`, tines-api.md; the deployment remembers whether it does,
 * deployment/sharedDirectory.ts). Otherwise (an older tenant's 404 for an email, or a key that may
 * not read users: a Team key gets 403) the team's member list is read. `team_memberships` carries
 * no invitation state: `previous` gives what was last seen (not accepted, when nothing was).
 */
export async function findMembershipOfUser(
  client: TinesClient,
  teamId: number,
  who: Invitee,
  previous?: Pick<TeamMember, "invitationAccepted">,
): Promise<TeamMember | undefined> {
  const fromUser = (user: TinesUserObject | undefined): TeamMember | undefined => {
    const membership = user?.team_memberships?.find((each) => each.team_id === teamId);
    return user && membership ? { userId: user.id, email: user.email, role: membership.role, invitationAccepted: previous?.invitationAccepted ?? false } : undefined;
  };
  try {
    if ("userId" in who) return fromUser(await unlessGone(client.users.get(who.userId, { includeTeamMemberships: true })));
    const answer = await deploymentFor(client).directory.lookUpByEmail(who.email);
    if (answer) {
      // Whether `include=team_memberships` works with an email is not documented (tines-api.md): an
      // answer without them is read again by id.
      const user = answer.user?.team_memberships === undefined && answer.user ? await unlessGone(client.users.get(answer.user.id, { includeTeamMemberships: true })) : answer.user;
      return fromUser(user);
    }
  } catch (error) {
    if (!(error instanceof TinesApiError && error.isForbidden)) throw error;
  }
  const member: TinesTeamMemberObject | undefined = await unlessGone(client.teams.findMember(teamId, who));
  return member ? teamMemberOf(member) : undefined;
}

/**
 * A membership found for adoption, unless its user is one Tines is deleting: then, after a bounded
 * wait for the deletion, undefined (a membership that vanishes with its user is never adopted).
 * `knownUser` is the user when the lookup already read it; a key that may not read users (403)
 * leaves the membership as found.
 */
export async function unlessUserBeingDeleted(
  deployment: TenantDeployment,
  found: TeamMember | undefined,
  waitMs: number,
  knownUser?: TinesUserObject,
): Promise<TeamMember | undefined> {
  if (!found) return undefined;
  const user = knownUser ?? (await unlessGone(deployment.client.users.get(found.userId)).catch(() => undefined));
  if (user === undefined) return found;
  if (!mayBePendingDeletion(deployment, user)) return found;
  return (await waitForPendingDeletion(deployment, user, waitMs)).type === "gone" ? undefined : found;
}
