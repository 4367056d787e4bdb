/**
 * zod schemas of the Tines responses this package reads (tines-api.md). Strict on what the code
 * relies on (ids, emails, flags), lenient where Tines' docs are vague: unknown fields are kept,
 * timestamps and optional fields may be null or missing. Each is created lazily by the module that
 * needs it; none is captured by a serialized provider.
 */
import { z } from "zod";

/** The roles every tenant has (the four that appear in documented payloads). */
export const tinesDefaultRoles = ["VIEWER", "EDITOR", "TEAM_ADMIN", "CASE_MANAGER"] as const;

/** One of the roles every tenant has. */
export type TinesDefaultRole = (typeof tinesDefaultRoles)[number];

/**
 * A team role's name: an editor completes Tines' own roles, and any custom role's name is
 * accepted too (`string & {}` keeps the literals from collapsing into `string`).
 */
export type TinesRoleName = TinesDefaultRole | (string & {});

/** The documented `agent_type` values of a template. */
export const tinesAgentTypes = [
  "Agents::EmailAgent",
  "Agents::EventTransformationAgent",
  "Agents::HTTPRequestAgent",
  "Agents::IMAPAgent",
  "Agents::LLMAgent",
  "Agents::TriggerAgent",
  "Agents::WebhookAgent",
  "Agents::SendToStoryAgent",
] as const;

/** The documented types of a template's action input. */
export const tinesActionInputTypes = ["TEXT", "NUMBER", "BOOLEAN", "DATE", "OBJECT", "OPTION", "CODE", "CREDENTIAL"] as const;

/** The tenant permissions Tines documents; the list grows, so others are allowed (with a warning in preview checks). */
export const tinesKnownTenantPermissions = ["AUDIT_LOG_READ", "TUNNEL_MANAGE", "FEATURE_FLAG_MANAGE", "API_KEY_CREATE"] as const;

/**
 * A team's slug as derived from its name (lower case, runs of other characters as `-`). Tines'
 * docs show slugs (`shared_team_slugs`) but not how they are made, so this is a guess, used only
 * when a team object carries no `slug` of its own.
 */
export function teamSlugFromName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * What Tines may hold as an email: text, then `@`, then a domain, with no whitespace. Deliberately
 * looser than a mail library's rules: tines-api.md documents no email rule of Tines', and a check
 * stricter than Tines refuses users it holds (`r&d-team@example.com`, valid by RFC 5321 and
 * refused by zod's `z.email()`; `admin@localhost`, a one-label domain). The provider's check, the
 * audit log's matching and the simulator share it.
 */
export const tinesEmailShape = /^[^\s@]+(?:@[^\s@]+)*@[^\s@]+$/;

/** The documented `read_access` values of a template. */
export const tinesReadAccessValues = ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"] as const;

const timestamp = z.string().nullable().optional();

/** A tenant user, as `GET /admin/users/{id}` returns it. */
export const tinesUserSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  admin: z.boolean(),
  tenant_permissions: z.array(z.string()).nullable().optional(),
  is_active: z.boolean(),
  scim_uid: z.string().nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  last_seen: timestamp,
  /** Present with `include=team_memberships`. */
  team_memberships: z
    .array(z.looseObject({ team_id: z.number().int(), team_name: z.string().nullable().optional(), role: z.string() }))
    .optional(),
});
/** A tenant user. */
export type TinesUserObject = z.output<typeof tinesUserSchema>;

/** A team, as `GET /teams/{id}` returns it. */
export const tinesTeamSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  /** Not in the documented samples; used when present. */
  slug: z.string().optional(),
  groups: z.array(z.looseObject({ id: z.number().int(), name: z.string() })).nullable().optional(),
});
/** A team. */
export type TinesTeamObject = z.output<typeof tinesTeamSchema>;

/** A team member: `id` is the user's id and `is_admin` the tenant-owner flag. */
export const tinesTeamMemberSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  is_admin: z.boolean().nullable().optional(),
  created_at: timestamp,
  last_seen: timestamp,
  invitation_accepted: z.boolean().nullable().optional(),
  role: z.string(),
});
/** A team member. */
export type TinesTeamMemberObject = z.output<typeof tinesTeamMemberSchema>;

/** One input of a private template's action. */
export const tinesActionInputSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  required: z.boolean().nullable().optional(),
  description: z.string().nullable().optional(),
  default_value: z.unknown().optional(),
  data: z.record(z.string(), z.unknown()).nullable().optional(),
});
/** One input of a private template's action. */
export type TinesActionInputObject = z.output<typeof tinesActionInputSchema>;

/**
 * A private template. Its id is a string in every documented sample while user and team ids are
 * integers; a number is accepted too and turned into a string, since the docs leave it open.
 */
export const tinesTemplateSchema = z.looseObject({
  id: z.union([z.string(), z.number().int()]).transform(String),
  name: z.string(),
  description: z.string().nullable().optional(),
  vendor: z.string().nullable().optional(),
  product: z.string().nullable().optional(),
  agent_type: z.string(),
  agent_options: z.record(z.string(), z.unknown()).nullable().optional(),
  team_id: z.number().int().nullable().optional(),
  folder_id: z.number().int().nullable().optional(),
  read_access: z.string().nullable().optional(),
  shared_team_slugs: z.array(z.string()).nullable().optional(),
  action_inputs: z.array(tinesActionInputSchema).nullable().optional(),
});
/** A private template. */
export type TinesTemplateObject = z.output<typeof tinesTemplateSchema>;

