/**
 * What `TinesTeamMembers` does in Tines (the team's member list, with a tenant-owner key or a Team
 * key with team-admin rights): its tenant checks, create (taking the team's roster over), read,
 * update and delete. Everything else is its definition; the roster's plan, preview and writes are
 * src/membership/'s, shared with `TinesTeam`'s `members`.
 */
import { engineLog } from "../../engineLog";
import { TinesError } from "../../client";
import type { TinesOutputsOf } from "../../provider/definition";
import { containsUnknown } from "../../provider/inputs";
import { implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { PartialCreateError, PartialUpdateError, type ProviderContext } from "../../provider/runtime";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../../deployment";
import {
  TinesLastMemberError,
  authoritativeTeamWithMembershipsReason,
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
  type TeamMember,
} from "../../membership";
import { scimGovernedTeamWarning } from "../../scim";
import { tinesTeamMembersDefinition as definition, type TinesTeamMembersInputs, type TinesTeamMembersOutputs } from "./definition";

/** What this resource's own code records; the engine adds `adoptExisting` and `tenant`. */
type TeamMembersOutputs = TinesOutputsOf<typeof definition>;

// Tenant check -------------------------------------------------------------------------------------

/**
 * With preview checks on: the team exists, no `TinesTeamMembership` of this deployment works on the
 * same team, and the roster's preview (membership/rosterPreview.ts): roles, users, a takeover, and the list
 * of whom the `up` adds, re-roles and removes; a team the SCIM user group mapping governs is warned
 * about (scim/tenant.ts). One paged read of the team, shared by the deployment.
 */
async function checkAgainstTenant(
  inputs: TinesTeamMembersInputs,
  isNew: boolean,
  deployment: TenantDeployment,
  olds: Record<string, unknown>,
): Promise<TenantCheckFindings> {
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
  const sameTeam = !isNew && olds.teamId === inputs.teamId;
  const findings = await previewRoster(inputs, onTeam, {
    teamLabel: `${team.id} ("${team.name}")`,
    // A new team (teamId changed) replaces the resource: its create takes that team over, as a new one does.
    takesOverTeam: !sameTeam,
    declaredAsRecorded: sameTeam && !rosterChanged(olds, inputs) && olds.adoptExisting === inputs.adoptExisting ? team.id : undefined,
    resource: "TinesTeamMembers",
  }, deployment);
  const governed = await scimGovernedTeamWarning(deployment, team.name, `the TinesTeamMembers of team ${team.id}`);
  return { failures: [...mixed, ...findings.failures], warnings: [...findings.warnings, ...(governed === undefined ? [] : [governed])] };
}

// Create -------------------------------------------------------------------------------------------

/** What a TinesTeamMembers' user can do when Tines refuses to remove a team's last member. */
const lastMemberAdvice =
  "Keep at least one declared member on the team; to stop managing the team without changing Tines, run `pulumi state delete` on the TinesTeamMembers.";

async function create(inputs: TinesTeamMembersInputs, context: ProviderContext) {
  const client = context.client();
  const deployment = deploymentFor(client);
  const current = await readRoster(client, inputs.teamId);
  if (!current) throw new TinesError(`teamId: ${missingTeamReason(inputs.teamId, context.tenantUrl())}`);
  // A TinesTeam of this deployment holds this team's roster (a team made by this up, which its preview could not name).
  if (deployment.rosterWrittenFor(inputs.teamId) === "TinesTeam") throw new TinesError(`teamId: ${twoRostersReason({ id: inputs.teamId }, "TinesTeam")}`);
  const written = await writeRoster(inputs, current, { deployment, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam: true });
  // Some members were already added, re-roled or removed: the resource is recorded with what
  // Tines holds, and the next `up` finishes through an update.
  if (written.outcome === "failed") throw written.changed ? new PartialCreateError(String(inputs.teamId), outputsOf(inputs, written.onTeam), written.error) : written.error;
  deployment.recordRosterWrite(inputs.teamId, "TinesTeamMembers");
  return { id: String(inputs.teamId), outputs: outputsOf(inputs, written.members) };
}

/** The outputs for a team holding `onTeam` (the roster's writes read it back: membership/rosterWrite.ts). */
function outputsOf(inputs: Pick<TinesTeamMembersInputs, "teamId" | "members" | "ignoredMembers">, onTeam: readonly TeamMember[]): TeamMembersOutputs {
  return { teamId: inputs.teamId, ...rosterOutputs(inputs, onTeam) };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Partial<TinesTeamMembersOutputs>, context: ProviderContext) {
  const teamId = Number(id);
  // Shared by the reads in flight; after a recent write, waits for Tines to show whom it wrote (deployment/sharedReads.ts).
  const current = await readRoster(context.client(), teamId, { ...context.freshness(id, recorded), recorded: recorded.resolvedMembers });
  if (!current) return undefined;
  // The declared members are the recorded ones less the unmanaged ones a refresh added; the engine
  // rebuilds the inputs from these outputs, so a member added, removed or re-roled outside Pulumi
  // shows as drift and the next `up` puts the declared list back.
  return { outputs: outputsOf({ teamId, members: declaredIn(recorded), ignoredMembers: recorded.ignoredMembers ?? [] }, current) };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, _recorded: unknown, inputs: TinesTeamMembersInputs, context: ProviderContext) {
  const client = context.client();
  const current = await readRoster(client, inputs.teamId);
  if (!current) {
    throw new TinesError(`teamId: team ${inputs.teamId} no longer exists in ${context.tenantUrl()}; run \`pulumi refresh\` to drop this resource from the stack`);
  }
  const written = await writeRoster(inputs, current, { deployment: deploymentFor(client), userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam: false });
  // The engine records a partial update's outputs (see PartialUpdateError): what Tines holds.
  if (written.outcome === "failed") throw new PartialUpdateError(id, outputsOf(inputs, written.onTeam), written.error);
  return outputsOf(inputs, written.members);
}

// Delete -------------------------------------------------------------------------------------------

/**
 * Removes the declared members (not the ignored or unmanaged ones). Tines refuses to remove a
 * team's last member: that member stays, and the delete succeeds with a warning naming them.
 */
async function deleteMembers(id: string, recorded: Partial<TinesTeamMembersOutputs>, context: ProviderContext) {
  const scope = { deployment: deploymentFor(context.client()), teamId: Number(id), lastMemberAdvice };
  const unmanaged = new Set((recorded.unmanagedMembers ?? []).map((member) => member.userId));
  for (const member of (recorded.resolvedMembers ?? []).filter((each) => !unmanaged.has(each.userId))) {
    try {
      await removeMember(scope, member.userId);
    } catch (error) {
      // A member or team already gone counts as removed (removeMember); anything else fails the delete.
      if (!(error instanceof TinesLastMemberError)) throw error;
      await engineLog.warn(
        `${describeMember(error.member)} stays on team ${id}: Tines refuses to remove the last member of a team. ` +
          "The TinesTeamMembers is deleted from the stack; remove them in Tines once the team has another member, or delete the team.",
      );
    }
  }
}

/** The Tines calls of {@link TinesTeamMembers}. */
export const tinesTeamMembersLifecycle: ResourceLifecycle<typeof definition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteMembers,
};

/** {@link TinesTeamMembers} as the engine runs it. */
export const tinesTeamMembersResource = implementResource(definition, tinesTeamMembersLifecycle);
