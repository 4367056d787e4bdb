/**
 * What `TinesPrivateTemplate` does in Tines (`/api/v1/admin/templates`, tenant-owner key): its
 * tenant checks, create (or adoption), read, update (a move first when the team changes) and
 * delete. Everything else is its definition. Template ids are strings (tines-api.md).
 */
import {
  teamSlugFromName,
  TinesApiError,
  TinesError,
  type CreateTinesTemplateRequest,
  type TinesActionInputRequest,
  type TinesClient,
  type TinesTeamObject,
  type TinesTemplateObject,
} from "../../client";
import type { TinesOutputsOf } from "../../provider/definition";
import { containsUnknown, plainJson, sameMeaning } from "../../provider/inputs";
import { comparableText, namedAs, sameText } from "../../provider/names";
import { changedInputs, implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { createReconciled } from "../../provider/reconcile";
import { PartialCreateError, unlessGone, type ProviderContext } from "../../provider/runtime";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../../deployment";
import {
  tinesPrivateTemplateDefinition as definition,
  type TinesActionInputType,
  type TinesAgentType,
  type TinesPrivateTemplateInputs,
  type TinesReadAccess,
} from "./definition";

/** What this resource's own code records; the engine adds `adoptExisting` and `tenant`. */
type TemplateOutputs = TinesOutputsOf<typeof definition>;

/** Inputs that change the template in Tines (all but `adoptExisting`). */
const updatableProperties = Object.keys(definition.inputs).filter((key) => key !== "adoptExisting");

// Tenant check -------------------------------------------------------------------------------------

/**
 * With preview checks on: the team exists, and a SPECIFIC_TEAMS template's shared slugs name
 * teams. Tines' docs do not say how slugs are made: when its teams carry no `slug`, a slug is
 * derived from the name and a mismatch is only a warning.
 */
async function checkAgainstTenant(inputs: TinesPrivateTemplateInputs, _isNew: boolean, facts: TenantDeployment): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (inputs.teamId !== undefined && !containsUnknown(inputs.teamId)) {
    if (!(await facts.teams()).some((team) => team.id === inputs.teamId)) {
      findings.failures.push({ property: "teamId", reason: `team ${inputs.teamId} does not exist in ${facts.tenantUrl}` });
    }
  }
  if (inputs.readAccess === "SPECIFIC_TEAMS" && !containsUnknown(inputs.sharedTeamSlugs)) {
    const { authoritative, slugs, unknown } = unknownSlugs(await facts.teams(), inputs.sharedTeamSlugs);
    for (const index of unknown) {
      const reason = `no team has the slug "${inputs.sharedTeamSlugs[index]}" in ${facts.tenantUrl}`;
      if (authoritative) findings.failures.push({ property: `sharedTeamSlugs[${index}]`, reason });
      else findings.warnings.push(`sharedTeamSlugs[${index}] of template "${inputs.name}": ${reason} (slugs derived from team names: ${slugs.join(", ")})`);
    }
  }
  return findings;
}

/**
 * The indexes of the declared slugs no team of `teams` has, the slugs the teams have, and whether
 * the teams carry slugs (else they are derived from names, and a mismatch proves nothing).
 */
function unknownSlugs(teams: readonly TinesTeamObject[], declared: readonly string[]): { authoritative: boolean; slugs: string[]; unknown: number[] } {
  const slugs = [...new Set(teams.map((team) => team.slug ?? teamSlugFromName(team.name)))];
  // A slug is sent as given; Tines may trim it (provider/names.ts).
  const unknown = declared.flatMap((slug, index) => (slugs.some((each) => sameText(each, slug)) ? [] : [index]));
  return { authoritative: teams.some((team) => team.slug !== undefined), slugs, unknown };
}

// Create -------------------------------------------------------------------------------------------

