/**
 * `TinesTeamMembers`: the whole member list of a team, authoritative. Where `TinesTeamMembership`
 * adds and removes only the member it declares, this resource makes the team hold exactly the
 * declared members (plus the ignored ones): someone added by hand in the UI is removed by the next
 * `pulumi up`, and a refresh shows them. With preview checks, the preview prints who the `up` adds,
 * removes and re-roles before anything changes.
 *
 * Tines has no member-list endpoint that writes: members are read from `GET /teams/{id}/members`
 * and changed one by one with `invite_member` and `remove_member`; no endpoint changes a role, so a
 * role change is remove then invite; the last member of a team cannot be removed (tines-api.md,
 * "Teams and membership"). Needs a tenant-owner key, or a Team key with team-admin rights.
 *
 * Reads top to bottom: inputs, outputs, check, tenant check, diff, create, read, update, delete,
 * the class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesError } from "../client";
import { checkInputs, containsUnknown, flag, positiveIntegerId } from "../provider/inputs";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../deployment";
import {
  TinesLastMemberError,
  authoritativeTeamWithMembershipsReason,
  checkRoster,
  declaredIn,
  describeMember,
  missingTeamReason,
  previewRoster,
  readRoster,
  removeMember,
  rosterChanged,
  rosterOutputs,
  teamMemberOf,
  twoRostersReason,
  writeRoster,
  type RosterInputs,
  type RosterOutputs,
  type TeamMember,
  type TinesDeclaredTeamMember,
  type TinesTeamMemberDeclaration,
} from "../membership";
import { registrationPlaceholder, tinesTypeModule, withProviderStub } from "../provider/registration";
import {
  PartialCreateError,
  PartialUpdateError,
  assertSameTenant,
  tenantChanged,
  type ProviderContext,
  type ResourceImplementation,
  type TenantOutputs,
} from "../provider/runtime";

export type { TinesDeclaredTeamMember, TinesTeamMemberDeclaration } from "../membership/roster";

// Inputs -------------------------------------------------------------------------------------------

/** The inputs of a {@link TinesTeamMembers}. */
export interface TinesTeamMembersArgs {
  /** The team's id (a number or a numeric string). Changing it replaces the resource. */
  teamId: pulumi.Input<number | string>;
  /** Every member the team holds (besides the ignored ones). Each user once; at least one member. */
  members: pulumi.Input<pulumi.Input<TinesTeamMemberDeclaration>[]>;
  /**
   * Members (emails or user ids) this resource never adds, removes or re-roles: an IdP sync's
   * members, a break-glass account. Default none.
   */
  ignoredMembers?: pulumi.Input<pulumi.Input<string | number>[]>;
  /**
   * When the team already has members that are neither declared nor ignored, remove them on
   * create instead of failing. Default false: taking over a team is a decision, not a side effect.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The validated inputs, as `check` returns them. */
export type TinesTeamMembersInputs = RosterInputs;

// Outputs ------------------------------------------------------------------------------------------

/** A member as Tines holds it. */
export type TinesTeamMember = TeamMember;

/** What a {@link TinesTeamMembers} records: see {@link RosterOutputs}. */
export interface TinesTeamMembersOutputs extends TinesTeamMembersInputs, RosterOutputs, TenantOutputs {
  members: TinesDeclaredTeamMember[];
}

const teamMembersInputsSchema = z.strictObject({
  teamId: positiveIntegerId,
  adoptExisting: flag(false),
});

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  const { members, ignoredMembers, ...rest } = news;
  const checked = checkInputs(teamMembersInputsSchema, rest);
  // Every problem at once: a teamId that is not a number does not hide a member declared twice.
  const roster = checkRoster({ members, ignoredMembers });
  // A missing list is reported, not sent back: the engine's struct has no `undefined`.
  const inputs = Object.fromEntries(Object.entries({ ...checked.inputs, members: roster.members, ignoredMembers: roster.ignoredMembers }).filter(([, value]) => value !== undefined));
  return { inputs, failures: [...checked.failures, ...roster.failures] };
}

// Tenant check -------------------------------------------------------------------------------------

/**
 * With preview checks on: the team exists, no `TinesTeamMembership` of this deployment works on the
 * same team, and the roster's preview (membership/rosterPreview.ts): roles, users, a takeover, and the list
 * of whom the `up` adds, re-roles and removes. One paged read of the team, shared by the deployment.
 */
