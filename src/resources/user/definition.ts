/**
 * The declaration of `TinesUser`: a user of the tenant (`/api/v1/admin/users`, tenant-owner key).
 * Every input changes in place: Tines' `PUT` takes them all, the email included (tines-api.md, "Users").
 */
import { z } from "zod";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { emailAddress, flag, optionalText, reportDuplicates, requiredText } from "../../provider/inputs";

/** The inputs of a {@link TinesUser}: each a zod schema that `check` applies, with the TSDoc users read. */
export const tinesUserInputs = {
  /** The user's email address; unique in the tenant (without regard to letter case). Changing it updates the user in place. */
  email: emailAddress,
  /** First name, sent as given (no length limit: Tines documents none). Left as Tines has it when not given. */
  firstName: optionalText,
  /** Last name, sent as given (no length limit: Tines documents none). Left as Tines has it when not given. */
  lastName: optionalText,
  /**
   * Whether the user is a tenant owner.
   *
   * @defaultValue `false`
   */
  admin: flag(false),
  /**
   * Tenant permissions such as `AUDIT_LOG_READ`, `TUNNEL_MANAGE`, `API_KEY_CREATE` (none twice);
   * order carries no meaning.
   *
   * @defaultValue `[]`
   */
  tenantPermissions: z
    .array(requiredText, { error: "must be a list of permission names" })
    .default([])
    // A permission listed twice is a slip in the program (two edits of one list), so it is named.
    .superRefine(reportDuplicates("tenantPermissions"))
    // Order carries no meaning in Tines: keep one canonical order so diffs show real changes only.
    .transform((permissions) => [...permissions].sort()),
  /**
   * Whether the user may sign in; `false` deactivates the user (reversibly).
   *
   * @defaultValue `true`
   */
  isActive: flag(true),
  /**
   * What destroying the resource does: `"delete"` deletes the user from Tines (Tines deactivates
   * them at once and removes them shortly after); `"deactivate"` only sets `is_active: false`, which
   * can be undone.
   *
   * @defaultValue `"delete"`
   */
  deletionMode: z.enum(["delete", "deactivate"], { error: 'must be "delete" or "deactivate"' }).default("delete"),
  /**
   * When a user with this email already exists, take it over (and bring it to these inputs) instead
   * of failing: the way to adopt existing users, since `pulumi import` cannot work with dynamic
   * resources.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
};

/** What a {@link TinesUser} records besides its inputs and `tenant`. */
export const tinesUserOutputs = {
  /** First name as Tines has it ("" when none). */
  firstName: z.string(),
  /** Last name as Tines has it ("" when none). */
  lastName: z.string(),
  /** The Tines user id (the resource id is the same number as a string). */
  userId: z.number(),
  /** The SCIM id, when the user is provisioned through SCIM. */
  scimUid: z.string().nullable(),
  /** When Tines created the user (ISO 8601). */
  createdAt: z.string().nullable(),
  /** When Tines last changed the user (ISO 8601). */
  updatedAt: z.string().nullable(),
  /** When the user was last seen; null until they sign in. */
  lastSeen: z.string().nullable(),
};

/** The inputs of a {@link TinesUser}. */
export type TinesUserArgs = ArgsOf<typeof tinesUserInputs>;
/** The validated inputs of a {@link TinesUser}, as `check` returns them. */
export type TinesUserInputs = InputsOf<typeof tinesUserInputs>;
/** What a {@link TinesUser} records: every input plus what Tines computes. */
export type TinesUserOutputs = OutputsOf<typeof tinesUserInputs, typeof tinesUserOutputs>;

/** The definition of {@link TinesUser}. */
export const tinesUserDefinition = defineResource({
  kind: "User",
  className: "TinesUser",
  subject: "User",
  inputs: tinesUserInputs,
  outputs: tinesUserOutputs,
  replaceOnChanges: [],
  providerInputs: ["deletionMode", "adoptExisting"],
  comparisons: {
    // Whether Tines stores emails as given or lower-cased is not documented (tines-api.md).
    email: { caseInsensitive: true },
    // An omitted name is left as Tines has it, so only a declared one can differ.
    firstName: { whenOmitted: "keep" },
    lastName: { whenOmitted: "keep" },
  },
  // A user is unique by email, without regard to letter case (tines-api.md, "Users").
  identity: (inputs) => ({ key: inputs.email.toLowerCase(), property: "email", label: `the user ${inputs.email}` }),
  // After the memberships and rosters that name the user.
  deletionTier: 3,
  audited: (id, recorded) => [auditedObject("user", [id, recorded.userId], [recorded.email])],
  sample: {
    create: { email: "bench.user@example.com" },
    update: { email: "bench.user@example.com", firstName: "Changed" },
  },
});
