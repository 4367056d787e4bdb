/**
 * The declaration of `TinesPrivateTemplate`: a private action template of the tenant
 * (`/api/v1/admin/templates`, tenant-owner key). Every input changes in place: Tines' `PUT` takes
 * all but the team, and a new team goes through the move endpoint, "the only way to change
 * `team_id`" (tines-api.md, "Private templates").
 */
import { z } from "zod";
import { tinesActionInputTypes as actionInputTypes, tinesAgentTypes as agentTypes, tinesReadAccessValues as readAccessValues } from "../../client";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { flag, optionalText, positiveIntegerId, reportDuplicates, requiredText } from "../../provider/inputs";
import { comparableText } from "../../provider/names";

/** The documented `agent_type` values of a template. */
export type TinesAgentType = (typeof agentTypes)[number];
/** The documented types of an action input. */
export type TinesActionInputType = (typeof actionInputTypes)[number];
/** Who can use a template. */
export type TinesReadAccess = (typeof readAccessValues)[number];

const jsonObject = z.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
  error: "must be a JSON object",
});

/** The properties of one action input: each a zod schema, with the TSDoc users read. */
export const tinesActionInputFields = {
  /** The input's name, unique in the template. */
  name: requiredText,
  /** `TEXT`, `NUMBER`, `BOOLEAN`, `DATE`, `OBJECT`, `OPTION`, `CODE` or `CREDENTIAL`. */
  type: z.enum(actionInputTypes, { error: `must be one of ${actionInputTypes.join(", ")}` }),
  /** Whether a value must be given; must be true for a `CREDENTIAL` input. */
  required: flag(false),
  /** Help text. */
  description: optionalText,
  /** The value used when none is given. */
  defaultValue: z.unknown().optional(),
  /** Type-specific settings: `json_schema` for OBJECT; `options`, `multi_select_enabled` for OPTION; `code_language` for CODE. */
  data: jsonObject.optional(),
};

/** One input of the template's action, shown to whoever uses the template. */
export type TinesActionInput = ArgsOf<typeof tinesActionInputFields>;
/** One action input after validation. */
export type TinesActionInputValue = InputsOf<typeof tinesActionInputFields>;

/** Types whose inputs take `data`, and the documented keys of each. */
const dataKeysByType: Partial<Record<TinesActionInputType, string[]>> = {
  OBJECT: ["json_schema"],
  OPTION: ["options", "multi_select_enabled"],
  CODE: ["code_language"],
};

const actionInputList = z
  .array(z.strictObject(tinesActionInputFields), { error: "must be a list of action inputs" })
  .default([])
  .superRefine((inputs, context) => {
    const credentials = inputs.flatMap((input, index) => (input.type === "CREDENTIAL" ? [index] : []));
    for (const index of credentials) {
      if (!inputs[index]!.required) context.addIssue({ code: "custom", path: [index, "required"], message: "must be true for a CREDENTIAL input" });
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
        context.addIssue({ code: "custom", path: [index, "data"], message: `is only used by OBJECT, OPTION and CODE inputs, not ${input.type}` });
      }
    });
  });

