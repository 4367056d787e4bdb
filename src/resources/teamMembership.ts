/**
 * `TinesTeamMembership`: one user on one team with one role. Tines has no membership resource:
 * membership is read from the user's `team_memberships` (or the team's member list) and changed
 * with the team's `invite_member` and `remove_member` actions. No endpoint changes a role, so a
 * role change replaces the membership (remove, then invite). Needs a tenant-owner key, or a Team
 * key with team-admin rights on that team.
 *
 * Reads top to bottom: inputs, outputs, check, diff, create, read, update, delete, the class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, type TinesRoleName } from "../client";
import {
  changedProperties,
  checkInputs,
  containsUnknown,
  emailAddress,
  flag,
  positiveIntegerId,
  sameMeaning,
  teamRole,
  unappliedWrite,
  type Comparison,
} from "../provider/inputs";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../deployment";
import {
  TinesInvitationError,
  changeMemberRole,
  findMembershipOfUser,
  inviteMember,
  membershipOnAuthoritativeTeamReason,
  missingTeamReason,
  removeMember,
  unknownRoleReason,
  unlessUserBeingDeleted,
  type MembershipScope,
  type TeamMember,
} from "../membership";
import { settledLookup } from "../provider/reconcile";
import { registrationPlaceholder, tinesTypeModule, withProviderStub } from "../provider/registration";
import {
  PartialCreateError,
  assertSameTenant,
  tenantChanged,
  type ProviderContext,
  type ResourceImplementation,
  type TenantOutputs,
} from "../provider/runtime";

// Inputs -------------------------------------------------------------------------------------------

/** The inputs of a {@link TinesTeamMembership}: give exactly one of `userId` and `email`. */
export interface TinesTeamMembershipArgs {
  /** The team's id (a number or a numeric string). */
  teamId: pulumi.Input<number | string>;
  /** The user's id: a number or numeric string, so both `user.id` and `user.userId` work. */
  userId?: pulumi.Input<number | string>;
  /** The user's email: invites by email, creating the tenant user (and an invitation email) if needed. */
  email?: pulumi.Input<string>;
  /**
   * The role on the team: `VIEWER` (default), `EDITOR`, `TEAM_ADMIN`, `CASE_MANAGER` or a custom
   * role's name. Tines' own roles are upper case: `"editor"` fails the check ("did you mean EDITOR?").
   */
  role?: pulumi.Input<TinesRoleName>;
  /** When the user is already on the team, take the membership over (changing the role if needed) instead of failing. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesTeamMembershipInputs {
  teamId: number;
  userId?: number;
  email?: string;
  role: string;
  adoptExisting: boolean;
}

// Outputs ------------------------------------------------------------------------------------------

/** What a {@link TinesTeamMembership} records. */
export interface TinesTeamMembershipOutputs extends TenantOutputs {
  teamId: number;
  /** The user, resolved when the membership was declared by email. */
  userId: number;
  /** The user's email, resolved when the membership was declared by id. */
  email: string;
  role: string;
  adoptExisting: boolean;
  /** Whether the user accepted the team invitation (as of the last create or member-list read). */
  invitationAccepted: boolean;
}

const membershipInputsSchema = z.strictObject({
  teamId: positiveIntegerId,
  userId: positiveIntegerId.optional(),
  email: emailAddress.optional(),
  role: teamRole("VIEWER"),
  adoptExisting: flag(false),
});

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(membershipInputsSchema, news, (values: Partial<TinesTeamMembershipInputs>, unknownKeys) => {
    // Either may be unknown in preview; then it will be checked once known.
    if (unknownKeys.has("userId") || unknownKeys.has("email")) return [];
    const given = [values.userId, values.email].filter((value) => value !== undefined).length;
    return given === 1 ? [] : [{ property: "userId", reason: "give exactly one of userId and email" }];
  });
}

/** Why a new membership cannot be created: the same words in a preview check and in a failed create. */
function alreadyOnTeamReason(email: string, userId: number, team: string, role: string): string {
  return `user ${email} (id ${userId}) is already on team ${team} with role ${role}; set adoptExisting: true to manage that membership`;
}

