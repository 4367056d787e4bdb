/**
 * `TinesUser`: a tenant user (`/api/v1/admin/users`). Needs a tenant-owner API key.
 *
 * Reads top to bottom as the engine uses it: inputs, outputs, check, diff, create, read, update,
 * delete, then the resource class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, tinesKnownTenantPermissions, type CreateTinesUserRequest, type TinesUserObject } from "../client";
import {
  changedProperties,
  checkInputs,
  containsUnknown,
  emailAddress,
  flag,
  optionalText,
  requiredText,
} from "../provider/inputs";
import { sharedDirectoryFor } from "../provider/directory";
import { createReconciled } from "../provider/reconcile";
import type { TenantCheckFindings, TenantFacts } from "../provider/tenantChecks";
import { registrationPlaceholder, tinesTypeModule, withProviderStub } from "../provider/registration";
import {
  PartialCreateError,
  assertSameTenant,
  tenantChanged,
  unlessGone,
  type ProviderContext,
  type ResourceImplementation,
  type TenantOutputs,
} from "../provider/runtime";

// Inputs -------------------------------------------------------------------------------------------

/** The inputs of a {@link TinesUser}. */
export interface TinesUserArgs {
  /** The user's email address; unique in the tenant. Changing it updates the user in place. */
  email: pulumi.Input<string>;
  /** First name. Left as Tines has it when not given. */
  firstName?: pulumi.Input<string>;
  /** Last name. Left as Tines has it when not given. */
  lastName?: pulumi.Input<string>;
  /** Tenant owner. Default false. */
  admin?: pulumi.Input<boolean>;
  /** Tenant permissions such as `AUDIT_LOG_READ`, `TUNNEL_MANAGE`, `API_KEY_CREATE`. Default none. */
  tenantPermissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Whether the user may sign in. Default true; false deactivates the user (reversibly). */
  isActive?: pulumi.Input<boolean>;
  /**
   * What destroying the resource does: `"delete"` (default) deletes the user from Tines;
   * `"deactivate"` only sets `is_active: false`, which can be undone.
   */
  deletionMode?: pulumi.Input<"delete" | "deactivate">;
  /**
   * When a user with this email already exists, take it over (and bring it to these inputs) instead
   * of failing. The way to adopt existing users, since `pulumi import` cannot work with dynamic
   * resources. Default false.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesUserInputs {
  email: string;
  firstName?: string;
  lastName?: string;
  admin: boolean;
  tenantPermissions: string[];
  isActive: boolean;
  deletionMode: "delete" | "deactivate";
  adoptExisting: boolean;
}

// Outputs ------------------------------------------------------------------------------------------

/** What a {@link TinesUser} records: every input plus what Tines computes. */
export interface TinesUserOutputs extends TinesUserInputs, TenantOutputs {
  firstName: string;
  lastName: string;
  userId: number;
  scimUid: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  lastSeen: string | null;
}

const userInputsSchema = z.strictObject({
  email: emailAddress,
  firstName: optionalText(255),
  lastName: optionalText(255),
  admin: flag(false),
  tenantPermissions: z
    .array(requiredText(100), { error: "must be a list of permission names" })
    .max(100, "must hold at most 100 permissions")
    .default([])
    // Order carries no meaning in Tines: keep one canonical order so diffs show real changes only.
    .transform((permissions) => [...new Set(permissions)].sort()),
  isActive: flag(true),
  deletionMode: z.enum(["delete", "deactivate"], { error: 'must be "delete" or "deactivate"' }).default("delete"),
  adoptExisting: flag(false),
});

/** Inputs that change the user in Tines; the others only change what the provider does. */
const updatableProperties = ["email", "firstName", "lastName", "admin", "tenantPermissions", "isActive"] as const;
const inputProperties = [...updatableProperties, "deletionMode", "adoptExisting"] as const;

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(userInputsSchema, news);
}

/** Why a new user cannot be created: the same words in a preview check and in a failed create. */
function emailTakenReason(email: string, tenant: string, userId: number): string {
  return `a Tines user with the email ${email} already exists in ${tenant} (user id ${userId}); set adoptExisting: true to manage that user`;
}

