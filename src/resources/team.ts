/**
 * `TinesTeam`: a team of the tenant (`/api/v1/teams`), made, renamed and deleted by the stack, and,
 * with `members`, its whole member list (the roster of src/membership/, which
 * `TinesTeamMembers` uses too). Deleting a team that still holds stories needs `forceDestroy`,
 * because Tines does not say what happens to a deleted team's stories, credentials and resources
 * (tines-api.md: assume they go).
 *
 * Why a team holds its own roster: Tines refuses to remove a team's last member, and the engine
 * deletes a team's memberships before the team. `deletedWith: team` lets them go with the team,
 * but the engine drops them from the state before it calls the team's delete
 * (pkg/resource/deploy/step.go, `isDeletedWith` in `DeleteStep.Apply`), so a team delete then
 * refused (it holds stories) would leave members in Tines that the stack forgot. One resource has
 * no such gap: its delete either removes the team with its members, or fails and keeps them all.
 *
 * Reads top to bottom as the engine uses it: inputs, outputs, check, tenant check, diff, create,
 * read, update, delete, then the resource class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, TinesResponseError, type TinesClient, type TinesTeamObject } from "../client";
import { changedProperties, checkInputs, containsUnknown, flag, requiredText } from "../provider/inputs";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../deployment";
import {
  authoritativeTeamWithMembershipsReason,
  checkRoster,
  declaredIn,
  previewRoster,
  readRoster,
  rosterChanged,
  rosterOutputs,
  teamMemberOf,
  twoRostersReason,
  writeRoster,
  type RosterOutputs,
  type TeamMember,
  type TinesDeclaredTeamMember,
  type TinesTeamMemberDeclaration,
} from "../membership";
import { createReconciled, settledLookup } from "../provider/reconcile";
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
  /**
   * The team's whole member list, authoritative as a `TinesTeamMembers`' is: the team holds
   * exactly these members (plus `ignoredMembers`), and anyone else is removed by `pulumi up`. Each
   * user once, at least one. The way to give a team this stack makes its members: `pulumi
   * destroy` then deletes the team with its members in one delete, and a delete refused (stories)
   * keeps them all in the stack. Someone Tines puts on a team it makes (its docs do not say who)
   * is removed once the declared members are on it, unless ignored. Default: the members are not
   * managed here (use `TinesTeamMembership` or `TinesTeamMembers`).
   */
  members?: pulumi.Input<pulumi.Input<TinesTeamMemberDeclaration>[]>;
  /**
   * With `members`: members (emails or user ids) never added, removed or re-roled, such as an IdP
   * sync's or a break-glass account. Default none.
   */
  ignoredMembers?: pulumi.Input<pulumi.Input<string | number>[]>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesTeamInputs {
  name: string;
  adoptExisting: boolean;
  forceDestroy: boolean;
  /** Absent when the team's members are not managed here. */
  members?: TinesDeclaredTeamMember[];
  /** User ids as numbers, emails as strings; present with `members`. */
  ignoredMembers?: Array<number | string>;
}

// Outputs ------------------------------------------------------------------------------------------

/**
 * What a {@link TinesTeam} records: every input plus the team id, and with `members` the roster's
 * outputs (see {@link RosterOutputs}: the members as Tines holds them, `resolvedMembers`,
 * `unmanagedMembers`).
 */
export interface TinesTeamOutputs extends Omit<TinesTeamInputs, "members" | "ignoredMembers">, Partial<RosterOutputs>, TenantOutputs {
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
  const { members, ignoredMembers, ...rest } = news;
  const checked = checkInputs(teamInputsSchema, rest);
  if (members === undefined && ignoredMembers === undefined) return checked;
  if (members === undefined) {
    const failure = { property: "ignoredMembers", reason: "needs members: it names members a team's roster leaves alone, and this team declares no roster" };
    return { inputs: checked.inputs, failures: [...checked.failures, failure] };
  }
  // Every problem at once: a name that is empty does not hide a member declared twice.
  const roster = checkRoster({ members, ignoredMembers });
  return { inputs: { ...checked.inputs, members: roster.members, ignoredMembers: roster.ignoredMembers }, failures: [...checked.failures, ...roster.failures] };
}

/** Why a new team cannot be created: the same words in a preview check and in a failed create. */
function nameTakenReason(name: string, tenant: string, teamId: number, withMembers: boolean): string {
  const takeover = withMembers ? " and its member list (anyone on it that members does not declare or ignore is then removed)" : "";
  return `a team named "${name}" already exists in ${tenant} (team id ${teamId}); set adoptExisting: true to manage that team${takeover}, or choose another name`;
}