/**
 * With preview checks on: the team exists, the role is one of the tenant's, and a new membership's
 * user is not already on the team (unless adopting); inviting an email with no account is a warning.
 */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, deployment: TenantDeployment): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesTeamMembershipInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  const tenant = deployment.tenantUrl;
  let team: { id: number; name: string } | undefined;
  if (!containsUnknown(inputs.teamId)) {
    team = (await deployment.teams()).find((each) => each.id === inputs.teamId);
    if (!team) findings.failures.push({ property: "teamId", reason: missingTeamReason(inputs.teamId, tenant) });
  }
  if (!containsUnknown(inputs.role)) {
    // A custom role this deployment creates (checked before this membership) counts as a role.
    const roles = [...(await deployment.roles()).map((role) => role.name), ...deployment.customRolesDeclared()];
    if (!roles.includes(inputs.role)) {
      findings.failures.push({ property: "role", reason: unknownRoleReason(inputs.role, roles, tenant) });
    }
  }
  const byEmail = inputs.userId === undefined;
  const who = byEmail ? inputs.email : inputs.userId;
  if (team) {
    // A TinesTeamMembers on the same team would remove this member again (README, "TinesTeamMembers"):
    // checked after one, this membership fails; checked before, the TinesTeamMembers fails, naming it.
    const roster = deployment.rosterDeclaredFor(team.id);
    if (roster) {
      findings.failures.push({ property: "teamId", reason: membershipOnAuthoritativeTeamReason(team, roster) });
    }
    const named = who === undefined || containsUnknown(who) ? "a user known once deployed" : byEmail ? String(who) : `user ${who}`;
    deployment.declareMembership(team.id, named);
  }
  if (!isNew || !team || who === undefined || containsUnknown(who)) return findings;
  const user = byEmail ? await deployment.userByEmail(inputs.email!) : await deployment.userById(inputs.userId!);
  if (!user) {
    if (byEmail) {
      findings.warnings.push(`${inputs.email} has no Tines account yet: adding them to team "${team.name}" creates the user and emails an invitation`);
    } else {
      findings.failures.push({ property: "userId", reason: `user ${inputs.userId} does not exist in ${tenant}` });
    }
    return findings;
  }
  const current = user.team_memberships?.find((membership) => membership.team_id === team!.id);
  if (current && inputs.adoptExisting === false) {
    findings.failures.push({
      property: byEmail ? "email" : "userId",
      reason: alreadyOnTeamReason(user.email, user.id, `${team.id} ("${team.name}")`, current.role),
    });
  } else if (current && inputs.adoptExisting === true && current.role !== inputs.role && !containsUnknown(inputs.role)) {
    findings.warnings.push(
      `the role ${current.role} of ${user.email} on team "${team.name}" will be replaced by ${inputs.role} (Tines has no role update: the member is removed, then invited again)`,
    );
  }
  return findings;
}

// Diff ---------------------------------------------------------------------------------------------

/** Emails compare case-insensitively (tines-api.md: whether Tines lower-cases them is not documented). */
const membershipComparison: Comparison = { caseInsensitive: ["email"] };

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"], deleteBeforeReplace: false };
  // The user is compared the way it was declared: by id, or by email (case-insensitively).
  const identity = ["teamId", news.userId !== undefined ? "userId" : "email"];
  const identityChanged = changedProperties(olds, news, identity, membershipComparison);
  const replaces = [...identityChanged, ...changedProperties(olds, news, ["role"], membershipComparison)];
  const changes = replaces.length > 0 || changedProperties(olds, news, ["adoptExisting"], membershipComparison).length > 0;
  // Same team and user with a new role: the old membership must go before the new one can be
  // made (Tines has no role update: membership/operations.ts). A different team or user: make the new one first.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && identityChanged.length === 0 };
}

// Create -------------------------------------------------------------------------------------------

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesTeamMembershipInputs;
  const deployment = deploymentFor(context.client());
  const tenant = context.tenantUrl();
  const who = inputs.userId !== undefined ? { userId: inputs.userId } : { email: inputs.email! };
  // A roster of this deployment manages the team (a team made by this up, which its preview could not name).
  const roster = deployment.rosterWrittenFor(inputs.teamId);
  if (roster) throw new TinesError(`teamId: ${membershipOnAuthoritativeTeamReason({ id: inputs.teamId }, roster)}`);
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
    if (existing && sameMeaning(existing.role, inputs.role)) return verifiedCreate(existing, inputs, tenant);
    // Taking over with another role (membership/operations.ts says how a role changes).
    if (existing) return verifiedCreate(await changeMemberRole(scope, { member: existing, invitee: who, role: inputs.role, onlyMember: false }), inputs, tenant);
  }

  try {
    return verifiedCreate(await inviteMember(scope, who, inputs.role), inputs, tenant);
  } catch (error) {
    // Refused because the user is on the team already: say so, and that adoptExisting exists.
    if (!inputs.adoptExisting && error instanceof TinesInvitationError && error.cause instanceof TinesApiError && error.cause.isConflictOrValidation) {
      const existing = await findMembershipOfUser(deployment.client, inputs.teamId, who);
      if (existing) {
        const property = "userId" in who ? "userId" : "email";
        throw new TinesError(`${property}: ${alreadyOnTeamReason(existing.email, existing.userId, String(inputs.teamId), existing.role)}`);
      }
    }
    throw error;
  }
}

/** Where this resource's membership operations run: its team, its deployment, its words for the last-member rule. */
function membershipScope(deployment: TenantDeployment, teamId: number, context: ProviderContext): MembershipScope {
  return { deployment, teamId, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, lookup: findMembershipOfUser };
}

/**
 * The result of a create once Tines holds the membership as declared. Otherwise (Tines answered
 * the invitation with another role, or another user) the membership exists but is not as
 * declared: it is recorded with what Tines holds and the create fails, naming what differs.
 */
