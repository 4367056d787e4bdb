/**
 * `TinesUser`: a tenant user (`/api/v1/admin/users`). Needs a tenant-owner API key.
 *
 * Reads top to bottom as the engine uses it: inputs, outputs, check, diff, create, read, update,
 * delete, then the resource class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  TinesApiError,
  TinesError,
  tinesKnownTenantPermissions,
  type CreateTinesUserRequest,
  type TinesClient,
  type TinesUserObject,
} from "../client";
import {
  changedProperties,
  checkInputs,
  containsUnknown,
  emailAddress,
  flag,
  optionalText,
  reportDuplicates,
  requiredText,
  unappliedWrite,
  type Comparison,
} from "../provider/inputs";
import { deploymentFor, mayBePendingDeletion, waitForPendingDeletion } from "../deployment";
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
    // A permission listed twice is a slip in the program (two edits of one list), so it is named.
    .superRefine(reportDuplicates("tenantPermissions"))
    // Order carries no meaning in Tines: keep one canonical order so diffs show real changes only.
    .transform((permissions) => [...permissions].sort()),
  isActive: flag(true),
  deletionMode: z.enum(["delete", "deactivate"], { error: 'must be "delete" or "deactivate"' }).default("delete"),
  adoptExisting: flag(false),
});

/** Inputs that change the user in Tines; the others only change what the provider does. */
const updatableProperties = ["email", "firstName", "lastName", "admin", "tenantPermissions", "isActive"] as const;
const inputProperties = [...updatableProperties, "deletionMode", "adoptExisting"] as const;

/** Whether Tines stores emails as given or lower-cased is not documented (tines-api.md): compare them case-insensitively. */
const userComparison: Comparison = { caseInsensitive: ["email"] };

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(userInputsSchema, news);
}

/** Why a new user cannot be created: the same words in a preview check and in a failed create. */
function emailTakenReason(email: string, tenant: string, userId: number): string {
  return `a Tines user with the email ${email} already exists in ${tenant} (user id ${userId}); set adoptExisting: true to manage that user`;
}

/** With preview checks on: a new user's email must be free (unless adopting); unknown permissions are flagged. */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, facts: TenantDeployment): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesUserInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  if (isNew && !containsUnknown(inputs.email)) {
    const existing = await facts.userByEmail(inputs.email);
    if (existing && mayBePendingDeletion(facts, existing)) {
      // Maybe a user Tines is deleting (deactivated moments ago): the create waits for it to go.
      findings.warnings.push(
        `user ${inputs.email} exists in ${facts.tenantUrl} (user id ${existing.id}) but is deactivated and was changed recently: if Tines is deleting it, the create waits for the deletion to finish`,
      );
    } else if (existing && inputs.adoptExisting === true) {
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
  const changed = changedProperties(olds, news, declaredProperties(news, inputProperties), userComparison);
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
    // A user Tines is deleting is never adopted: wait for it to go, then create a new one. The lookup
    // shares one read of the directory per deployment, not a page walk per adopted user.
    const existing = await userByEmailUnlessBeingDeleted(client, inputs.email, context.userDeletionWaitMs());
    if (existing) {
      // A user who already matches is adopted without a write: taking over a tenant changes nothing in it.
      if (!differsFromDeclared(existing, inputs, tenant)) return verifiedCreate(existing, inputs, tenant);
      let adopted: TinesUserObject;
      try {
        adopted = await client.users.update(existing.id, body);
      } catch (error) {
        throw new PartialCreateError(String(existing.id), outputsOf(existing, inputs, tenant), error as Error);
      }
      return verifiedCreate(adopted, inputs, tenant);
    }
  }

  const startedAt = Date.now();
  let user: TinesUserObject | undefined;
  // Twice at most: a create refused because a user Tines was deleting still held the email is
  // made again once the deletion is over.
  for (let attempt = 1; user === undefined; attempt += 1) {
    try {
      user = await createReconciled(
        () => client.users.create(body),
        async () => {
          // A user with this email created around our attempt is the one our lost request made;
          // never one being deleted (deleted by us, or inactive while ours would be active).
          const found = await client.users.findByEmail(inputs.email);
          if (!found || deploymentFor(client).deletedByThisProcess(found) || (inputs.isActive && !found.is_active)) return undefined;
          const createdAt = found.created_at ? Date.parse(found.created_at) : Number.NaN;
          return createdAt < startedAt - clockSkewAllowanceMs ? undefined : found;
        },
      );
    } catch (error) {
      if (!(error instanceof TinesApiError && error.isConflictOrValidation)) throw error;
      let existing = await client.users.findByEmail(inputs.email);
      if (existing && attempt === 1 && mayBePendingDeletion(deploymentFor(client), existing)) {
        const outcome = await waitForPendingDeletion(deploymentFor(client), existing, context.userDeletionWaitMs());
        if (outcome.type === "gone") continue;
        existing = outcome.user;
      }
      if (existing) {
        const inactive = existing.is_active
          ? ""
          : " (it is deactivated; if it was deleted moments ago, Tines is still deleting it, so run `pulumi up` again shortly)";
        throw new TinesError(`email: ${emailTakenReason(inputs.email, tenant, existing.id)}${inactive}`);
      }
      throw error;
    }
  }
  // A reconciled create may have found the user made by a request whose answer was lost; make
  // sure it carries every declared field.
  if (differsFromDeclared(user, inputs, tenant)) {
    try {
      user = await client.users.update(user.id, body);
    } catch (error) {
      throw new PartialCreateError(String(user.id), outputsOf(user, inputs, tenant), error as Error);
    }
  }
  return verifiedCreate(user, inputs, tenant);
}