async function checkAgainstTenant(
  raw: Record<string, unknown>,
  isNew: boolean,
  deployment: TenantDeployment,
  olds: Record<string, unknown>,
): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesTeamMembersInputs;
  if (containsUnknown(inputs.teamId)) return { failures: [], warnings: [] };
  const team = (await deployment.teams()).find((each) => each.id === inputs.teamId);
  if (!team) return { failures: [{ property: "teamId", reason: missingTeamReason(inputs.teamId, deployment.tenantUrl) }], warnings: [] };
  // Checked after TinesTeamMembership resources on this team, this resource fails, naming them;
  // checked before them, they fail (src/resources/teamMembership.ts).
  const other = deployment.rosterDeclaredFor(team.id);
  deployment.declareRoster(team.id, "TinesTeamMembers");
  const memberships = deployment.membershipsDeclaredOn(team.id);
  const mixed = memberships.length ? [{ property: "teamId", reason: authoritativeTeamWithMembershipsReason(team, memberships, "TinesTeamMembers") }] : [];
  if (other === "TinesTeam") mixed.push({ property: "teamId", reason: twoRostersReason(team, other) });
  const onTeam = Array.isArray(inputs.members) ? (await deployment.teamMembers(team.id)).map(teamMemberOf) : [];
  const findings = await previewRoster(inputs, onTeam, {
    teamLabel: `${team.id} ("${team.name}")`,
    // A new team (teamId changed) replaces the resource: its create takes that team over, as a new one does.
    takesOverTeam: isNew || olds.teamId !== inputs.teamId,
    driftOnly: !isNew && olds.teamId === inputs.teamId && !membersChanged(olds, raw),
    resource: "TinesTeamMembers",
  }, deployment);
  return { failures: [...mixed, ...findings.failures], warnings: findings.warnings };
}

// Diff ---------------------------------------------------------------------------------------------

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"], deleteBeforeReplace: false };
  if (containsUnknown(news.teamId) || olds.teamId !== news.teamId) return { changes: true, replaces: ["teamId"], deleteBeforeReplace: false };
  return { changes: membersChanged(olds, news), replaces: [] };
}

/** Whether an update is due on the same team: the roster changed (membership/roster.ts), or adoptExisting did. */
function membersChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  return rosterChanged(olds, news) || olds.adoptExisting !== news.adoptExisting;
}

// Create -------------------------------------------------------------------------------------------

/** What a TinesTeamMembers' user can do when Tines refuses to remove a team's last member. */
const lastMemberAdvice =
  "Keep at least one declared member on the team; to stop managing the team without changing Tines, run `pulumi state delete` on the TinesTeamMembers.";

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesTeamMembersInputs;
  const client = context.client();
  const deployment = deploymentFor(client);
  const tenant = context.tenantUrl();
  const current = await readRoster(client, inputs.teamId);
  if (!current) throw new TinesError(`teamId: ${missingTeamReason(inputs.teamId, tenant)}`);
  // A TinesTeam of this deployment holds this team's roster (a team made by this up, which its preview could not name).
  if (deployment.rosterWrittenFor(inputs.teamId) === "TinesTeam") throw new TinesError(`teamId: ${twoRostersReason({ id: inputs.teamId }, "TinesTeam")}`);
  const written = await writeRoster(inputs, current, { deployment, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam: true });
  // Some members were already added, re-roled or removed: the resource is recorded with what
  // Tines holds, and the next `up` finishes through an update.
  if (written.outcome === "failed") throw written.changed ? new PartialCreateError(String(inputs.teamId), outputsOf(inputs, written.onTeam, tenant), written.error) : written.error;
  deployment.recordRosterWrite(inputs.teamId, "TinesTeamMembers");
  return { id: String(inputs.teamId), outs: outputsOf(inputs, written.members, tenant) as unknown as Record<string, unknown> };
}

