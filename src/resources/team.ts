/**
 * `TinesTeam`: a team of the tenant (`/api/v1/teams`), made, renamed and deleted by the stack.
 * Deleting a team that still holds stories needs `forceDestroy`, because Tines does not say what
 * happens to a deleted team's stories, credentials and resources (tines-api.md: assume they go).
 *
 * Reads top to bottom as the engine uses it: inputs, outputs, check, tenant check, diff, create,
 * read, update, delete, then the resource class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, TinesResponseError, type TinesClient, type TinesTeamObject } from "../client";
import { changedProperties, checkInputs, containsUnknown, flag, requiredText } from "../provider/inputs";
import { createReconciled } from "../provider/reconcile";
import type { TenantCheckFindings, TenantFacts } from "../provider/tenantChecks";
import { registrationPlaceholder, tinesTypeModule, withProviderStub } from "../provider/registration";
import {
  PartialCreateError,
  PartialUpdateError,
  assertSameTenant,
  tenantChanged,
  unlessConfirmedGone,
  unlessGone,
  type ProviderContext,
  type ResourceImplementation,
  type TenantOutputs,
} from "../provider/runtime";

// Inputs -------------------------------------------------------------------------------------------

/** The inputs of a {@link TinesTeam}. */
export interface TinesTeamArgs {
  /** The team's name. Changing it renames the team in place. */
  name: pulumi.Input<string>;
  /**
   * When a team with this name already exists, take it over instead of failing (two teams with the
   * name: fails, naming both). Default false.
   */
  adoptExisting?: pulumi.Input<boolean>;
  /**
   * Delete the team even when it still holds stories (which Tines deletes with it). Default false:
   * a team with stories is not deleted, and the error says how many it holds.
   */
  forceDestroy?: pulumi.Input<boolean>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesTeamInputs {
  name: string;
  adoptExisting: boolean;
  forceDestroy: boolean;
}

// Outputs ------------------------------------------------------------------------------------------

/** What a {@link TinesTeam} records: every input plus the team id. */
export interface TinesTeamOutputs extends TinesTeamInputs, TenantOutputs {
  /** The Tines team id (the resource id is the same number as a string). */
  teamId: number;
}

const teamInputsSchema = z.strictObject({
  name: requiredText(255),
  adoptExisting: flag(false),
  forceDestroy: flag(false),
});

const inputProperties = ["name", "adoptExisting", "forceDestroy"] as const;

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(teamInputsSchema, news);
}

/** Why a new team cannot be created: the same words in a preview check and in a failed create. */
function nameTakenReason(name: string, tenant: string, teamId: number): string {
  return `a team named "${name}" already exists in ${tenant} (team id ${teamId}); set adoptExisting: true to manage that team, or choose another name`;
}

/** With preview checks on: a new team's name must be free, unless adopting. */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, facts: TenantFacts, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesTeamInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (containsUnknown(inputs.name)) return findings;
  if (!isNew) {
    // A rename must not give the tenant two teams of one name (getTeam and the export refer to
    // teams by name, and could no longer tell them apart).
    if (olds.name === inputs.name) return findings;
    const other = (await facts.teams()).find((team) => team.name === inputs.name && team.id !== olds.teamId);
    if (other) findings.failures.push({ property: "name", reason: renameTakenReason(inputs.name, facts.tenantUrl, other.id) });
    return findings;
  }
  const existing = (await facts.teams()).filter((team) => team.name === inputs.name);
  if (existing.length > 0 && inputs.adoptExisting === false) {
    findings.failures.push({ property: "name", reason: nameTakenReason(inputs.name, facts.tenantUrl, existing[0]!.id) });
  } else if (existing.length > 1) {
    findings.failures.push({ property: "name", reason: twoTeamsReason(inputs.name, facts.tenantUrl, existing) });
  } else if (existing.length === 1) {
    findings.warnings.push(`team "${inputs.name}" already exists in ${facts.tenantUrl} (team id ${existing[0]!.id}): it will be adopted`);
  }
  return findings;
}

/** Why a team cannot be renamed: the same words in a preview check and in a failed update. */
function renameTakenReason(name: string, tenant: string, teamId: number): string {
  return `another team named "${name}" already exists in ${tenant} (team id ${teamId}); renaming this one would leave two teams with one name, which getTeam and the export cannot tell apart: choose another name`;
}

function twoTeamsReason(name: string, tenant: string, teams: TinesTeamObject[]): string {
  return `${teams.length} teams are named "${name}" in ${tenant} (team ids ${teams.map((team) => team.id).join(" and ")}): adoptExisting cannot tell which one to manage; rename one of them in Tines first`;
}

// Diff ---------------------------------------------------------------------------------------------

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"] };
  return { changes: changedProperties(olds, news, inputProperties).length > 0, replaces: [] };
}

// Create -------------------------------------------------------------------------------------------

/** The standard teams named `name` (personal teams are not teams a stack manages). */
async function teamsNamed(client: TinesClient, name: string): Promise<TinesTeamObject[]> {
  return (await client.teams.list({ scope: "standard" })).filter((team) => team.name === name);
}

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesTeamInputs;
  const client = context.client();
  const tenant = context.tenantUrl();

  // Tines does not document whether team names are unique, so the name is looked up first: a
  // second team with the same name is never made silently.
  const existing = await teamsNamed(client, inputs.name);
  if (existing.length > 1) throw new TinesError(`name: ${twoTeamsReason(inputs.name, tenant, existing)}`);
  if (existing.length === 1) {
    if (!inputs.adoptExisting) throw new TinesError(`name: ${nameTakenReason(inputs.name, tenant, existing[0]!.id)}`);
    return { id: String(existing[0]!.id), outs: outputsOf(existing[0]!, inputs, tenant) as unknown as Record<string, unknown> };
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
      if (taken.length > 0) throw new TinesError(`name: ${nameTakenReason(inputs.name, tenant, taken[0]!.id)}`);
    }
    throw error;
  }
  const outputs = outputsOf(team, inputs, tenant);
  if (team.name !== inputs.name) {
    throw new PartialCreateError(String(team.id), outputs, new TinesError(`name: Tines answered the create but holds "${team.name}", not "${inputs.name}"`));
  }
  return { id: String(team.id), outs: outputs as unknown as Record<string, unknown> };
}