function verifiedCreate(member: TeamMember, inputs: TinesTeamMembershipInputs, tenant: string) {
  const id = membershipId(inputs.teamId, member.userId);
  const outputs = outputsOf(member, inputs.teamId, inputs.adoptExisting, tenant);
  const compared = ["role", inputs.userId !== undefined ? "userId" : "email"];
  const unapplied = unappliedWrite("create", inputs, outputs, compared, membershipComparison);
  if (unapplied) throw new PartialCreateError(id, outputs, unapplied);
  return { id, outs: outputs as unknown as Record<string, unknown> };
}

function outputsOf(member: TeamMember, teamId: number, adoptExisting: boolean, tenant: string): TinesTeamMembershipOutputs {
  return {
    teamId,
    userId: member.userId,
    email: member.email,
    role: member.role,
    adoptExisting,
    invitationAccepted: member.invitationAccepted,
    tenant,
  };
}

/** The resource id: `"<teamId>/<userId>"`. */
export function membershipId(teamId: number, userId: number): string {
  return `${teamId}/${userId}`;
}

/** Splits a resource id into team and user ids. */
export function parseMembershipId(id: string): { teamId: number; userId: number } {
  const match = /^(\d+)\/(\d+)$/.exec(id);
  if (!match) throw new TinesError(`"${id}" is not a team membership id (expected "<teamId>/<userId>")`);
  return { teamId: Number(match[1]), userId: Number(match[2]) };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team membership ${id}`);
  const { teamId, userId } = parseMembershipId(id);
  const olds = props as Partial<TinesTeamMembershipOutputs>;
  // A membership made a moment ago may not show in the user's team_memberships yet (Tines' writes
  // are not visible everywhere at once): it is only dropped once repeated reads agree it is gone.
  const client = context.client();
  const found = await settledLookup(() => findMembershipOfUser(client, teamId, { userId }, { invitationAccepted: olds.invitationAccepted ?? false }));
  if (!found) return undefined;
  const outputs = outputsOf(found, teamId, olds.adoptExisting ?? false, context.tenantUrl());
  // Inputs as declared: by id or by email, whichever the state holds.
  const inputs: Record<string, unknown> = { teamId, role: found.role, adoptExisting: outputs.adoptExisting };
  if (typeof (props as { userId?: unknown }).userId === "number") inputs.userId = found.userId;
  else inputs.email = found.email;
  return { id, props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  // Every change but adoptExisting replaces the membership (see diff), so nothing goes to Tines.
  assertSameTenant(olds.tenant, context, `Team membership ${id}`);
  return { ...olds, adoptExisting: (news as unknown as TinesTeamMembershipInputs).adoptExisting };
}

// Delete -------------------------------------------------------------------------------------------

async function deleteMembership(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team membership ${id}`);
  const { teamId, userId } = parseMembershipId(id);
  await removeMember({ deployment: deploymentFor(context.client()), teamId, lastMemberAdvice }, userId);
}

/** Why the last member stays: what a TinesTeamMembership's user can do about it. */
const lastMemberAdvice =
  "Add another member to the team first (for example another TinesTeamMembership), or delete the team in Tines; " +
  "a role change is a removal and a new invitation (Tines has no role update), so the only member's role cannot change until someone else is on the team; " +
  "when the team is a TinesTeam of this stack, declare its people in the team's members instead, so that one destroy deletes the team with them; " +
  "to stop managing this membership without changing Tines, run `pulumi state delete` on it.";

/** The engine-facing behaviour of {@link TinesTeamMembership}. */
export const tinesTeamMembershipImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteMembership,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * A user's membership of a Tines team, with a role. Its id is `"<teamId>/<userId>"`. Tines refuses
 * to remove a team's last member, so for a team this stack makes (a `TinesTeam`), declare its
 * people in the team's `members` instead: one `pulumi destroy` then deletes the team with them.
 *
 * @example
 * ```ts
 * new TinesTeamMembership("ada-secops", { teamId: secops.id, userId: ada.userId, role: "EDITOR" });
 * ```
 */
export class TinesTeamMembership extends pulumi.dynamic.Resource {
  /** The team's id. */
  declare readonly teamId: pulumi.Output<number>;
  /** The user's id. */
  declare readonly userId: pulumi.Output<number>;
  /** The user's email. */
  declare readonly email: pulumi.Output<string>;
  /** The role on the team. */
  declare readonly role: pulumi.Output<string>;
  /** Whether an existing membership was allowed to be adopted. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** Whether the user accepted the team invitation. */
  declare readonly invitationAccepted: pulumi.Output<boolean>;
  /** The tenant the membership lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The membership's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesTeamMembershipArgs, opts?: pulumi.CustomResourceOptions) {
    // Every declared output is registered, given or not (`role` resolves to VIEWER when omitted).
    const props = {
      userId: undefined,
      email: undefined,
      role: undefined,
      adoptExisting: undefined,
      invitationAccepted: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("TeamMembership", props), opts, tinesTypeModule, "TeamMembership");
  }
}
