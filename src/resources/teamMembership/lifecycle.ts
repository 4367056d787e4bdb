/**
 * What `TinesTeamMembership` does in Tines: invite (or adopt), read, and remove, through the
 * membership operations (src/membership). Everything else is its definition: every change but
 * `adoptExisting` replaces the membership, so it has no update, and the engine verifies that Tines
 * holds the declared role and user after a create. Needs a tenant-owner key, or a Team key with
 * team-admin rights on the team (tines-api.md, "Conventions for every endpoint").
 */
import { TinesApiError, TinesError } from "../../client";
import type { TinesOutputsOf } from "../../provider/definition";
import { sameMeaning } from "../../provider/inputs";
import { claimConflictReason } from "../../provider/claims";
import { unlessGone } from "../../provider/runtime";
import { implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import type { ProviderContext } from "../../provider/runtime";
import { deploymentFor, type TenantDeployment } from "../../deployment";
import {
  TinesInvitationError,
  changeMemberRole,
  findMembershipOfUser,
  inviteMember,
  membershipOnAuthoritativeTeamReason,
  refusedInvitationInput,
  removeMember,
  unlessUserBeingDeleted,
  type MembershipScope,
  type TeamMember,
} from "../../membership";
import {
  membershipId,
  membershipIdentity,
  parseMembershipId,
  tinesTeamMembershipDefinition as definition,
  type TinesTeamMembershipInputs,
  type TinesTeamMembershipOutputs,
} from "./definition";
import { alreadyOnTeamReason, checkAgainstTenant } from "./tenantChecks";

/** What this resource's own code records; the engine adds `adoptExisting` and `tenant`. */
type MembershipOutputs = TinesOutputsOf<typeof definition>;

// Create -------------------------------------------------------------------------------------------

async function create(inputs: TinesTeamMembershipInputs, context: ProviderContext) {
  const deployment = deploymentFor(context.client());
  const who = inputs.userId !== undefined ? { userId: inputs.userId } : { email: inputs.email! };
  // A roster of this deployment manages the team (a team made by this up, which its preview could not name).
  const roster = deployment.rosterWrittenFor(inputs.teamId);
  if (roster) throw new TinesError(`teamId: ${membershipOnAuthoritativeTeamReason({ id: inputs.teamId }, roster)}`);
  await refuseSecondMembershipOfPerson(deployment, inputs);
  const scope = membershipScope(deployment, inputs.teamId, context);

  if (inputs.adoptExisting) {
    // Through the deployment's shared directory: one request per membership, not a walk of the team;
    // a membership whose user Tines is deleting is never adopted.
    const found = await deployment.directory.findMembership(inputs.teamId, who);
    const existing = await unlessUserBeingDeleted(
      deployment,
      found && { userId: found.userId, email: found.email, role: found.role, invitationAccepted: found.invitationAccepted ?? false },
      context.userDeletionWaitMs(),
      found?.user,
    );
    if (existing && sameMeaning(existing.role, inputs.role)) return created(existing, inputs.teamId, deployment);
    // Taking over with another role (membership/operations.ts says how a role changes).
    if (existing) return created(await changeMemberRole(scope, { member: existing, invitee: who, role: inputs.role, onlyMember: false }), inputs.teamId, deployment);
  }

  try {
    // The engine then checks that Tines holds the declared role and user: an invitation answered
    // with another is recorded as Tines holds it, and the create fails naming what differs.
    return created(await inviteMember(scope, who, inputs.role), inputs.teamId, deployment);
  } catch (error) {
    // Refused because the user is on the team already: say so, and that adoptExisting exists.
    if (!inputs.adoptExisting && error instanceof TinesInvitationError && error.cause instanceof TinesApiError && error.cause.isConflictOrValidation) {
      const existing = await findMembershipOfUser(deployment.client, inputs.teamId, who);
      if (existing) {
        const property = "userId" in who ? "userId" : "email";
        throw new TinesError(`${property}: ${alreadyOnTeamReason(existing.email, existing.userId, String(inputs.teamId), existing.role)}`);
      }
    }
    // Otherwise a refusal traceable to an input names it, as the preview check would.
    const refused = error instanceof TinesInvitationError ? await refusedInvitationInput(deployment.client, context.tenantUrl(), { ...inputs }, error.cause) : undefined;
    if (refused) throw new TinesError(`${refused.property}: ${refused.reason} (${(error as Error).message})`, { cause: error });
    throw error;
  }
}

/**
 * One membership per team and person, before anything is sent: `check` compares the names the
 * deployment knew then, and a person named by id in one membership and by email in another of the
 * same team is one person only once the deployment knows that user (with preview checks off, or a
 * user this up made). When another resource of the deployment claimed a membership of this team
 * by the other kind of name, the person is resolved now (one read) and the membership claimed
 * second fails, naming both; the one claimed first goes ahead.
 */
async function refuseSecondMembershipOfPerson(deployment: TenantDeployment, inputs: TinesTeamMembershipInputs): Promise<void> {
  const declared = membershipIdentity(inputs);
  if (!declared) return;
  const byId = inputs.userId !== undefined;
  const othersOnTeam = deployment.claims.keysClaimedBesides(definition.kind, declared.key).map((key) => JSON.parse(key) as [string, string]);
  if (!othersOnTeam.some(([team, who]) => team === String(inputs.teamId) && who.startsWith("user ") !== byId)) return;
  try {
    if (byId && deployment.knownUsers.emailOf(inputs.userId!) === undefined) deployment.known(await unlessGone(deployment.client.users.get(inputs.userId!)));
    if (!byId && deployment.knownUsers.idOf(inputs.email!) === undefined) deployment.known(await deployment.directory.findByEmail(inputs.email!));
  } catch (error) {
    // A key that may not read users (a Team key) cannot tell: the invitation goes ahead, as before.
    if (error instanceof TinesApiError && error.isForbidden) return;
    throw error;
  }
  const identity = membershipIdentity(inputs, deployment.knownUsers)!;
  const conflict = deployment.claims.earlierHolder(definition.kind, identity.key, identity.aliases ?? []);
  if (conflict) throw new TinesError(`${identity.property}: ${claimConflictReason(definition.className, conflict.name, conflict.holder, identity)}`);
}

/** Where this resource's membership operations run: its team, its deployment, its words for the last-member rule. */
function membershipScope(deployment: TenantDeployment, teamId: number, context: ProviderContext): MembershipScope {
  return { deployment, teamId, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, lookup: findMembershipOfUser };
}

/** A create's result; its user is one the deployment now knows. */
function created(member: TeamMember, teamId: number, deployment: TenantDeployment) {
  deployment.known({ id: member.userId, email: member.email });
  return { id: membershipId(teamId, member.userId), outputs: outputsOf(member, teamId) };
}

/** The membership as the stack records it. */
function outputsOf(member: TeamMember, teamId: number): MembershipOutputs {
  return { teamId, userId: member.userId, email: member.email, role: member.role, invitationAccepted: member.invitationAccepted };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Partial<TinesTeamMembershipOutputs>, context: ProviderContext) {
  const { teamId, userId } = parseMembershipId(id);
  // Through the user's team_memberships, shared with the other reads in flight when the user list
  // is cheaper; a membership made a moment ago that Tines does not show yet is waited for, not
  // dropped (deployment/sharedReads.ts). team_memberships carry no invitation state: the recorded one stays.
  const deployment = deploymentFor(context.client());
  const membership = await deployment.reads.membership(teamId, userId, context.freshness(id, recorded));
  if (!membership) return undefined;
  deployment.known({ id: membership.userId, email: membership.email });
  const found: TeamMember = { ...membership, invitationAccepted: membership.invitationAccepted ?? recorded.invitationAccepted ?? false };
  // The user by id or by email, not both (the engine's default would give both): by id when the
  // state records a numeric userId (as every state written so far does), else by email.
  const inputs: Record<string, unknown> = { teamId, role: found.role, adoptExisting: recorded.adoptExisting ?? false };
  if (typeof recorded.userId === "number") inputs.userId = found.userId;
  else inputs.email = found.email;
  return { outputs: outputsOf(found, teamId), inputs };
}

// Delete -------------------------------------------------------------------------------------------

async function deleteMembership(id: string, _recorded: unknown, context: ProviderContext) {
  const { teamId, userId } = parseMembershipId(id);
  await removeMember({ deployment: deploymentFor(context.client()), teamId, lastMemberAdvice }, userId);
}

/** Why the last member stays: what a TinesTeamMembership's user can do about it. */
const lastMemberAdvice =
  "Add another member to the team first (for example another TinesTeamMembership), or delete the team in Tines; " +
  "a role change is a removal and a new invitation (Tines has no role update), so the only member's role cannot change until someone else is on the team; " +
  "when the team is a TinesTeam of this stack, declare its people in the team's members instead, so that one destroy deletes the team with them; " +
  "to stop managing this membership without changing Tines, run `pulumi state delete` on it.";

/** The Tines calls of {@link TinesTeamMembership}; no update: every change but `adoptExisting` replaces it. */
export const tinesTeamMembershipLifecycle: ResourceLifecycle<typeof definition> = {
  checkAgainstTenant,
  create,
  read,
  delete: deleteMembership,
};

/** {@link TinesTeamMembership} as the engine runs it. */
export const tinesTeamMembershipResource = implementResource(definition, tinesTeamMembershipLifecycle);