async function create(inputs: TinesPrivateTemplateInputs, context: ProviderContext) {
  const client = context.client();
  if (inputs.adoptExisting) {
    const existing = await findTemplateToAdopt(client, inputs);
    if (existing) {
      // A template that already matches is adopted without a write.
      if (changedInputs(definition, outputsOf(existing), inputs, updatableProperties).length === 0) return created(existing);
      try {
        return created(await refusalNamingInput(inputs, context, client.templates.update(existing.id, updateBody(inputs))));
      } catch (error) {
        throw new PartialCreateError(existing.id, outputsOf(existing), error as Error);
      }
    }
  }
  const body: CreateTinesTemplateRequest = { ...updateBody(inputs), ...(inputs.teamId === undefined ? {} : { team_id: inputs.teamId }) };
  // The engine then checks that Tines holds every declared value (what it does not take fails the
  // create, with the template recorded as Tines holds it).
  return created(await refusalNamingInput(inputs, context, createReconciled(() => client.templates.create(body), () => findCreatedTemplate(client, inputs))));
}

/**
 * `write`'s result; a refusal traceable to an input names it, as a preview check does: a 404 is
 * the team (its answer: "Team not found") when the team is gone too (asked: a 404 to an update or
 * a move may be the template's); a 422 of a SPECIFIC_TEAMS template is, when a fresh read of the
 * teams has no team with a declared slug, that slug.
 */
async function refusalNamingInput<T>(inputs: TinesPrivateTemplateInputs, context: ProviderContext, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!(error instanceof TinesApiError)) throw error;
    if (inputs.teamId !== undefined && error.isNotFound && (await unlessGone(context.client().teams.get(inputs.teamId))) === undefined) {
      throw new TinesError(`teamId: team ${inputs.teamId} does not exist in ${context.tenantUrl()} (${error.message})`, { cause: error });
    }
    if (inputs.readAccess !== "SPECIFIC_TEAMS" || !error.isConflictOrValidation) throw error;
    const { authoritative, slugs, unknown } = unknownSlugs(await context.client().teams.list({ scope: "all" }), inputs.sharedTeamSlugs);
    if (unknown.length === 0) throw error;
    // Tines refused, so a slug no team has is the likely cause even when slugs are derived from names.
    const derived = authoritative ? "" : ` (slugs derived from team names: ${slugs.join(", ")})`;
    const named = unknown.map((index) => `sharedTeamSlugs[${index}]: no team has the slug "${inputs.sharedTeamSlugs[index]}" in ${context.tenantUrl()}${derived}`);
    throw new TinesError(`${named.join("; ")} (${error.message})`, { cause: error });
  }
}

/** A create's result. */
function created(template: TinesTemplateObject) {
  return { id: template.id, outputs: outputsOf(template) };
}

/**
 * The template to adopt: the one with this name in the declared team (or with no team, when none
 * is declared). Two of them are ambiguous: the create fails naming both, rather than guess.
 */
async function findTemplateToAdopt(client: TinesClient, inputs: TinesPrivateTemplateInputs): Promise<TinesTemplateObject | undefined> {
  // By name as Tines may hold it: exactly, else but for surrounding whitespace (provider/names.ts);
  // searched for without it, which finds both (the search matches within names: tines-api.md).
  const inTeam = (await client.templates.list({ search: comparableText(inputs.name) })).filter((template) => (template.team_id ?? undefined) === inputs.teamId);
  const matches = namedAs(inTeam, inputs.name, (template) => template.name);
  if (matches.length > 1) {
    const where = inputs.teamId === undefined ? "without a team" : `in team ${inputs.teamId}`;
    throw new TinesError(
      `name: ${matches.length} private templates are named "${inputs.name}" ${where} (ids ${matches.map((each) => each.id).join(", ")}), ` +
        "so adoptExisting cannot tell which to take over; rename or delete all but one in Tines",
    );
  }
  return matches[0];
}

/** Everything but `team_id`, as both create and update take it. */
function updateBody(inputs: TinesPrivateTemplateInputs): Omit<CreateTinesTemplateRequest, "team_id"> {
  return {
    name: inputs.name,
    description: inputs.description,
    vendor: inputs.vendor,
    product: inputs.product,
    agent_type: inputs.agentType,
    agent_options: inputs.agentOptions,
    ...(inputs.folderId === undefined ? {} : { folder_id: inputs.folderId }),
    read_access: inputs.readAccess,
    ...(inputs.readAccess === "SPECIFIC_TEAMS" ? { shared_team_slugs: inputs.sharedTeamSlugs } : {}),
    action_inputs: inputs.actionInputs.map(
      (input): TinesActionInputRequest => ({
        name: input.name,
        type: input.type,
        required: input.required,
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.defaultValue === undefined ? {} : { default_value: input.defaultValue }),
        ...(input.data === undefined ? {} : { data: input.data }),
      }),
    ),
  };
}

