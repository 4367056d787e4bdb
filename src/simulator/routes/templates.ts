/**
 * `admin/templates` in the simulator (tines-api.md, "Private templates").
 */
import { z } from "zod";
import {
  tinesActionInputTypes as actionInputTypes,
  tinesAgentTypes as agentTypes,
  tinesReadAccessValues as readAccessValues,
} from "../../client/schemas";
import type { TenantState } from "../tenantState";
import { paginated, parseBody, storedNames, templatesErrorShape, type Route } from "./common";

/** The names a template's write stores trimmed, with `trimNames`. */
const templateNames = ["name", "vendor", "product"] as const;

const actionInputBody = z
  .object({
    name: z.string().min(1),
    type: z.enum(actionInputTypes),
    required: z.boolean().optional(),
    description: z.string().optional(),
    default_value: z.unknown().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((input) => input.type !== "CREDENTIAL" || input.required === true, {
    message: "must be required for a CREDENTIAL input",
    path: ["required"],
  });

const templateFields = {
  name: z.string().min(1),
  description: z.string(),
  vendor: z.string(),
  product: z.string(),
  agent_type: z.enum(agentTypes),
  agent_options: z.record(z.string(), z.unknown()),
  folder_id: z.number().int().nullable().optional(),
  read_access: z.enum(readAccessValues).optional(),
  shared_team_slugs: z.array(z.string()).optional(),
  action_inputs: z
    .array(actionInputBody)
    .refine((inputs) => inputs.filter((input) => input.type === "CREDENTIAL").length <= 1, {
      message: "may hold at most one CREDENTIAL input",
    })
    .optional(),
};


/** Request bodies, built once (zod compiles a schema on its first use). */
const requestBodies = {
  createTemplate: z.object({ ...templateFields, team_id: z.number().int().positive().optional() }),
  updateTemplate: z.object(templateFields).partial(),
  moveTemplate: z.object({ team_id: z.number().int().positive(), folder_id: z.number().int().nullable().optional() }),
};

/** The routes of `admin/templates`. */
export function templateRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/templates$/,
      admin: true,
      handle: ({ url, query }) => {
        const folder = query.get("folder_id");
        return paginated(
          url,
          baseUrl(),
          "admin/templates",
          state.listTemplates(query.get("search") ?? undefined, folder === null ? undefined : Number(folder)).map((template) => state.templateView(template)),
        );
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/templates$/,
      admin: true,
      audit: { operation: "TemplateCreation" },
      handle: ({ body }) => {
        const fields = storedNames(state, parseBody(requestBodies.createTemplate, body, templatesErrorShape), templateNames);
        return { status: 201, body: state.templateView(state.createTemplate(fields)) };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/templates\/([^/]+)$/,
      admin: true,
      handle: ({ params }) => ({ status: 200, body: state.templateView(state.visibleTemplate(params[0]!)) }),
    },
    {
      method: "PUT",
      pattern: /^\/api\/v1\/admin\/templates\/([^/]+)$/,
      admin: true,
      audit: { operation: "TemplateUpdate", ids: ["templateId"] },
      handle: ({ params, body }) => {
        // `team_id` is not updatable (a move is); like Rails' unpermitted parameters, it is ignored.
        const fields = storedNames(state, parseBody(requestBodies.updateTemplate, body, templatesErrorShape), templateNames);
        state.updateTemplate(params[0]!, fields);
        // Older docs say an update answers just `true`.
        return { status: 200, body: true };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/templates\/([^/]+)\/move$/,
      admin: true,
      // The operation's name is the simulator's guess (tines-api.md lists no name for it).
      audit: { operation: "TemplateMove", ids: ["templateId"] },
      handle: ({ params, body }) => {
        const fields = parseBody(requestBodies.moveTemplate, body, templatesErrorShape);
        return { status: 200, body: state.templateView(state.moveTemplate(params[0]!, fields.team_id, fields.folder_id)) };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/api\/v1\/admin\/templates\/([^/]+)$/,
      admin: true,
      audit: { operation: "TemplateDestruction", ids: ["templateId"] },
      handle: ({ params }) => {
        state.deleteTemplate(params[0]!);
        return { status: 204 };
      },
    },
  ];
}