/**
 * The result of a create or adoption once Tines holds every declared value. Otherwise the user
 * exists but is not as declared: it is recorded with what Tines holds and the create fails, naming
 * what Tines did not take (e.g. a tenant permission the tenant does not support).
 */
function verifiedCreate(user: TinesUserObject, inputs: TinesUserInputs, tenant: string) {
  const outputs = outputsOf(user, inputs, tenant);
  const compared = declaredProperties(inputs as unknown as Record<string, unknown>, updatableProperties);
  const unapplied = unappliedWrite("create", inputs, outputs, compared, userComparison);
  if (unapplied) throw new PartialCreateError(String(user.id), outputs, unapplied);
  return { id: String(user.id), outs: outputs as unknown as Record<string, unknown> };
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

/** Whether what Tines holds differs, by meaning, from what is declared (an omitted name is not declared). */
function differsFromDeclared(user: TinesUserObject, inputs: TinesUserInputs, tenant: string): boolean {
  const compared = declaredProperties(inputs as unknown as Record<string, unknown>, updatableProperties);
  return changedProperties(outputsOf(user, inputs, tenant), inputs, compared, userComparison).length > 0;
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
  const user = await unlessConfirmedGone(() => context.client().users.get(Number(id)));
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
  const compared = declaredProperties(news, updatableProperties);
  const changed = changedProperties(olds, news, compared, userComparison);
  if (changed.length === 0) {
    // Only deletionMode or adoptExisting changed: nothing to tell Tines.
    return { ...olds, deletionMode: inputs.deletionMode, adoptExisting: inputs.adoptExisting };
  }
  const user = await context.client().users.update(Number(id), requestBody(inputs));
  const outputs = outputsOf(user, inputs, context.tenantUrl());
  // Tines answered: the answer is the user as it now holds it. What it did not take fails the update.
  const unapplied = unappliedWrite("update", inputs, outputs, compared, userComparison);
  if (unapplied) throw new PartialUpdateError(id, outputs, unapplied);
  return outputs as unknown as Record<string, unknown>;
}

/**
 * The user with this email, unless Tines is deleting it: then, after waiting (bounded) for the
 * deletion to finish, undefined (see deployment/pendingDeletions.ts for how it is recognised).
 */
async function userByEmailUnlessBeingDeleted(
  client: TinesClient,
  email: string,
  waitMs: number,
): Promise<TinesUserObject | undefined> {
  const deployment = deploymentFor(client);
  const found = await deployment.directory.findByEmail(email);
  if (!found || !mayBePendingDeletion(deployment, found)) return found;
  const outcome = await waitForPendingDeletion(deployment, found, waitMs);
  return outcome.type === "gone" ? undefined : outcome.user;
}

// Delete -------------------------------------------------------------------------------------------

async function deleteUser(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `User ${id}`);
  const client = context.client();
  const identity = { id: Number(id), created_at: typeof props.createdAt === "string" ? props.createdAt : null };
  if (props.deletionMode === "deactivate") {
    await unlessGone(client.users.update(Number(id), { admin: props.admin === true, is_active: false }));
    // Deactivated, not deleted: adopting it again in this deployment needs no wait.
    deploymentFor(client).recordUserDeactivated(identity);
  } else {
    // Tines deletes asynchronously: the user is deactivated at once and removed shortly after.
    // Remembered, so a create of the same email in this deployment waits for it to go.
    await unlessGone(client.users.delete(Number(id)));
    deploymentFor(client).recordUserDeleted(identity);
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
    // Every declared output besides the required inputs is registered, given or not, so `user.admin` exists on every user
    // and resolves to what Tines holds (its default when the input was omitted).
    const props = {
      firstName: undefined,
      lastName: undefined,
      admin: undefined,
      tenantPermissions: undefined,
      isActive: undefined,
      deletionMode: undefined,
      adoptExisting: undefined,
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