/** With preview checks on: a new user's email must be free (unless adopting); unknown permissions are flagged. */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, facts: TenantFacts): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesUserInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (isNew && !containsUnknown(inputs.email)) {
    const existing = await facts.userByEmail(inputs.email);
    if (existing && inputs.adoptExisting === true) {
      findings.warnings.push(`user ${inputs.email} already exists in ${facts.tenantUrl} (user id ${existing.id}): it will be adopted and brought to the declared inputs`);
    } else if (existing && inputs.adoptExisting === false) {
      findings.failures.push({
        property: "email",
        reason: emailTakenReason(inputs.email, facts.tenantUrl, existing.id),
      });
    } else if (!existing) {
      findings.warnings.push(`creating user ${inputs.email} makes Tines email them an invitation`);
    }
  }
  if (!containsUnknown(inputs.tenantPermissions)) {
    const known: readonly string[] = tinesKnownTenantPermissions;
    for (const permission of inputs.tenantPermissions.filter((each) => !known.includes(each))) {
      findings.warnings.push(
        `tenantPermissions of ${inputs.email}: ${permission} is not one of the permissions Tines documents (${known.join(", ")}); Tines may refuse it`,
      );
    }
  }
  return findings;
}

// Diff ---------------------------------------------------------------------------------------------

/** The properties among `keys` to compare: an omitted name is left as Tines has it, so only a declared one can differ. */
function declaredProperties(news: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => !((key === "firstName" || key === "lastName") && news[key] === undefined));
}

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"] };
  const changed = changedProperties(olds, news, declaredProperties(news, inputProperties));
  return { changes: changed.length > 0, replaces: [] };
}

// Create -------------------------------------------------------------------------------------------

/** How long before our create a user found afterwards may have been created and still be ours. */
const clockSkewAllowanceMs = 5 * 60_000;

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesUserInputs;
  const client = context.client();
  const tenant = context.tenantUrl();
  const body = requestBody(inputs);

  if (inputs.adoptExisting) {
    // One shared read of the directory per deployment, not a page walk per adopted user.
    const existing = await sharedDirectoryFor(client).findByEmail(inputs.email);
    if (existing) {
      // A user who already matches is adopted without a write: taking over a tenant changes nothing in it.
      const current = outputsOf(existing, inputs, tenant);
      if (!differsFromDeclared(current, inputs)) return { id: String(existing.id), outs: current as unknown as Record<string, unknown> };
      try {
        return finish(await client.users.update(existing.id, body), inputs, tenant);
      } catch (error) {
        throw new PartialCreateError(String(existing.id), outputsOf(existing, inputs, tenant), error as Error);
      }
    }
  }

  const startedAt = Date.now();
  let user: TinesUserObject;
  try {
    user = await createReconciled(
      () => client.users.create(body),
      async () => {
        // A user with this email created around our attempt is the one our lost request made.
        const found = await client.users.findByEmail(inputs.email);
        const createdAt = found?.created_at ? Date.parse(found.created_at) : Number.NaN;
        return found && !(createdAt < startedAt - clockSkewAllowanceMs) ? found : undefined;
      },
    );
  } catch (error) {
    if (error instanceof TinesApiError && error.isConflictOrValidation) {
      const existing = await client.users.findByEmail(inputs.email);
      if (existing) {
        throw new TinesError(`email: ${emailTakenReason(inputs.email, tenant, existing.id)}`);
      }
    }
    throw error;
  }
  const outputs = outputsOf(user, inputs, tenant);
  // A reconciled create may have found the user made by a request whose answer was lost; make
  // sure it carries every declared field.
  if (changedProperties(outputs, { ...outputs, ...declared(inputs) }, updatableProperties).length > 0) {
    try {
      return finish(await client.users.update(user.id, body), inputs, tenant);
    } catch (error) {
      throw new PartialCreateError(String(user.id), outputs, error as Error);
    }
  }
  return { id: String(user.id), outs: outputs as unknown as Record<string, unknown> };
}

function finish(user: TinesUserObject, inputs: TinesUserInputs, tenant: string) {
  return { id: String(user.id), outs: outputsOf(user, inputs, tenant) as unknown as Record<string, unknown> };
}

/** The request body of a create or full update: `admin` and `is_active` always explicit. */
function requestBody(inputs: TinesUserInputs): CreateTinesUserRequest & { admin: boolean; is_active: boolean } {
  return {
    email: inputs.email,
    ...(inputs.firstName === undefined ? {} : { first_name: inputs.firstName }),
    ...(inputs.lastName === undefined ? {} : { last_name: inputs.lastName }),
    admin: inputs.admin,
    tenant_permissions: inputs.tenantPermissions,
    is_active: inputs.isActive,
  };
}

/** Whether what Tines holds differs from what is declared. */
function differsFromDeclared(outputs: TinesUserOutputs, inputs: TinesUserInputs): boolean {
  return changedProperties(outputs, { ...outputs, ...declared(inputs) }, updatableProperties).length > 0;
}