/**
 * With preview checks on: a new team's name must be free, unless adopting; a rename must not take
 * another team's name; and with `members`, the roster's preview (membership/rosterPreview.ts): roles, users,
 * a takeover, and the list of whom the `up` adds, re-roles and removes.
 */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesTeamInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (containsUnknown(inputs.name)) return findings;
  /** The team the roster applies to, when it exists before this `up`. */
  let team: { id: number; name: string } | undefined;
  if (!isNew) {
    // The engine's check gets the old inputs, not the outputs (CheckRequest.olds), so the team is
    // found by the name the stack recorded; a name two teams share leaves the roster to the up.
    const recorded = (await facts.teams()).filter((each) => each.name === olds.name);
    if (recorded.length === 1) team = recorded[0];
    // A rename must not give the tenant two teams of one name (getTeam and the export refer to
    // teams by name, and could no longer tell them apart). A team not found by its recorded name
    // (renamed in Tines, perhaps to the declared name) is left to the update, which knows its id.
    if (olds.name !== inputs.name && team !== undefined) {
      const other = (await facts.teams()).find((each) => each.name === inputs.name && each.id !== team?.id);
      if (other) findings.failures.push({ property: "name", reason: renameTakenReason(inputs.name, facts.tenantUrl, other.id) });
    }
  } else {
    const existing = (await facts.teams()).filter((each) => each.name === inputs.name);
    if (existing.length > 0 && inputs.adoptExisting === false) {
      findings.failures.push({ property: "name", reason: nameTakenReason(inputs.name, facts.tenantUrl, existing[0]!.id, inputs.members !== undefined) });
    } else if (existing.length > 1) {
      findings.failures.push({ property: "name", reason: twoTeamsReason(inputs.name, facts.tenantUrl, existing) });
    } else if (existing.length === 1) {
      team = existing[0]!;
      findings.warnings.push(`team "${inputs.name}" already exists in ${facts.tenantUrl} (team id ${team.id}): it will be adopted`);
    }
    if (findings.failures.length > 0) return findings;
  }
  if (inputs.members === undefined || (!isNew && team === undefined)) return findings;

  if (team) {
    // A TinesTeamMembership on this team would be removed again by the roster: checked after
    // them, this team fails naming them; checked before, they fail (src/resources/teamMembership.ts).
    const other = facts.rosterDeclaredFor(team.id);
    facts.declareRoster(team.id, "TinesTeam");
    const memberships = facts.membershipsDeclaredOn(team.id);
    if (memberships.length) findings.failures.push({ property: "members", reason: authoritativeTeamWithMembershipsReason(team, memberships, "TinesTeam") });
    if (other === "TinesTeamMembers") findings.failures.push({ property: "members", reason: twoRostersReason(team, other) });
  }
  const onTeam: TeamMember[] = team && Array.isArray(inputs.members) ? (await facts.teamMembers(team.id)).map(teamMemberOf) : [];
  const roster = await previewRoster(
    { members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [], adoptExisting: inputs.adoptExisting },
    onTeam,
    {
      teamLabel: team ? `${team.id} ("${team.name}")` : `"${inputs.name}" (made by this up)`,
      // Adopting a team, or declaring the roster of a team the stack already has, takes its member
      // list over; a team this up makes holds only whom Tines puts on it.
      takesOverTeam: isNew ? team !== undefined : olds.members === undefined,
      driftOnly: !isNew && olds.members !== undefined && !rosterChanged(olds, raw),
      resource: "TinesTeam",
    },
    facts,
  );
  findings.failures.push(...roster.failures);
  findings.warnings.push(...roster.warnings);
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
  return { changes: changedProperties(olds, news, inputProperties).length > 0 || membersChanged(olds, news), replaces: [] };
}

/** Whether the roster differs: declared or dropped, or changed (membership/roster.ts). */
function membersChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  if (news.members === undefined) return olds.members !== undefined;
  return olds.members === undefined || rosterChanged(olds, news);
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
    if (!inputs.adoptExisting) throw new TinesError(`name: ${nameTakenReason(inputs.name, tenant, existing[0]!.id, inputs.members !== undefined)}`);
    const outputs = await withCreatedRoster(existing[0]!, inputs, context, { adopted: true });
    return { id: String(existing[0]!.id), outs: outputs as unknown as Record<string, unknown> };
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
  if (team.name !== inputs.name) {
    // Recorded with an empty roster (when one is declared), so the next `up` adds the members
    // through an update without taking the team over.
    const roster = inputs.members === undefined ? {} : rosterOutputs({ members: inputs.members, ignoredMembers: inputs.ignoredMembers ?? [] }, []);
    const outputs = { ...outputsOf(team, inputs, tenant), ...roster };
    throw new PartialCreateError(String(team.id), outputs, new TinesError(`name: Tines answered the create but holds "${team.name}", not "${inputs.name}"`));
  }
  deploymentFor(client).recordTeamMade(team.id);
  const outputs = await withCreatedRoster(team, inputs, context, { adopted: false });
  return { id: String(team.id), outs: outputs as unknown as Record<string, unknown> };
}