/** The inputs of a {@link TinesPrivateTemplate}: each a zod schema that `check` applies, with the TSDoc users read. */
export const tinesPrivateTemplateInputs = {
  /** The template's name, sent as given (no length limit: Tines documents none, as for every text here). */
  name: requiredText,
  /** The vendor the action talks to, e.g. `"VirusTotal"`. */
  vendor: requiredText,
  /** The vendor's product, e.g. `"Intelligence"`. */
  product: requiredText,
  /** The action type, e.g. `"Agents::HTTPRequestAgent"`. */
  agentType: z.enum(agentTypes, { error: `must be one of ${agentTypes.join(", ")}` }),
  /** The action's options, a JSON object (for an HTTP request: url, method, payload...); its text is compared exactly. */
  agentOptions: jsonObject,
  /**
   * What the template does.
   *
   * @defaultValue `""`
   */
  description: optionalText.default(""),
  /**
   * The team that owns the template; without it, Tines' choice stands. Changing it moves the
   * template (in place), which Tines answers by resetting access to team-only: the declared
   * `readAccess` is sent again right after.
   */
  teamId: positiveIntegerId.optional(),
  /** The template folder it sits in (a folder of the template's team); without it, Tines' choice stands. */
  folderId: positiveIntegerId.optional(),
  /**
   * `TEAM`, `GLOBAL` or `SPECIFIC_TEAMS` (premium; needs `sharedTeamSlugs`). Default: Tines' own,
   * `TEAM` with a `teamId`, `GLOBAL` without.
   */
  readAccess: z.enum(readAccessValues, { error: `must be one of ${readAccessValues.join(", ")}` }).optional(),
  /**
   * Slugs of the teams a `SPECIFIC_TEAMS` template is shared with (none twice).
   *
   * @defaultValue `[]`
   */
  sharedTeamSlugs: z.array(requiredText, { error: "must be a list of team slugs" }).default([]).superRefine(reportDuplicates("sharedTeamSlugs")),
  /**
   * The inputs of the template's action (one `CREDENTIAL` at most); the list is replaced as a whole on update.
   *
   * @defaultValue `[]`
   */
  actionInputs: actionInputList,
  /**
   * When the team (or, without `teamId`, the tenant) already has a template with this name, take it
   * over (and bring it to these inputs) instead of creating another. Two such templates fail the
   * create, naming both ids.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
};

/** What a {@link TinesPrivateTemplate} records besides its inputs and `tenant`. */
export const tinesPrivateTemplateOutputs = {
  /** The Tines template id (also the resource id); a string, as Tines gives it. */
  templateId: z.string(),
  /** The owning team, or null for none. */
  teamId: z.number().nullable(),
  /** The folder, or null for none. */
  folderId: z.number().nullable(),
  /** Who can use the template, as Tines holds it. */
  readAccess: z.enum(readAccessValues),
};

/** The inputs of a {@link TinesPrivateTemplate}. */
export type TinesPrivateTemplateArgs = ArgsOf<typeof tinesPrivateTemplateInputs>;
/** The validated inputs of a {@link TinesPrivateTemplate}, as `check` returns them. */
export type TinesPrivateTemplateInputs = InputsOf<typeof tinesPrivateTemplateInputs>;
/** What a {@link TinesPrivateTemplate} records: every input plus what Tines computes. */
export type TinesPrivateTemplateOutputs = OutputsOf<typeof tinesPrivateTemplateInputs, typeof tinesPrivateTemplateOutputs>;

/** The definition of {@link TinesPrivateTemplate}. */
export const tinesPrivateTemplateDefinition = defineResource({
  kind: "PrivateTemplate",
  className: "TinesPrivateTemplate",
  subject: "Private template",
  inputs: tinesPrivateTemplateInputs,
  outputs: tinesPrivateTemplateOutputs,
  replaceOnChanges: [],
  providerInputs: ["adoptExisting"],
  comparisons: {
    // Without a declared team or folder, Tines' choice stands: only a declared one can differ.
    teamId: { whenOmitted: "keep" },
    folderId: { whenOmitted: "keep" },
    // JSON Tines stores as given: a trailing newline in a payload is part of it (provider/names.ts).
    agentOptions: { exactText: true },
  },
  crossField(values, unknownKeys) {
    if (unknownKeys.has("readAccess") || unknownKeys.has("sharedTeamSlugs")) return [];
    const shared = (values.sharedTeamSlugs ?? []).length > 0;
    if (values.readAccess === "SPECIFIC_TEAMS" && !shared) {
      return [{ property: "sharedTeamSlugs", reason: "must name at least one team when readAccess is SPECIFIC_TEAMS" }];
    }
    if (values.readAccess !== "SPECIFIC_TEAMS" && shared) return [{ property: "sharedTeamSlugs", reason: "is only used when readAccess is SPECIFIC_TEAMS" }];
    return [];
  },
  // Tines' default (tines-api.md, create): team-only access for a team's template, global otherwise.
  derivedDefaults: (inputs) => ({ readAccess: inputs.teamId !== undefined ? ("TEAM" as const) : ("GLOBAL" as const) }),
  // Nothing names a template, so its place only breaks ties: after the memberships, before the users and teams.
  // The natural key adoption uses (lifecycle.ts, findTemplateToAdopt): the name within the team, or
  // among templates without a team.
  identity: (inputs) => ({
    key: JSON.stringify([inputs.teamId ?? null, comparableText(inputs.name)]),
    property: "name",
    label: `the private template "${inputs.name}" ${inputs.teamId === undefined ? "without a team" : `of team ${inputs.teamId}`}`,
  }),
  deletionTier: 2,
  audited: (id, recorded) => [auditedObject("template", [id, recorded.templateId], [], recorded.name)],
  sample: {
    create: { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} },
    update: { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, description: "Changed" },
  },
});