/** The inputs the user declared (an omitted name is not declared). */
function declared(inputs: TinesUserInputs): Partial<TinesUserInputs> {
  return Object.fromEntries(Object.entries(inputs).filter(([, value]) => value !== undefined));
}

function outputsOf(user: TinesUserObject, inputs: Pick<TinesUserInputs, "deletionMode" | "adoptExisting">, tenant: string): TinesUserOutputs {
  return {
    email: user.email,
    firstName: user.first_name ?? "",
    lastName: user.last_name ?? "",
    admin: user.admin,
    tenantPermissions: [...(user.tenant_permissions ?? [])].sort(),
    isActive: user.is_active,
    deletionMode: inputs.deletionMode,
    adoptExisting: inputs.adoptExisting,
    userId: user.id,
    scimUid: user.scim_uid ?? null,
    createdAt: user.created_at ?? null,
    updatedAt: user.updated_at ?? null,
    lastSeen: user.last_seen ?? null,
    tenant,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `User ${id}`);
  const user = await unlessGone(context.client().users.get(Number(id)));
  if (user === undefined) return undefined;
  const olds = props as Partial<TinesUserOutputs>;
  const outputs = outputsOf(
    user,
    { deletionMode: olds.deletionMode ?? "delete", adoptExisting: olds.adoptExisting ?? false },
    context.tenantUrl(),
  );
  // The inputs that would produce these outputs, so a refresh shows only real drift.
  const inputs = Object.fromEntries(
    inputProperties.filter((key) => props[key] !== undefined).map((key) => [key, outputs[key]]),
  );
  return { id: String(user.id), props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `User ${id}`);
  const inputs = news as unknown as TinesUserInputs;
  const changed = changedProperties(olds, news, declaredProperties(news, updatableProperties));
  if (changed.length === 0) {
    // Only deletionMode or adoptExisting changed: nothing to tell Tines.
    return { ...olds, deletionMode: inputs.deletionMode, adoptExisting: inputs.adoptExisting };
  }
  const user = await context.client().users.update(Number(id), requestBody(inputs));
  return outputsOf(user, inputs, context.tenantUrl()) as unknown as Record<string, unknown>;
}

// Delete -------------------------------------------------------------------------------------------

async function deleteUser(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `User ${id}`);
  const client = context.client();
  if (props.deletionMode === "deactivate") {
    await unlessGone(client.users.update(Number(id), { admin: props.admin === true, is_active: false }));
  } else {
    // Tines deletes asynchronously: the user is deactivated at once and removed shortly after.
    await unlessGone(client.users.delete(Number(id)));
  }
}

/** The engine-facing behaviour of {@link TinesUser}. */
export const tinesUserImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteUser,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * A user of a Tines tenant. Creating one makes Tines email them an invitation. Needs a
 * tenant-owner API key (`tines:apiKey`).
 *
 * @example
 * ```ts
 * const ada = new TinesUser("ada", { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace" });
 * ```
 */
export class TinesUser extends pulumi.dynamic.Resource {
  /** The email address. */
  declare readonly email: pulumi.Output<string>;
  /** First name as Tines has it. */
  declare readonly firstName: pulumi.Output<string>;
  /** Last name as Tines has it. */
  declare readonly lastName: pulumi.Output<string>;
  /** Tenant owner. */
  declare readonly admin: pulumi.Output<boolean>;
  /** Tenant permissions, sorted. */
  declare readonly tenantPermissions: pulumi.Output<string[]>;
  /** Whether the user may sign in. */
  declare readonly isActive: pulumi.Output<boolean>;
  /** What destroying the resource does. */
  declare readonly deletionMode: pulumi.Output<"delete" | "deactivate">;
  /** Whether an existing user with this email was allowed to be adopted. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The Tines user id (the resource id is the same number as a string). */
  declare readonly userId: pulumi.Output<number>;
  /** The SCIM id, when the user is provisioned through SCIM. */
  declare readonly scimUid: pulumi.Output<string | null>;
  /** When Tines created the user. */
  declare readonly createdAt: pulumi.Output<string | null>;
  /** When Tines last changed the user. */
  declare readonly updatedAt: pulumi.Output<string | null>;
  /** When the user was last seen; null until they sign in. */
  declare readonly lastSeen: pulumi.Output<string | null>;
  /** The tenant the user lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The user's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesUserArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      firstName: undefined,
      lastName: undefined,
      userId: undefined,
      scimUid: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      lastSeen: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("User", props), opts, tinesTypeModule, "User");
  }
}