/** What a TinesTeam's user can do when Tines refuses to remove a team's last member. */
const lastMemberAdvice = "Keep at least one declared member on the team, or delete the team.";

/**
 * A created or adopted team's outputs, after its roster (if declared) is applied: an adopted
 * team's member list is taken over (adoptExisting is set, or it could not be adopted); a team made
 * a moment ago holds only whom Tines put on it, who are removed once the declared members are on
 * it. A roster write that fails is a partial create: the team exists, recorded with the members
 * Tines holds, and the next `up` finishes through an update.
 */
async function withCreatedRoster(team: TinesTeamObject, inputs: TinesTeamInputs, context: ProviderContext, { adopted }: { adopted: boolean }): Promise<TinesTeamOutputs> {
  const tenant = context.tenantUrl();
  const outputs = outputsOf(team, inputs, tenant);
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

function outputsOf(team: TinesTeamObject, inputs: Pick<TinesTeamInputs, "adoptExisting" | "forceDestroy">, tenant: string): TinesTeamOutputs {
  return { name: team.name, adoptExisting: inputs.adoptExisting, forceDestroy: inputs.forceDestroy, teamId: team.id, tenant };
}

/** The roster outputs recorded in `props` (none when the team's members are not managed here). */
function recordedRoster(props: Partial<TinesTeamOutputs>): Partial<RosterOutputs> {
  if (props.members === undefined) return {};
  return { members: props.members, ignoredMembers: props.ignoredMembers ?? [], resolvedMembers: props.resolvedMembers ?? [], unmanagedMembers: props.unmanagedMembers ?? [] };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Team ${id}`);
  const team = await unlessConfirmedGone(() => context.client().teams.get(Number(id)));
  if (team === undefined) return undefined;
  const olds = props as Partial<TinesTeamOutputs>;
  const outputs: TinesTeamOutputs = outputsOf(team, { adoptExisting: olds.adoptExisting ?? false, forceDestroy: olds.forceDestroy ?? false }, context.tenantUrl());
  // The inputs that would produce these outputs, so a rename outside Pulumi shows as drift.
  const inputs: Record<string, unknown> = Object.fromEntries(inputProperties.filter((key) => props[key] !== undefined).map((key) => [key, outputs[key]]));
  if (olds.members !== undefined) {
    // With a roster, a member added, removed or re-roled outside Pulumi shows as drift too, and
    // the next `up` puts the declared list back.
    const current = await readRoster(context.client(), team.id);
    if (current === undefined) {
      // The team answered a moment ago: only drop it (and its members) once it is gone too.
      if ((await unlessConfirmedGone(() => context.client().teams.get(team.id))) === undefined) return undefined;
      throw new TinesError(`Team ${id} ("${team.name}") exists, but Tines answered 404 for its members twice; nothing was changed in the stack: run the refresh again`);
    }
    Object.assign(outputs, rosterOutputs({ members: declaredIn(olds), ignoredMembers: olds.ignoredMembers ?? [] }, current));
    Object.assign(inputs, { members: outputs.members, ignoredMembers: outputs.ignoredMembers });
  }
  return { id: String(team.id), props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `Team ${id}`);
  const inputs = news as unknown as TinesTeamInputs;
  const recorded = olds as Partial<TinesTeamOutputs>;
  const client = context.client();
  const tenant = context.tenantUrl();
  // Only adoptExisting or forceDestroy changed: nothing to tell Tines about the team itself.
  let outputs: TinesTeamOutputs = { ...(olds as unknown as TinesTeamOutputs), adoptExisting: inputs.adoptExisting, forceDestroy: inputs.forceDestroy };
  if (changedProperties(olds, news, ["name"]).length > 0) {
    const other = (await teamsNamed(client, inputs.name)).find((team) => team.id !== Number(id));
    if (other) throw new TinesError(`name: ${renameTakenReason(inputs.name, tenant, other.id)}`);
    const team = await client.teams.update(Number(id), { name: inputs.name });
    outputs = { ...outputsOf(team, inputs, tenant), ...recordedRoster(recorded) };
    if (team.name !== inputs.name) {
      // What Tines holds is recorded, so the next `pulumi up` shows the rename again.
      throw new PartialUpdateError(id, outputs, new TinesError(`name: Tines answered the update of team ${id} but still holds "${team.name}", not "${inputs.name}"`));
    }
  }
  const { members: _members, ignoredMembers: _ignored, resolvedMembers: _resolved, unmanagedMembers: _unmanaged, ...team } = outputs;
  // No roster declared (any more): the team's members are left as they are.
  if (inputs.members === undefined) return team as unknown as Record<string, unknown>;
  if (!membersChanged(olds, news)) return outputs as unknown as Record<string, unknown>;
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
  return { ...team, ...rosterOutputs(roster, written.members) } as unknown as Record<string, unknown>;
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
      if ((await unlessConfirmedGone(() => client.teams.get(Number(id)))) === undefined) return;
      throw new TinesError(
        `Team ${id} ("${String(props.name)}") was not deleted: Tines did not say how many stories it holds (${why}). ` +
          "Set forceDestroy: true on the team (and run `pulumi up`) to delete it without counting its stories.",
      );
    }
    if (stories > 0) {
      // Memberships declared `deletedWith` this team have already left the stack (the engine skips
      // their delete when the team is deleted in the same run): say who is still on the team. A
      // team's own roster stays in the stack with it.
      const members = props.members === undefined ? await unlessGone(client.teams.listMembers(Number(id))).catch(() => undefined) : undefined;
      const still = members && members.length > 0 ? ` ${members.length} ${members.length === 1 ? "member is" : "members are"} still on the team in Tines (${members.map((member) => member.email).join(", ")}): any of them whose membership was declared deletedWith this team has left the stack, so declare it again with adoptExisting: true to manage it (a member whose user this destroy deletes leaves with the user, once Tines has finished deleting it).` : "";
      throw new TinesError(
        `Team ${id} ("${String(props.name)}") still holds ${stories} ${stories === 1 ? "story" : "stories"}, which Tines may delete with it (its docs do not say). ` +
          `Move or delete them in Tines first, or set forceDestroy: true on the team (and run \`pulumi up\`) to delete it with its stories.${still}`,
      );
    }
  }
  await deleteVerified(client, Number(id), String(props.name));
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
 * A team of a Tines tenant. Memberships and templates take its `teamId` (or `id`). For a team this
 * stack makes, declare its people in `members`: one `pulumi destroy` then deletes the team with
 * them, and a delete refused because the team holds stories keeps them all in the stack (Tines
 * refuses to remove a team's last member, so separate memberships could not all be removed).
 *
 * @example
 * ```ts
 * const detection = new TinesTeam("detection", {
 *   name: "Detection Engineering",
 *   members: [{ userId: ada.userId, role: "TEAM_ADMIN" }, { email: "oncall@example.com", role: "EDITOR" }],
 * });
 * ```
 */
export class TinesTeam extends pulumi.dynamic.Resource {
  /** The team's name. */
  declare readonly name: pulumi.Output<string>;
  /** Whether an existing team with this name was allowed to be adopted (and its member list taken over). */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** Whether the team is deleted even when it holds stories. */
  declare readonly forceDestroy: pulumi.Output<boolean>;
  /** The Tines team id (the resource id is the same number as a string). */
  declare readonly teamId: pulumi.Output<number>;
  /** With `members`: the managed members as Tines holds them (see {@link RosterOutputs.members}); otherwise undefined. */
  declare readonly members: pulumi.Output<TinesDeclaredTeamMember[] | undefined>;
  /** With `members`: members never added, removed or re-roled (user ids as numbers, emails as strings). */
  declare readonly ignoredMembers: pulumi.Output<Array<number | string> | undefined>;
  /** With `members`: each managed member with user id, email, role and invitation state. */
  declare readonly resolvedMembers: pulumi.Output<TeamMember[] | undefined>;
  /** With `members`: members on the team neither declared nor ignored, as last read (the next `up` removes them). */
  declare readonly unmanagedMembers: pulumi.Output<TeamMember[] | undefined>;
  /** The tenant the team lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The team's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesTeamArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      adoptExisting: undefined,
      forceDestroy: undefined,
      members: undefined,
      ignoredMembers: undefined,
      resolvedMembers: undefined,
      unmanagedMembers: undefined,
      teamId: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("Team", props), opts, tinesTypeModule, "Team");
  }
}