/**
 * A role from `/admin/roles` (tines-api.md, "Roles"): a default role's `id` is its name, a custom
 * role's a numeric string (a number is accepted and turned into a string). `updated_at` is null for
 * default roles; fields older answers lack are optional.
 */
export const tinesRoleSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  name: z.string(),
  type: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  permissions: z.array(z.string()).nullable().optional(),
  builder: z.boolean().nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
/** A role. */
export type TinesRoleObject = z.output<typeof tinesRoleSchema>;

/** A team's resend-invitation answer: the member, without `role` (tines-api.md). */
export const tinesInvitedMemberSchema = tinesTeamMemberSchema.extend({ role: z.string().optional() });
/** A team's resend-invitation answer. */
export type TinesInvitedMemberObject = z.output<typeof tinesInvitedMemberSchema>;

/** A story, as `GET /stories` lists it; only its id is relied on. */
export const tinesStorySchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) });

/** A sign-in activity of a user. */
export const tinesSignInActivitySchema = z.looseObject({
  id: z.number().int(),
  user_id: z.number().int().nullable().optional(),
  ip: z.string().nullable().optional(),
  user_agent: z.string().nullable().optional(),
  created_at: timestamp,
});
/** A sign-in activity of a user. */
export type TinesSignInActivityObject = z.output<typeof tinesSignInActivitySchema>;

/**
 * The `meta` of a list answer. `next_page_number` is missing on older pages; then `pages` tells
 * when to stop (tines-api.md, "Pagination").
 */
export const tinesPageMetaSchema = z.looseObject({
  current_page: z.string().nullable().optional(),
  previous_page: z.string().nullable().optional(),
  next_page: z.string().nullable().optional(),
  next_page_number: z.number().int().nullable().optional(),
  per_page: z.number().int().nullable().optional(),
  pages: z.number().int().nullable().optional(),
  count: z.number().int().nullable().optional(),
});
/** The `meta` of a list answer. */
export type TinesPageMeta = z.output<typeof tinesPageMetaSchema>;

/** The answer of `POST /teams/{id}/remove_member`. */
export const removedMemberSchema = z.looseObject({ deleted_id: z.number().int() });

/** One line of the SCIM user group mapping: an identity-provider group → a team (by name) and a role. */
export const tinesScimGroupMappingLineSchema = z.looseObject({
  group_name: z.string(),
  team_name: z.string(),
  role_name: z.string(),
});
/** One line of the SCIM user group mapping. */
export type TinesScimGroupMappingLineObject = z.output<typeof tinesScimGroupMappingLineSchema>;

/**
 * The SCIM user group mapping as `GET` and `POST /admin/scim_user_group_mapping` answer it
 * (tines-api.md, "SCIM"), read in every shape the docs show: `{"mappings": [...]}`, the same
 * wrapped in `{"user_group_mapping": {...}}`, and a single object where the list goes (read as a
 * one-line list). `tenant_owners_group` is undefined when the answer does not carry it, which the
 * docs leave open: undefined says "not reported", never "unset" (that is null).
 */
export const tinesScimGroupMappingSchema = z
  .union([
    z.looseObject({ user_group_mapping: z.looseObject({}) }).transform((body) => body.user_group_mapping),
    z.looseObject({}),
  ])
  .pipe(
    z.looseObject({
      mappings: z
        .union([z.array(tinesScimGroupMappingLineSchema), tinesScimGroupMappingLineSchema.transform((line) => [line])])
        // Required: an answer without it is not a mapping (an empty one would be read as "none").
        .nullable()
        .transform((lines) => lines ?? []),
      tenant_owners_group: z.string().nullable().optional(),
    }),
  );
/** The SCIM user group mapping. */
export type TinesScimGroupMappingObject = z.output<typeof tinesScimGroupMappingSchema>;

/**
 * An id in an audit-log entry: an integer, or its digits as text (Tines writes some ids as strings,
 * a template's for one, and what the audit log does is not documented).
 */
const auditId = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/**
 * One audit-log entry (tines-api.md, Audit logs; Tines' list page and its Go SDK). `inputs` and
 * `outputs` are free JSON whose content for user, team and template operations is not documented,
 * and the operation names are only partly known: both are kept as they come. Only `id` is required
 * (entries are told apart by it); every other field that is missing, null or of another type is read
 * as unknown, so one odd entry never makes the whole list unreadable.
 */
export const tinesAuditLogEntrySchema = z.looseObject({
  id: auditId,
  /** ISO 8601, in whole seconds in every sample; "" when the entry has none (kept: an audit must not lose an entry). */
  created_at: z.string().nullable().optional().catch(null).transform((time) => time ?? ""),
  updated_at: timestamp.catch(null),
  /** "" when the entry has none: an operation name is only ever a hint. */
  operation_name: z.string().nullable().optional().catch(null).transform((name) => name ?? ""),
  inputs: z.unknown().optional(),
  outputs: z.unknown().optional(),
  request_ip: z.string().nullable().optional().catch(null),
  request_user_agent: z.string().nullable().optional().catch(null),
  tenant_id: auditId.nullable().optional().catch(null),
  user_id: auditId.nullable().optional().catch(null),
  user_email: z.string().nullable().optional().catch(null),
  user_name: z.string().nullable().optional().catch(null),
  story_id: auditId.nullable().optional().catch(null),
});
/** One audit-log entry. */
export type TinesAuditLogEntryObject = z.output<typeof tinesAuditLogEntrySchema>;
