/**
 * `TinesPrivateTemplate`: a private action template (`/api/v1/admin/templates`). Needs a
 * tenant-owner key. Template ids are strings. A change of team goes through Tines' move endpoint
 * (which resets access to team-only, so the declared access is sent again right after); every
 * other change is an update, read back because Tines may answer it with just `true`.
 *
 * Reads top to bottom: inputs, outputs, check, diff, create, read, update, delete, the class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  tinesActionInputTypes as actionInputTypes,
  tinesAgentTypes as agentTypes,
  tinesReadAccessValues as readAccessValues,
  teamSlugFromName,
  TinesError,
  type CreateTinesTemplateRequest,
  type TinesActionInputRequest,
  type TinesClient,
  type TinesTemplateObject,
} from "../client";
import {
  changedProperties,
  checkInputs,
  containsUnknown,
  flag,
  optionalText,
  plainJson,
  positiveIntegerId,
  reportDuplicates,
  requiredText,
  sameMeaning,
  unappliedWrite,
} from "../provider/inputs";
import { createReconciled } from "../provider/reconcile";
import type { TenantCheckFindings, TenantDeployment } from "../deployment";
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

/** The documented `agent_type` values of a template. */
export type TinesAgentType = (typeof agentTypes)[number];
/** The documented types of an action input. */
export type TinesActionInputType = (typeof actionInputTypes)[number];
/** Who can use a template. */
export type TinesReadAccess = (typeof readAccessValues)[number];

/** One input of the template's action, shown to whoever uses the template. */
export interface TinesActionInput {
  /** The input's name. */
  name: pulumi.Input<string>;
  /** `TEXT`, `NUMBER`, `BOOLEAN`, `DATE`, `OBJECT`, `OPTION`, `CODE` or `CREDENTIAL`. */
  type: pulumi.Input<TinesActionInputType>;
  /** Whether a value must be given. Default false; must be true for a `CREDENTIAL` input. */
  required?: pulumi.Input<boolean>;
  /** Help text. */
  description?: pulumi.Input<string>;
  /** The value used when none is given. */
  defaultValue?: pulumi.Input<unknown>;
  /** Type-specific settings: `json_schema` for OBJECT; `options`, `multi_select_enabled` for OPTION; `code_language` for CODE. */
  data?: pulumi.Input<Record<string, unknown>>;
}