function outputsOf(team: TinesTeamObject, inputs: Pick<TinesTeamInputs, "adoptExisting" | "forceDestroy">, tenant: string): TinesTeamOutputs {
  return { name: team.name, adoptExisting: inputs.adoptExisting, forceDestroy: inputs.forceDestroy, teamId: team.id, tenant };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team ${id}`);
  const team = await unlessConfirmedGone(() => context.client().teams.get(Number(id)));
  if (team === undefined) return undefined;
  const olds = props as Partial<TinesTeamOutputs>;
  const outputs = outputsOf(team, { adoptExisting: olds.adoptExisting ?? false, forceDestroy: olds.forceDestroy ?? false }, context.tenantUrl());
  // The inputs that would produce these outputs, so a rename outside Pulumi shows as drift.
  const inputs = Object.fromEntries(inputProperties.filter((key) => props[key] !== undefined).map((key) => [key, outputs[key]]));
  return { id: String(team.id), props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `Team ${id}`);
  const inputs = news as unknown as TinesTeamInputs;
  if (changedProperties(olds, news, ["name"]).length === 0) {
    // Only adoptExisting or forceDestroy changed: nothing to tell Tines.
    return { ...olds, adoptExisting: inputs.adoptExisting, forceDestroy: inputs.forceDestroy };
  }
  const client = context.client();
  const other = (await teamsNamed(client, inputs.name)).find((team) => team.id !== Number(id));
  if (other) throw new TinesError(`name: ${renameTakenReason(inputs.name, context.tenantUrl(), other.id)}`);
  const team = await client.teams.update(Number(id), { name: inputs.name });
  const outputs = outputsOf(team, inputs, context.tenantUrl());
  if (team.name !== inputs.name) {
    // What Tines holds is recorded, so the next `pulumi up` shows the rename again.
    throw new PartialUpdateError(id, outputs, new TinesError(`name: Tines answered the update of team ${id} but still holds "${team.name}", not "${inputs.name}"`));
  }
  return outputs as unknown as Record<string, unknown>;
}

// Delete -------------------------------------------------------------------------------------------

async function deleteTeam(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team ${id}`);
  const client = context.client();
  if (props.forceDestroy !== true) {
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
      if ((await unlessGone(client.teams.get(Number(id)))) === undefined) return;
      throw new TinesError(
        `Team ${id} ("${String(props.name)}") was not deleted: Tines did not say how many stories it holds (${why}). ` +
          "Set forceDestroy: true on the team (and run `pulumi up`) to delete it without counting its stories.",
      );
    }
    if (stories > 0) {
      // Memberships declared `deletedWith` this team have already left the stack (the engine skips
      // their delete when the team is deleted in the same run): say who is still on the team.
      const members = await unlessGone(client.teams.listMembers(Number(id))).catch(() => undefined);
      const still = members && members.length > 0 ? ` ${members.length} ${members.length === 1 ? "member is" : "members are"} still on the team in Tines (${members.map((member) => member.email).join(", ")}): any of them whose membership was declared deletedWith this team has left the stack, so declare it again with adoptExisting: true to manage it.` : "";
      throw new TinesError(
        `Team ${id} ("${String(props.name)}") still holds ${stories} ${stories === 1 ? "story" : "stories"}, which Tines may delete with it (its docs do not say). ` +
          `Move or delete them in Tines first, or set forceDestroy: true on the team (and run \`pulumi up\`) to delete it with its stories.${still}`,
      );
    }
  }
  // Already gone is success.
  await unlessGone(client.teams.delete(Number(id)));
}

/** The engine-facing behaviour of {@link TinesTeam}. */
export const tinesTeamImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteTeam,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * A team of a Tines tenant. Memberships and templates take its `teamId` (or `id`). Give each
 * membership of a team this stack makes `deletedWith: team`, so that one `pulumi destroy` can
 * remove the team with all its members (Tines refuses to remove a team's last member).
 *
 * @example
 * ```ts
 * const detection = new TinesTeam("detection", { name: "Detection Engineering" });
 * new TinesTeamMembership("ada-detection", { teamId: detection.teamId, userId: ada.userId, role: "EDITOR" }, { deletedWith: detection });
 * ```
 */
export class TinesTeam extends pulumi.dynamic.Resource {
  /** The team's name. */
  declare readonly name: pulumi.Output<string>;
  /** Whether an existing team with this name was allowed to be adopted. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** Whether the team is deleted even when it holds stories. */
  declare readonly forceDestroy: pulumi.Output<boolean>;
  /** The Tines team id (the resource id is the same number as a string). */
  declare readonly teamId: pulumi.Output<number>;
  /** The tenant the team lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The team's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesTeamArgs, opts?: pulumi.CustomResourceOptions) {
    const props = { adoptExisting: undefined, forceDestroy: undefined, teamId: undefined, tenant: undefined, ...args };
    super(registrationPlaceholder, name, withProviderStub("Team", props), opts, tinesTypeModule, "Team");
  }
}
