/**
 * The declaration of `TinesCustomRole`: a custom role of the tenant (`/api/v1/admin/roles`), which
 * memberships can name as their `role`. Custom roles are an Enterprise feature and a tenant holds
 * at most 25 (tines-api.md, "Roles"). Tines' update is a `PATCH` of the description and
 * permissions: the name cannot change, so a new name replaces the role.
 */
import { z } from "zod";
import { tinesDefaultRoles } from "../../client";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { flag, optionalText, requiredText } from "../../provider/inputs";
import { comparableText, sameText } from "../../provider/names";

/** The inputs of a {@link TinesCustomRole}: each a zod schema that `check` applies, with the TSDoc users read. */
export const tinesCustomRoleInputs = {
  /**
   * The role's name, e.g. `DETECTION_REVIEWER`; not one of Tines' own roles (VIEWER, EDITOR,
   * TEAM_ADMIN, CASE_MANAGER), in any letter case; sent as given (no length limit: Tines documents
   * none). Tines cannot rename a role: a new name replaces it.
   */
  name: requiredText.refine((name) => !tinesDefaultRoles.some((role) => sameText(role, name, { ignoreCase: true })), {
    message: `is one of Tines' own roles (${tinesDefaultRoles.join(", ")}), which every tenant has; choose another name`,
  }),
  /**
   * What the role is for, sent as given (no length limit: Tines documents none).
   *
   * @defaultValue `""`
   */
  description: optionalText.default(""),
  /** The permissions the role grants, e.g. `["STORY_READ"]`: at least one; order and repeats carry no meaning. */
  permissions: z
    .array(requiredText, { error: "must be a list of permission names" })
    .min(1, "must hold at least one permission")
    // Order carries no meaning in Tines: one canonical order, so diffs show real changes only.
    .transform((permissions) => [...new Set(permissions)].sort()),
  /**
   * When a custom role with this name already exists, take it over (and bring it to these inputs)
   * instead of failing: the way to adopt a role, since `pulumi import` cannot work with dynamic
   * resources.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
};

/** What a {@link TinesCustomRole} records besides its inputs and `tenant`. */
export const tinesCustomRoleOutputs = {
  /** The Tines role id (the resource id). */
  roleId: z.string(),
  /** Whether the role can edit stories, as Tines derives it from the permissions. */
  builder: z.boolean(),
  /** When Tines created the role (ISO 8601), if it says. */
  createdAt: z.string().nullable(),
  /** When Tines last changed the role (ISO 8601), if it says. */
  updatedAt: z.string().nullable(),
};

/** The inputs of a {@link TinesCustomRole}. */
export type TinesCustomRoleArgs = ArgsOf<typeof tinesCustomRoleInputs>;
/** The validated inputs of a {@link TinesCustomRole}, as `check` returns them. */
export type TinesCustomRoleInputs = InputsOf<typeof tinesCustomRoleInputs>;
/** What a {@link TinesCustomRole} records: every input plus what Tines computes. */
export type TinesCustomRoleOutputs = OutputsOf<typeof tinesCustomRoleInputs, typeof tinesCustomRoleOutputs>;

/** The definition of {@link TinesCustomRole}. */
export const tinesCustomRoleDefinition = defineResource({
  kind: "CustomRole",
  className: "TinesCustomRole",
  subject: "Custom role",
  inputs: tinesCustomRoleInputs,
  outputs: tinesCustomRoleOutputs,
  replaceOnChanges: ["name"],
  providerInputs: ["adoptExisting"],
  comparisons: {
    // A role is looked up (and adopted) by name without letter case: otherwise a role adopted as
    // "reviewer" for a declared "Reviewer" would be replaced by itself, and the replacement's delete
    // would delete it.
    name: { caseInsensitive: true },
  },
  // Adoption matches a role's name without regard to letter case or surrounding whitespace when no
  // exact match exists (lifecycle.ts, findCustomRole), so two such names can name one role.
  identity: (inputs) => ({ key: comparableText(inputs.name, { ignoreCase: true }), property: "name", label: `the custom role ${inputs.name}` }),
  // Teams (and the members that go with them) are deleted before the roles those members hold.
  deletionTier: 5,
  audited: (id, recorded) => [auditedObject("role", [id, recorded.roleId], [], recorded.name)],
  sample: {
    create: { name: "BENCH_ROLE", permissions: ["STORY_READ"] },
    update: { name: "BENCH_ROLE", permissions: ["STORY_READ"], description: "Changed" },
  },
});