/** The inputs of a {@link TinesPrivateTemplate}. */
export interface TinesPrivateTemplateArgs {
  /** The template's name. */
  name: pulumi.Input<string>;
  /** The vendor the action talks to, e.g. `"VirusTotal"`. */
  vendor: pulumi.Input<string>;
  /** The vendor's product, e.g. `"Intelligence"`. */
  product: pulumi.Input<string>;
  /** The action type, e.g. `"Agents::HTTPRequestAgent"`. */
  agentType: pulumi.Input<TinesAgentType>;
  /** The action's options, a JSON object (for an HTTP request: url, method, payload...). */
  agentOptions: pulumi.Input<Record<string, unknown>>;
  /** What the template does. Default empty. */
  description?: pulumi.Input<string>;
  /** The team that owns the template. Changing it moves the template (in place). */
  teamId?: pulumi.Input<number | string>;
  /** The folder the template sits in. */
  folderId?: pulumi.Input<number | string>;
  /** `TEAM` (default with a team), `GLOBAL` (default without) or `SPECIFIC_TEAMS` (premium; needs `sharedTeamSlugs`). */
  readAccess?: pulumi.Input<TinesReadAccess>;
  /** Slugs of the teams a `SPECIFIC_TEAMS` template is shared with. */
  sharedTeamSlugs?: pulumi.Input<pulumi.Input<string>[]>;
  /** The inputs of the template's action. Default none; the list is replaced as a whole on update. */
  actionInputs?: pulumi.Input<pulumi.Input<TinesActionInput>[]>;
  /**
   * When the team (or, without `teamId`, the tenant) already has a template with this name, take it
   * over (and bring it to these inputs) instead of creating another. Two such templates fail the
   * create, naming both ids. Default false.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** One action input after validation. */
export interface TinesActionInputValue {
  name: string;
  type: TinesActionInputType;
  required: boolean;
  description?: string;
  defaultValue?: unknown;
  data?: Record<string, unknown>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesPrivateTemplateInputs {
  name: string;
  vendor: string;
  product: string;
  agentType: TinesAgentType;
  agentOptions: Record<string, unknown>;
  description: string;
  teamId?: number;
  folderId?: number;
  readAccess: TinesReadAccess;
  sharedTeamSlugs: string[];
  actionInputs: TinesActionInputValue[];
  adoptExisting: boolean;
}

// Outputs ------------------------------------------------------------------------------------------

/** What a {@link TinesPrivateTemplate} records: every input plus what Tines computes. */
export interface TinesPrivateTemplateOutputs extends Omit<TinesPrivateTemplateInputs, "teamId" | "folderId">, TenantOutputs {
  /** The Tines template id (also the resource id). */
  templateId: string;
  teamId: number | null;
  folderId: number | null;
}

const maxAgentOptionsLength = 100_000;

const jsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  { error: "must be a JSON object" },
);

const actionInputSchema = z.strictObject({
  name: requiredText(100),
  type: z.enum(actionInputTypes, { error: `must be one of ${actionInputTypes.join(", ")}` }),
  required: flag(false),
  description: optionalText(1_000),
  defaultValue: z.unknown().optional(),
  data: jsonObject.optional(),
});

/** Types whose inputs take `data`, and the documented keys of each. */
const dataKeysByType: Partial<Record<TinesActionInputType, string[]>> = {
  OBJECT: ["json_schema"],
  OPTION: ["options", "multi_select_enabled"],
  CODE: ["code_language"],
};

const templateInputsSchema = z.strictObject({
  name: requiredText(255),
  vendor: requiredText(255),
  product: requiredText(255),
  agentType: z.enum(agentTypes, { error: `must be one of ${agentTypes.join(", ")}` }),
  agentOptions: jsonObject.refine((value) => JSON.stringify(value).length <= maxAgentOptionsLength, {
    message: `must be at most ${maxAgentOptionsLength} characters as JSON`,
  }),
  description: optionalText(10_000).default(""),
  teamId: positiveIntegerId.optional(),
  folderId: positiveIntegerId.optional(),
  readAccess: z.enum(readAccessValues, { error: `must be one of ${readAccessValues.join(", ")}` }).optional(),
  sharedTeamSlugs: z.array(requiredText(100), { error: "must be a list of team slugs" }).default([]).superRefine(reportDuplicates("sharedTeamSlugs")),
  actionInputs: z
    .array(actionInputSchema, { error: "must be a list of action inputs" })
    .max(100, "must hold at most 100 action inputs")
    .default([])
    .superRefine((inputs, context) => {
      const credentials = inputs.flatMap((input, index) => (input.type === "CREDENTIAL" ? [index] : []));
      for (const index of credentials) {
        if (!inputs[index]!.required) {
          context.addIssue({ code: "custom", path: [index, "required"], message: "must be true for a CREDENTIAL input" });
        }
      }
      for (const index of credentials.slice(1)) {
        context.addIssue({
          code: "custom",
          path: [index, "type"],
          message: `a template takes at most one CREDENTIAL input (actionInputs[${credentials[0]}] is one already)`,
        });
      }
      reportDuplicates<{ name: string }>("actionInputs", (input) => input.name, "name")(inputs, context);
      inputs.forEach((input, index) => {
        if (input.data !== undefined && !dataKeysByType[input.type]) {
          context.addIssue({
            code: "custom",
            path: [index, "data"],
            message: `is only used by OBJECT, OPTION and CODE inputs, not ${input.type}`,
          });
        }
      });
    }),
  adoptExisting: flag(false),
});

const inputProperties = [
  "name",
  "vendor",
  "product",
  "agentType",
  "agentOptions",
  "description",
  "teamId",
  "folderId",
  "readAccess",
  "sharedTeamSlugs",
  "actionInputs",
  "adoptExisting",
] as const;

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  const result = checkInputs(templateInputsSchema, news, (values: Partial<TinesPrivateTemplateInputs>, unknownKeys) => {
    const failures = [];
    const access = values.readAccess;
    if (!unknownKeys.has("readAccess") && !unknownKeys.has("sharedTeamSlugs")) {
      if (access === "SPECIFIC_TEAMS" && (values.sharedTeamSlugs ?? []).length === 0) {
        failures.push({ property: "sharedTeamSlugs", reason: "must name at least one team when readAccess is SPECIFIC_TEAMS" });
      }
      if (access !== "SPECIFIC_TEAMS" && (values.sharedTeamSlugs ?? []).length > 0) {
        failures.push({ property: "sharedTeamSlugs", reason: "is only used when readAccess is SPECIFIC_TEAMS" });
      }
    }
    return failures;
  });
  // Tines' default: team-only access for a team's template, global otherwise.
  if (result.failures.length === 0 && result.inputs.readAccess === undefined) {
    result.inputs.readAccess = result.inputs.teamId !== undefined ? "TEAM" : "GLOBAL";
  }
  return result;
}

/**
 * With preview checks on: the team exists, and a SPECIFIC_TEAMS template's shared slugs name
 * teams. Tines' docs do not say how slugs are made: when its teams carry no `slug`, a slug is
 * derived from the name and a mismatch is only a warning.
 */