/** The outputs for a team holding `onTeam`. */
function outputsOf(inputs: TinesTeamMembersInputs, onTeam: readonly TeamMember[], tenant: string): TinesTeamMembersOutputs {
  return { teamId: inputs.teamId, adoptExisting: inputs.adoptExisting, ...rosterOutputs(inputs, onTeam), tenant };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team members of team ${id}`);
  const olds = props as Partial<TinesTeamMembersOutputs>;
  const teamId = Number(id);
  const current = await readRoster(context.client(), teamId);
  if (!current) return undefined;
  const declared: TinesTeamMembersInputs = {
    teamId,
    members: declaredIn(olds),
    ignoredMembers: olds.ignoredMembers ?? [],
    adoptExisting: olds.adoptExisting ?? false,
  };
  const outputs = outputsOf(declared, current, context.tenantUrl());
  // The inputs that would produce what Tines holds: a member added, removed or re-roled outside
  // Pulumi shows as drift, and the next `up` puts the declared list back.
  const inputs = { teamId, members: outputs.members, ignoredMembers: outputs.ignoredMembers, adoptExisting: outputs.adoptExisting };
  return { id, props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `Team members of team ${id}`);
  const inputs = news as unknown as TinesTeamMembersInputs;
  const client = context.client();
  const tenant = context.tenantUrl();
  const current = await readRoster(client, inputs.teamId);
  if (!current) {
    throw new TinesError(`teamId: team ${inputs.teamId} no longer exists in ${tenant}; run \`pulumi refresh\` to drop this resource from the stack`);
  }
  const written = await writeRoster(inputs, current, { deployment: deploymentFor(client), userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam: false });
  // The engine records a partial update's outputs (see PartialUpdateError): what Tines holds.
  if (written.outcome === "failed") throw new PartialUpdateError(id, outputsOf(inputs, written.onTeam, tenant), written.error);
  return outputsOf(inputs, written.members, tenant) as unknown as Record<string, unknown>;
}

// Delete -------------------------------------------------------------------------------------------

/**
 * Removes the declared members (not the ignored or unmanaged ones). Tines refuses to remove a
 * team's last member: that member stays, and the delete succeeds with a warning naming them.
 */
async function deleteMembers(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team members of team ${id}`);
  const outputs = props as Partial<TinesTeamMembersOutputs>;
  const scope = { deployment: deploymentFor(context.client()), teamId: Number(id), lastMemberAdvice };
  const unmanaged = new Set((outputs.unmanagedMembers ?? []).map((member) => member.userId));
  for (const member of (outputs.resolvedMembers ?? []).filter((each) => !unmanaged.has(each.userId))) {
    try {
      await removeMember(scope, member.userId);
    } catch (error) {
      // A member or team already gone counts as removed (removeMember); anything else fails the delete.
      if (!(error instanceof TinesLastMemberError)) throw error;
      await pulumi.log.warn(
        `pulumi-tines: ${describeMember(error.member)} stays on team ${id}: Tines refuses to remove the last member of a team. ` +
          "The TinesTeamMembers is deleted from the stack; remove them in Tines once the team has another member, or delete the team.",
      );
    }
  }
}

/** The engine-facing behaviour of {@link TinesTeamMembers}. */
export const tinesTeamMembersImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteMembers,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * The whole member list of a Tines team, authoritative: the team holds exactly `members` (plus
 * `ignoredMembers`), and anyone else is removed by `pulumi up`. Its id is the team id. Do not
 * combine it with {@link TinesTeamMembership} on the same team: they would undo each other.
 *
 * @example
 * ```ts
 * new TinesTeamMembers("secops", {
 *   teamId: secops.id,
 *   members: [{ userId: ada.userId, role: "TEAM_ADMIN" }, { email: "oncall@example.com" }],
 *   ignoredMembers: ["break-glass@example.com"],
 * });
 * ```
 */
export class TinesTeamMembers extends pulumi.dynamic.Resource {
  /** The team's id. */
  declare readonly teamId: pulumi.Output<number>;
  /** The managed members as Tines holds them (see {@link TinesTeamMembersOutputs.members}). */
  declare readonly members: pulumi.Output<TinesDeclaredTeamMember[]>;
  /** Members never added, removed or re-roled: user ids as numbers, emails as strings. */
  declare readonly ignoredMembers: pulumi.Output<Array<number | string>>;
  /** Whether undeclared members found on create were allowed to be removed. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** Each managed member with user id, email, role and invitation state. */
  declare readonly resolvedMembers: pulumi.Output<TinesTeamMember[]>;
  /** Members on the team neither declared nor ignored, as last read (the next `up` removes them). */
  declare readonly unmanagedMembers: pulumi.Output<TinesTeamMember[]>;
  /** The tenant the team lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The team and its members.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesTeamMembersArgs, opts?: pulumi.CustomResourceOptions) {
    // teamId and members are required, so always in args.
    const props = {
      ignoredMembers: undefined,
      adoptExisting: undefined,
      resolvedMembers: undefined,
      unmanagedMembers: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("TeamMembers", props), opts, tinesTypeModule, "TeamMembers");
  }
}