/**
 * After a create whose answer was lost: the template with these contents, if Tines has one. Tines
 * gives templates no creation time, so among identical ones the newest (largest id) is taken.
 */
async function findCreatedTemplate(client: TinesClient, inputs: TinesPrivateTemplateInputs): Promise<TinesTemplateObject | undefined> {
  const candidates = (await client.templates.list({ search: comparableText(inputs.name) })).filter(
    (template) =>
      sameText(template.name, inputs.name) &&
      template.agent_type === inputs.agentType &&
      sameText(template.vendor ?? "", inputs.vendor) &&
      sameText(template.product ?? "", inputs.product) &&
      (template.team_id ?? undefined) === inputs.teamId &&
      sameMeaning(template.agent_options, inputs.agentOptions, { exact: true }),
  );
  const byAge = (id: string) => (/^\d+$/.test(id) ? BigInt(id) : 0n);
  return candidates.sort((a, b) => (byAge(a.id) < byAge(b.id) ? 1 : -1))[0];
}

/** The template as the stack records it. */
function outputsOf(template: TinesTemplateObject): TemplateOutputs {
  return {
    name: template.name,
    vendor: template.vendor ?? "",
    product: template.product ?? "",
    agentType: template.agent_type as TinesAgentType,
    agentOptions: template.agent_options ?? {},
    description: template.description ?? "",
    teamId: template.team_id ?? null,
    folderId: template.folder_id ?? null,
    readAccess: (template.read_access ?? (template.team_id ? "TEAM" : "GLOBAL")) as TinesReadAccess,
    sharedTeamSlugs: template.shared_team_slugs ?? [],
    actionInputs: (template.action_inputs ?? []).map((input) =>
      plainJson({
        name: input.name,
        type: input.type as TinesActionInputType,
        required: input.required ?? false,
        description: input.description ?? undefined,
        defaultValue: input.default_value,
        data: input.data ?? undefined,
      }),
    ),
    templateId: template.id,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Record<string, unknown>, context: ProviderContext) {
  // Shared with the other reads in flight when a list is cheaper (deployment/sharedReads.ts).
  const template = await deploymentFor(context.client()).reads.template(id, context.freshness(id, recorded));
  return template === undefined ? undefined : { id: template.id, outputs: outputsOf(template) };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, recorded: Record<string, unknown>, inputs: TinesPrivateTemplateInputs, context: ProviderContext) {
  const client = context.client();
  if (inputs.teamId !== undefined && changedInputs(definition, recorded, inputs, ["teamId"]).length > 0) {
    // Moving is "the only way to change team_id" and resets access to team-only (tines-api.md):
    // the update below sends the declared access again.
    await refusalNamingInput(inputs, context, client.templates.move(id, { team_id: inputs.teamId, folder_id: inputs.folderId ?? null }));
  }
  // The client reads the template back after the update: Tines' answer may be just `true`, or
  // (seen) a 200 with an HTML page and nothing saved. The engine fails the update on what Tines
  // does not hold.
  return outputsOf(await refusalNamingInput(inputs, context, client.templates.update(id, updateBody(inputs))));
}

// Delete -------------------------------------------------------------------------------------------

async function deleteTemplate(id: string, _recorded: unknown, context: ProviderContext) {
  await unlessGone(context.client().templates.delete(id));
}

/** The Tines calls of {@link TinesPrivateTemplate}. */
export const tinesPrivateTemplateLifecycle: ResourceLifecycle<typeof definition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteTemplate,
};

/** {@link TinesPrivateTemplate} as the engine runs it. */
export const tinesPrivateTemplateResource = implementResource(definition, tinesPrivateTemplateLifecycle);