async function checkAgainstTenant(raw: Record<string, unknown>, _isNew: boolean, facts: TenantDeployment): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesPrivateTemplateInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (inputs.teamId !== undefined && !containsUnknown(inputs.teamId)) {
    if (!(await facts.teams()).some((team) => team.id === inputs.teamId)) {
      findings.failures.push({ property: "teamId", reason: `team ${inputs.teamId} does not exist in ${facts.tenantUrl}` });
    }
  }
  if (inputs.readAccess === "SPECIFIC_TEAMS" && !containsUnknown(inputs.sharedTeamSlugs)) {
    const teams = await facts.teams();
    const authoritative = teams.some((team) => team.slug !== undefined);
    const slugs = new Set(teams.map((team) => team.slug ?? teamSlugFromName(team.name)));
    inputs.sharedTeamSlugs.forEach((slug, index) => {
      if (slugs.has(slug)) return;
      const reason = `no team has the slug "${slug}" in ${facts.tenantUrl}`;
      if (authoritative) findings.failures.push({ property: `sharedTeamSlugs[${index}]`, reason });
      else findings.warnings.push(`sharedTeamSlugs[${index}] of template "${inputs.name}": ${reason} (slugs derived from team names: ${[...slugs].join(", ")})`);
    });
  }
  return findings;
}

// Diff ---------------------------------------------------------------------------------------------

/** The properties to compare: team and folder only when declared (otherwise Tines' choice stands). */
function comparedProperties(news: Record<string, unknown>): string[] {
  return inputProperties.filter((key) => !((key === "teamId" || key === "folderId") && news[key] === undefined));
}

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"] };
  // A team change is a move, in place (tines-api.md: "the only way to change team_id").
  // Compared by meaning: Tines may echo unset fields as null, nested JSON in another key order, numbers as strings.
  // State written before adoptExisting existed holds none: that is false, not a change.
  const changed = changedProperties({ ...olds, adoptExisting: olds.adoptExisting ?? false }, news, comparedProperties(news));
  return { changes: changed.length > 0, replaces: [] };
}

// Create -------------------------------------------------------------------------------------------

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesPrivateTemplateInputs;
  const client = context.client();
  const body: CreateTinesTemplateRequest = {
    ...updateBody(inputs),
    ...(inputs.teamId === undefined ? {} : { team_id: inputs.teamId }),
  };
  if (inputs.adoptExisting) {
    const existing = await findTemplateToAdopt(client, inputs);
    if (existing) {
      const current = outputsOf(existing, context.tenantUrl(), inputs.adoptExisting);
      // A template that already matches is adopted without a write.
      if (changedProperties(current, inputs, comparedProperties(raw)).length === 0) {
        return { id: existing.id, outs: current as unknown as Record<string, unknown> };
      }
      let updated: TinesTemplateObject;
      try {
        updated = await client.templates.update(existing.id, updateBody(inputs));
      } catch (error) {
        throw new PartialCreateError(existing.id, current, error as Error);
      }
      return verifiedCreate(updated, inputs, raw, context.tenantUrl());
    }
  }
  const template = await createReconciled(
    () => client.templates.create(body),
    () => findCreatedTemplate(client, inputs),
  );
  return verifiedCreate(template, inputs, raw, context.tenantUrl());
}

/**
 * The result of a create or adoption once Tines holds every declared value. Otherwise the template
 * exists but is not as declared: it is recorded as Tines holds it, and the create fails naming
 * what Tines did not take.
 */
function verifiedCreate(template: TinesTemplateObject, inputs: TinesPrivateTemplateInputs, raw: Record<string, unknown>, tenant: string) {
  const outputs = outputsOf(template, tenant, inputs.adoptExisting);
  const unapplied = unappliedWrite("create", inputs, outputs, comparedProperties(raw));
  if (unapplied) throw new PartialCreateError(template.id, outputs, unapplied);
  return { id: template.id, outs: outputs as unknown as Record<string, unknown> };
}

/**
 * The template to adopt: the one with this name in the declared team (or with no team, when none
 * is declared). Two of them are ambiguous: the create fails naming both, rather than guess.
 */
async function findTemplateToAdopt(client: TinesClient, inputs: TinesPrivateTemplateInputs): Promise<TinesTemplateObject | undefined> {
  const matches = (await client.templates.list({ search: inputs.name })).filter(
    (template) => template.name === inputs.name && (template.team_id ?? undefined) === inputs.teamId,
  );
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
  const candidates = (await client.templates.list({ search: inputs.name })).filter(
    (template) =>
      template.name === inputs.name &&
      template.agent_type === inputs.agentType &&
      (template.vendor ?? "") === inputs.vendor &&
      (template.product ?? "") === inputs.product &&
      (template.team_id ?? undefined) === inputs.teamId &&
      sameMeaning(template.agent_options, inputs.agentOptions),
  );
  const byAge = (id: string) => (/^\d+$/.test(id) ? BigInt(id) : 0n);
  return candidates.sort((a, b) => (byAge(a.id) < byAge(b.id) ? 1 : -1))[0];
}

