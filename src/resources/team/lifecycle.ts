/**
 * What `TinesTeam` does in Tines (`/api/v1/teams`): create (or adoption), read, update and delete,
 * each with the team's roster when `members` is declared (written through src/membership/). Its
 * tenant checks are in tenantChecks.ts; everything else is its definition.
 */
import { engineLog } from "../../engineLog";
import { TinesApiError, TinesError, TinesResponseError, type TinesClient, type TinesTeamObject } from "../../client";
import type { TinesOutputsOf } from "../../provider/definition";
import { changedProperties } from "../../provider/inputs";
import { namedAs, sameText } from "../../provider/names";
import { implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { deploymentFor } from "../../deployment";
import { declaredIn, readRoster, rosterOutputs, writeRoster, type RosterOutputs, type TeamMember } from "../../membership";
import { createReconciled, settledLookup } from "../../provider/reconcile";
import { PartialCreateError, PartialUpdateError, unlessConfirmedGone, unlessGone, type ProviderContext } from "../../provider/runtime";
import { membersChanged, tinesTeamDefinition, type TinesTeamInputs, type TinesTeamOutputs } from "./definition";
import { renameTeamCarryingScimMapping } from "../../scim";
import { checkAgainstTenant, nameTakenReason, renameTakenReason, twoTeamsReason } from "./tenantChecks";

/** What this resource's own code records; the engine adds `adoptExisting`, `forceDestroy` and `tenant`. */
type TeamOutputs = TinesOutputsOf<typeof tinesTeamDefinition>;

/** What a TinesTeam's user can do when Tines refuses to remove a team's last member. */
const lastMemberAdvice = "Keep at least one declared member on the team, or delete the team.";

// Create -------------------------------------------------------------------------------------------

/**
 * The standard teams named `name` (personal teams are not teams a stack manages): exactly, or else
 * but for surrounding whitespace, which Tines may trim (provider/names.ts).
 */
async function teamsNamed(client: TinesClient, name: string): Promise<TinesTeamObject[]> {
  return namedAs(await client.teams.list({ scope: "standard" }), name, (team) => team.name);
}

async function create(inputs: TinesTeamInputs, context: ProviderContext) {
  const client = context.client();
  const tenant = context.tenantUrl();

  // Tines does not document whether team names are unique, so the name is looked up first: a
  // second team with the same name is never made silently.
  const existing = await teamsNamed(client, inputs.name);
  if (existing.length > 1) throw new TinesError(`name: ${twoTeamsReason(inputs.name, tenant, existing)}`);
  if (existing.length === 1) {
    if (!inputs.adoptExisting) throw new TinesError(`name: ${nameTakenReason(inputs.name, tenant, existing[0]!.id, inputs.members !== undefined)}`);
    return { id: String(existing[0]!.id), outputs: await withCreatedRoster(existing[0]!, inputs, context, { adopted: true }) };
  }

  let team: TinesTeamObject;
  try {
    team = await createReconciled(
      () => client.teams.create({ name: inputs.name }),
      async () => (await teamsNamed(client, inputs.name))[0],
    );
  } catch (error) {
    if (error instanceof TinesApiError && error.isConflictOrValidation) {
      const taken = await teamsNamed(client, inputs.name);
      if (taken.length > 0) throw new TinesError(`name: ${nameTakenReason(inputs.name, tenant, taken[0]!.id, inputs.members !== undefined)}`);
    }
    throw error;
  }
  if (!sameText(team.name, inputs.name)) {
    // Tines holds another name: the engine fails the create as partial, recording the team as
    // Tines holds it, with an empty roster (when one is declared), so the next `up` renames it and
    // adds the members through an update without taking the team over.
    const roster = inputs.members === undefined ? {} : rosterOutputs({ members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [] }, []);
    return { id: String(team.id), outputs: { ...outputsOf(team), ...roster } };
  }
  deploymentFor(client).recordTeamMade(team.id);
  return { id: String(team.id), outputs: await withCreatedRoster(team, inputs, context, { adopted: false }) };
}

/**
 * A created or adopted team's outputs, after its roster (if declared) is applied: an adopted
 * team's member list is taken over (adoptExisting is set, or it could not be adopted); a team made
 * a moment ago holds only whom Tines put on it, who are removed once the declared members are on
 * it. A roster write that fails is a partial create: the team exists, recorded with the members
 * Tines holds, and the next `up` finishes through an update.
 */
async function withCreatedRoster(team: TinesTeamObject, inputs: TinesTeamInputs, context: ProviderContext, { adopted }: { adopted: boolean }): Promise<TeamOutputs> {
  const outputs = outputsOf(team);
  if (inputs.members === undefined) return outputs;
  const roster = { teamId: team.id, members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [], adoptExisting: inputs.adoptExisting };
  const client = context.client();
  const fail = (onTeam: readonly TeamMember[], error: Error) => new PartialCreateError(String(team.id), { ...outputs, ...rosterOutputs(roster, onTeam) }, error);
  // A team made a moment ago may not be listed yet (tines-api.md: reads can lag a write): no member list counts as none.
  const current = await readRoster(client, team.id).catch((error: Error) => {
    throw fail([], error);
  });
  const deployment = deploymentFor(client);
  deployment.recordRosterWrite(team.id, "TinesTeam");
  const written = await writeRoster(roster, current ?? [], { deployment, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam: adopted });
  if (written.outcome === "failed") throw fail(written.onTeam, written.error);
  return { ...outputs, ...rosterOutputs(roster, written.members) };
}

/** The team as the stack records it, without its roster. */
function outputsOf(team: TinesTeamObject): TeamOutputs {
  return { name: team.name, teamId: team.id };
}

/** The roster outputs recorded in `recorded` (none when the team's members are not managed here). */
function recordedRoster(recorded: Partial<TinesTeamOutputs>): Partial<RosterOutputs> {
  if (recorded.members === undefined) return {};
  return {
    members: recorded.members,
    ignoredMembers: recorded.ignoredMembers ?? [],
    resolvedMembers: recorded.resolvedMembers ?? [],
    unmanagedMembers: recorded.unmanagedMembers ?? [],
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Partial<TinesTeamOutputs>, context: ProviderContext) {
  const freshness = context.freshness(id, recorded);
  // Shared with the other reads in flight when a list is cheaper (deployment/sharedReads.ts).
  const team = await deploymentFor(context.client()).reads.team(Number(id), freshness);
  if (team === undefined) return undefined;
  const outputs = outputsOf(team);
  if (recorded.members !== undefined) {
    // With a roster, a member added, removed or re-roled outside Pulumi shows as drift too, and
    // the next `up` puts the declared list back.
    const current = await readRoster(context.client(), team.id, { ...freshness, recorded: recorded.resolvedMembers });
    if (current === undefined) {
      // The team answered a moment ago: only drop it (and its members) once it is gone too.
      if ((await unlessConfirmedGone(() => context.client().teams.get(team.id))) === undefined) return undefined;
      throw new TinesError(`Team ${id} ("${team.name}") exists, but Tines answered 404 for its members twice; nothing was changed in the stack: run the refresh again`);
    }
    Object.assign(outputs, rosterOutputs({ members: declaredIn(recorded), ignoredMembers: recorded.ignoredMembers ?? [] }, current));
  }
  return { id: String(team.id), outputs };
}

// Update -------------------------------------------------------------------------------------------

/** Called when the name or the roster changed (the engine answers a change of only adoptExisting or forceDestroy). */
async function update(id: string, recorded: TinesTeamOutputs, inputs: TinesTeamInputs, context: ProviderContext) {
  const client = context.client();
  const tenant = context.tenantUrl();
  let outputs: TeamOutputs = { ...recorded };
  if (changedProperties(recorded, inputs, ["name"]).length > 0) {
    const other = (await teamsNamed(client, inputs.name)).find((team) => team.id !== Number(id));
    if (other) throw new TinesError(`name: ${renameTakenReason(inputs.name, tenant, other.id)}`);
    // The SCIM user group mapping names teams by name: its lines follow the rename at once, so none
    // names a team that no longer exists (scim/rename.ts; the mapping's own update comes after this
    // one, since it takes the team's name output).
    const { team, warning } = await renameTeamCarryingScimMapping(client, Number(id), recorded.name, inputs.name);
    outputs = { ...outputsOf(team), ...recordedRoster(recorded) };
    // Tines holds another name: the engine fails the update as partial, recording what Tines
    // holds, so the next `pulumi up` shows the rename again; the roster waits for it.
    if (!sameText(team.name, inputs.name)) return outputs;
    if (warning !== undefined) void engineLog.warn(warning);
  }
  const { members: _members, ignoredMembers: _ignored, resolvedMembers: _resolved, unmanagedMembers: _unmanaged, ...team } = outputs;
  // No roster declared (any more): the team's members are left as they are.
  if (inputs.members === undefined) return team;
  if (!membersChanged(recorded, inputs)) return outputs;
  const roster = { teamId: Number(id), members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [], adoptExisting: inputs.adoptExisting };
  // A rename already made is recorded even when the member list cannot be read.
  let current: TeamMember[] | undefined;
  try {
    current = await readRoster(client, Number(id));
  } catch (error) {
    throw new PartialUpdateError(id, outputs, error as Error);
  }
  if (!current) throw new PartialUpdateError(id, outputs, new TinesError(`Team ${id} no longer exists in ${tenant}; run \`pulumi refresh\` to drop it from the stack`));
  // The engine records a partial update's outputs (see PartialUpdateError): what Tines holds. A
  // takeover refused before any change records no roster, so the next `up` is a takeover again
  // (and refused again) rather than an update that removes whom it named.
  const takesOverTeam = recorded.members === undefined;
  const deployment = deploymentFor(client);
  deployment.recordRosterWrite(Number(id), "TinesTeam");
  // A roster declared for the first time takes the team's member list over.
  const written = await writeRoster(roster, current, { deployment, userDeletionWaitMs: context.userDeletionWaitMs(), lastMemberAdvice, takesOverTeam });
  if (written.outcome === "failed") {
    throw new PartialUpdateError(id, takesOverTeam && !written.changed ? team : { ...team, ...rosterOutputs(roster, written.onTeam) }, written.error);
  }
  return { ...team, ...rosterOutputs(roster, written.members) };
}

// Delete -------------------------------------------------------------------------------------------

async function deleteTeam(id: string, recorded: TinesTeamOutputs, context: ProviderContext) {
  const client = context.client();
  if (recorded.forceDestroy !== true) {
    let stories: number | undefined;
    let why = "GET /api/v1/stories answered 404";
    try {
      stories = await unlessGone(client.teams.storyCount(Number(id)));
    } catch (error) {
      if (!(error instanceof TinesResponseError)) throw error;
      why = error.message;
    }
    if (stories === undefined) {
      // No count (a 404, or an answer without one): fine if the team is gone; otherwise the guard
      // cannot run, and the team is not deleted unguarded.
      if ((await unlessConfirmedGone(() => client.teams.get(Number(id)))) === undefined) return;
      throw new TinesError(
        `Team ${id} ("${String(recorded.name)}") was not deleted: Tines did not say how many stories it holds (${why}). ` +
          "Set forceDestroy: true on the team (and run `pulumi up`) to delete it without counting its stories.",
      );
    }
    if (stories > 0) {
      // Memberships declared `deletedWith` this team have already left the stack (the engine skips
      // their delete when the team is deleted in the same run): say who is still on the team. A
      // team's own roster stays in the stack with it.
      const members = recorded.members === undefined ? await unlessGone(client.teams.listMembers(Number(id))).catch(() => undefined) : undefined;
      const still = members && members.length > 0 ? ` ${members.length} ${members.length === 1 ? "member is" : "members are"} still on the team in Tines (${members.map((member) => member.email).join(", ")}): any of them whose membership was declared deletedWith this team has left the stack, so declare it again with adoptExisting: true to manage it (a member whose user this destroy deletes leaves with the user, once Tines has finished deleting it).` : "";
      throw new TinesError(
        `Team ${id} ("${String(recorded.name)}") still holds ${stories} ${stories === 1 ? "story" : "stories"}, which Tines may delete with it (its docs do not say). ` +
          `Move or delete them in Tines first, or set forceDestroy: true on the team (and run \`pulumi up\`) to delete it with its stories.${still}`,
      );
    }
  }
  await deleteVerified(client, Number(id), String(recorded.name));
  deploymentFor(client).forgetTeamMade(Number(id));
}

/**
 * Deletes the team and makes sure it is gone before the stack forgets it (and, with `members`,
 * everyone on it): a delete answered 2xx is read back (a read may lag the delete for a moment, so
 * it is asked again over about 2.5 s); a 404 counts as already gone only once two reads agree, so
 * one stray 404 (a proxy's page) never drops a team that Tines still holds.
 */
async function deleteVerified(client: TinesClient, id: number, name: string): Promise<void> {
  const deleted = await client.teams.delete(id).then(
    () => true,
    (error: unknown) => {
      if (error instanceof TinesApiError && error.isNotFound) return false;
      throw error;
    },
  );
  const gone = deleted
    ? await settledLookup(async () => ((await unlessGone(client.teams.get(id))) === undefined ? true : undefined))
    : (await unlessConfirmedGone(() => client.teams.get(id))) === undefined;
  if (!gone) {
    throw new TinesError(
      `Team ${id} ("${name}") was not deleted: Tines answered the delete ${deleted ? "" : "with 404 "}but still holds the team. It stays in the stack; run \`pulumi destroy\` again.`,
    );
  }
}

/** The Tines calls of {@link TinesTeam}. */
export const tinesTeamLifecycle: ResourceLifecycle<typeof tinesTeamDefinition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteTeam,
};

/** {@link TinesTeam} as the engine runs it. */
export const tinesTeamResource = implementResource(tinesTeamDefinition, tinesTeamLifecycle);