function outputsOf(template: TinesTemplateObject, tenant: string, adoptExisting: boolean): TinesPrivateTemplateOutputs {
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
    adoptExisting,
    templateId: template.id,
    tenant,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Private template ${id}`);
  const template = await unlessConfirmedGone(() => context.client().templates.get(id));
  if (template === undefined) return undefined;
  const outputs = outputsOf(template, context.tenantUrl(), props.adoptExisting === true);
  const inputs = Object.fromEntries(
    inputProperties.filter((key) => props[key] !== undefined && props[key] !== null).map((key) => [key, outputs[key]]),
  );
  return { id: template.id, props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `Private template ${id}`);
  const inputs = news as unknown as TinesPrivateTemplateInputs;
  if (changedProperties(olds, news, comparedProperties(news).filter((key) => key !== "adoptExisting")).length === 0) {
    // Only adoptExisting changed: nothing to tell Tines.
    return { ...olds, adoptExisting: inputs.adoptExisting };
  }
  const client = context.client();
  if (inputs.teamId !== undefined && changedProperties(olds, news, ["teamId"]).length > 0) {
    // Moving resets access to team-only; the update below sends the declared access again.
    await client.templates.move(id, { team_id: inputs.teamId, folder_id: inputs.folderId ?? null });
  }
  // The client reads the template back after the update: Tines' answer may be just `true`, or
  // (seen) a 200 with an HTML page and nothing saved. What Tines does not hold fails the update.
  const template = await client.templates.update(id, updateBody(inputs));
  const outputs = outputsOf(template, context.tenantUrl(), inputs.adoptExisting);
  const unapplied = unappliedWrite("update", inputs, outputs, comparedProperties(news));
  if (unapplied) throw new PartialUpdateError(id, outputs, unapplied);
  return outputs as unknown as Record<string, unknown>;
}

// Delete -------------------------------------------------------------------------------------------

async function deleteTemplate(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Private template ${id}`);
  await unlessGone(context.client().templates.delete(id));
}

/** The engine-facing behaviour of {@link TinesPrivateTemplate}. */
export const tinesPrivateTemplateImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteTemplate,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * A private action template of a Tines tenant, offered to story builders in the action library.
 * Needs a tenant-owner API key.
 *
 * @example
 * ```ts
 * new TinesPrivateTemplate("ip-lookup", {
 *   name: "Look up an IP", vendor: "Acme", product: "Intel", agentType: "Agents::HTTPRequestAgent",
 *   agentOptions: { url: "https://intel.example.com/ip/<<input.ip>>", method: "get" },
 *   actionInputs: [{ name: "ip", type: "TEXT", required: true }],
 * });
 * ```
 */
export class TinesPrivateTemplate extends pulumi.dynamic.Resource {
  /** The template's name. */
  declare readonly name: pulumi.Output<string>;
  /** The vendor. */
  declare readonly vendor: pulumi.Output<string>;
  /** The product. */
  declare readonly product: pulumi.Output<string>;
  /** The action type. */
  declare readonly agentType: pulumi.Output<TinesAgentType>;
  /** The action's options. */
  declare readonly agentOptions: pulumi.Output<Record<string, unknown>>;
  /** The description. */
  declare readonly description: pulumi.Output<string>;
  /** The owning team, or null for none. */
  declare readonly teamId: pulumi.Output<number | null>;
  /** The folder, or null for none. */
  declare readonly folderId: pulumi.Output<number | null>;
  /** Who can use the template. */
  declare readonly readAccess: pulumi.Output<TinesReadAccess>;
  /** Teams a SPECIFIC_TEAMS template is shared with. */
  declare readonly sharedTeamSlugs: pulumi.Output<string[]>;
  /** The action's inputs. */
  declare readonly actionInputs: pulumi.Output<TinesActionInputValue[]>;
  /** Whether an existing template with this name was allowed to be adopted. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The Tines template id (also the resource id). */
  declare readonly templateId: pulumi.Output<string>;
  /** The tenant the template lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The template's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesPrivateTemplateArgs, opts?: pulumi.CustomResourceOptions) {
    // Every declared output is registered, given or not (`description` resolves to "" when omitted).
    const props = {
      description: undefined,
      teamId: undefined,
      folderId: undefined,
      readAccess: undefined,
      sharedTeamSlugs: undefined,
      actionInputs: undefined,
      adoptExisting: undefined,
      templateId: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("PrivateTemplate", props), opts, tinesTypeModule, "PrivateTemplate");
  }
}
