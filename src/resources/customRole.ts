/**
 * `TinesCustomRole`: a custom role of the tenant (`/api/v1/admin/roles`), which memberships can
 * name as their `role`. Custom roles are an Enterprise feature and a tenant holds at most 25.
 * Tines' update is a `PATCH` of the description and permissions: the name cannot change, so a new
 * name replaces the role. Needs a tenant-owner API key.
 *
 * Reads top to bottom as the engine uses it: inputs, outputs, check, tenant check, diff, create,
 * read, update, delete, then the resource class.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { TinesApiError, TinesError, isTinesCustomRole, tinesCustomRoleLimit, tinesDefaultRoles, type TinesClient, type TinesRoleObject } from "../client";
import { changedProperties, checkInputs, containsUnknown, flag, requiredText } from "../provider/inputs";
import { createReconciled } from "../provider/reconcile";
import type { TenantCheckFindings, TenantDeployment } from "../deployment";
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

/** The inputs of a {@link TinesCustomRole}. */
export interface TinesCustomRoleArgs {
  /** The role's name, e.g. `DETECTION_REVIEWER`; not one of Tines' own roles. Changing it replaces the role. */
  name: pulumi.Input<string>;
  /** What the role is for. Default "". Changes in place. */
  description?: pulumi.Input<string>;
  /** The permissions the role grants, e.g. `["STORY_READ"]`; at least one; order does not matter. Changes in place. */
  permissions: pulumi.Input<pulumi.Input<string>[]>;
  /** When a custom role with this name already exists, take it over (and bring it to these inputs). Default false. */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The validated inputs, as `check` returns them. */
export interface TinesCustomRoleInputs {
  name: string;
  description: string;
  permissions: string[];
  adoptExisting: boolean;
}

// Outputs ------------------------------------------------------------------------------------------

/** What a {@link TinesCustomRole} records: every input plus what Tines computes. */
export interface TinesCustomRoleOutputs extends TinesCustomRoleInputs, TenantOutputs {
  /** The Tines role id (the resource id). */
  roleId: string;
  /** Whether the role can edit stories, as Tines derives it from the permissions. */
  builder: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

const customRoleInputsSchema = z.strictObject({
  name: requiredText(100).refine((name) => !tinesDefaultRoles.some((role) => role.toLowerCase() === name.toLowerCase()), {
    message: `is one of Tines' own roles (${tinesDefaultRoles.join(", ")}), which every tenant has; choose another name`,
  }),
  description: z.string({ error: "must be a string" }).max(1000, "must be at most 1000 characters").default(""),
  permissions: z
    .array(requiredText(100), { error: "must be a list of permission names" })
    .min(1, "must hold at least one permission")
    // Order carries no meaning in Tines: one canonical order, so diffs show real changes only.
    .transform((permissions) => [...new Set(permissions)].sort()),
  adoptExisting: flag(false),
});

const updatableProperties = ["description", "permissions"] as const;

// Check --------------------------------------------------------------------------------------------

function check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
  return checkInputs(customRoleInputsSchema, news);
}

/** Why a new role cannot be created: the same words in a preview check and in a failed create. */
function nameTakenReason(name: string, tenant: string, roleId: string | undefined): string {
  return `a custom role named ${name} already exists in ${tenant} (role id ${roleId ?? "unknown"}); set adoptExisting: true to manage that role`;
}

/**
 * With preview checks on: a new role's name must be free (unless adopting), and the roles this
 * deployment creates must fit in the tenant's 25.
 */
async function checkAgainstTenant(raw: Record<string, unknown>, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const inputs = raw as unknown as TinesCustomRoleInputs;
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  // A new name replaces the role: the replacement is a new role, checked (and planned) as one.
  const renamed = !isNew && typeof olds.name === "string" && olds.name.toLowerCase() !== inputs.name.toLowerCase();
  if ((!isNew && !renamed) || containsUnknown(inputs.name)) return findings;
  const custom = (await facts.roles()).filter(isTinesCustomRole);
  const existing = custom.find((role) => role.name.toLowerCase() === inputs.name.toLowerCase());
  if (existing && inputs.adoptExisting === false) {
    findings.failures.push({ property: "name", reason: nameTakenReason(existing.name, facts.tenantUrl, existing.id) });
    return findings;
  }
  if (existing) {
    findings.warnings.push(`custom role ${existing.name} already exists in ${facts.tenantUrl}: it will be adopted`);
    return findings;
  }
  facts.declareCustomRole(inputs.name);
  const planned = facts.customRolesDeclared();
  if (custom.length + planned.size > tinesCustomRoleLimit) {
    findings.failures.push({
      property: "name",
      reason:
        `creating custom role ${inputs.name} would exceed Tines' limit of ${tinesCustomRoleLimit} custom roles per tenant ` +
        `(${facts.tenantUrl} holds ${custom.length}, and this deployment creates ${planned.size}); delete custom roles it no longer needs`,
    });
  }
  return findings;
}

// Diff ---------------------------------------------------------------------------------------------

function diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"] };
  // Tines' update takes no name: a new name is a new role. Compared without letter case, as a role
  // is looked up (and adopted) by name: otherwise a role adopted as "reviewer" for a declared
  // "Reviewer" would be replaced by itself, and the replacement's delete would delete it.
  const replaces = changedProperties(olds, news, ["name"], { caseInsensitive: ["name"] });
  const changes = replaces.length > 0 || changedProperties(olds, news, [...updatableProperties, "adoptExisting"]).length > 0;
  return { changes, replaces };
}

// Create -------------------------------------------------------------------------------------------

/** The custom role with this name (exact first, then ignoring letter case), if any. */
async function findCustomRole(client: TinesClient, name: string): Promise<TinesRoleObject | undefined> {
  const custom = (await client.roles.list()).filter(isTinesCustomRole);
  return custom.find((role) => role.name === name) ?? custom.find((role) => role.name.toLowerCase() === name.toLowerCase());
}

async function create(raw: Record<string, unknown>, context: ProviderContext) {
  const inputs = raw as unknown as TinesCustomRoleInputs;
  const client = context.client();
  const tenant = context.tenantUrl();
  const body = { name: inputs.name, description: inputs.description, permissions: inputs.permissions };

  if (inputs.adoptExisting) {
    const existing = await findCustomRole(client, inputs.name);
    if (existing?.id !== undefined) {
      const outputs = outputsOf(existing, inputs, tenant);
      if (changedProperties(outputs, inputs, updatableProperties).length === 0) return finish(existing, inputs, tenant);
      try {
        return finish(verified(await client.roles.update(existing.id, { description: inputs.description, permissions: inputs.permissions }), inputs, "update"), inputs, tenant);
      } catch (error) {
        throw new PartialCreateError(existing.id, outputs, error as Error);
      }
    }
  }

  let role: TinesRoleObject;
  try {
    role = await createReconciled(
      () => client.roles.create(body),
      () => findCustomRole(client, inputs.name),
    );
  } catch (error) {
    if (error instanceof TinesApiError && error.isConflictOrValidation) {
      const existing = await findCustomRole(client, inputs.name);
      if (existing) throw new TinesError(`name: ${nameTakenReason(existing.name, tenant, existing.id)}`);
    }
    throw error;
  }
  if (role.id === undefined) throw new TinesError(`Tines answered the create of custom role ${inputs.name} without an id`);
  try {
    return finish(verified(role, inputs, "create"), inputs, tenant);
  } catch (error) {
    throw new PartialCreateError(role.id, outputsOf(role, inputs, tenant), error as Error);
  }
}

/** The role, when Tines holds what was sent; otherwise an error naming each property it did not take. */
function verified(role: TinesRoleObject, inputs: TinesCustomRoleInputs, operation: string): TinesRoleObject {
  const held: Record<string, unknown> = { description: role.description ?? "", permissions: [...new Set(role.permissions ?? [])].sort() };
  const missed = changedProperties(held, inputs, updatableProperties);
  if (missed.length === 0) return role;
  throw new TinesError(
    missed.map((key) => `${key}: Tines answered the ${operation} of custom role ${role.name} but holds ${JSON.stringify(held[key])}`).join("; "),
  );
}

function finish(role: TinesRoleObject, inputs: Pick<TinesCustomRoleInputs, "adoptExisting">, tenant: string) {
  return { id: role.id!, outs: outputsOf(role, inputs, tenant) as unknown as Record<string, unknown> };
}

function outputsOf(role: TinesRoleObject, inputs: Pick<TinesCustomRoleInputs, "adoptExisting">, tenant: string): TinesCustomRoleOutputs {
  return {
    name: role.name,
    description: role.description ?? "",
    permissions: [...new Set(role.permissions ?? [])].sort(),
    adoptExisting: inputs.adoptExisting,
    roleId: role.id ?? "",
    builder: role.builder ?? false,
    createdAt: role.created_at ?? null,
    updatedAt: role.updated_at ?? null,
    tenant,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Custom role ${id}`);
  // Tines documents no GET of one role: the list (default and custom together, one request) holds it.
  const role = (await context.client().roles.list()).find((each) => each.id === id);
  if (role === undefined) return undefined;
  const outputs = outputsOf(role, { adoptExisting: props.adoptExisting === true }, context.tenantUrl());
  const inputs = Object.fromEntries(
    (["name", "description", "permissions", "adoptExisting"] as const).filter((key) => props[key] !== undefined).map((key) => [key, outputs[key]]),
  );
  return { id, props: outputs as unknown as Record<string, unknown>, inputs };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(olds.tenant, context, `Custom role ${id}`);
  const inputs = news as unknown as TinesCustomRoleInputs;
  if (changedProperties(olds, news, updatableProperties).length === 0) return { ...olds, adoptExisting: inputs.adoptExisting };
  const role = await context.client().roles.update(id, { description: inputs.description, permissions: inputs.permissions });
  return outputsOf(verified(role, inputs, "update"), inputs, context.tenantUrl()) as unknown as Record<string, unknown>;
}

// Delete -------------------------------------------------------------------------------------------

/**
 * Deletes the role, but never one that members still hold: what Tines does then is not documented
 * (it may refuse, or leave members with a role that no longer exists), so the provider asks first,
 * with one paged read of the user directory and each user's team memberships.
 */
async function deleteRole(id: string, props: Record<string, unknown>, context: ProviderContext) {
  assertSameTenant(props.tenant, context, `Custom role ${id}`);
  const client = context.client();
  const name = String(props.name);
  const holdersNow = async () =>
    (await client.users.listAll({ includeTeamMemberships: true })).flatMap((user) =>
      (user.team_memberships ?? []).filter((membership) => membership.role === name).map((membership) => ({ user, membership })),
    );
  let holders = await holdersNow();
  // In one `pulumi destroy` the engine deletes the role alongside the teams and users whose
  // memberships hold it (those memberships went first, or go with their team): give those
  // deletions, which Tines may finish asynchronously, a few seconds before refusing.
  for (let wait = 0; holders.length > 0 && wait < holderWaitChecks; wait += 1) {
    await new Promise((resolve) => setTimeout(resolve, holderWaitIntervalMs));
    holders = await holdersNow();
  }
  if (holders.length > 0) {
    const teams = [...new Set(holders.map(({ membership }) => `"${membership.team_name ?? membership.team_id}" (team ${membership.team_id})`))];
    throw new TinesError(
      `Custom role ${name} (id ${id}) is not deleted: ${holders.length} ${holders.length === 1 ? "member still holds" : "members still hold"} it, ` +
        `on ${teams.length === 1 ? "team" : "teams"} ${teams.join(", ")}. Give them another role (or remove them from those teams) first; ` +
        "memberships managed by this stack that use the role are deleted before it when they are removed together.",
    );
  }
  await unlessGone(client.roles.delete(id));
}

/** How often, and how far apart, a role's holders are counted again before its delete is refused. */
const holderWaitChecks = 4;
const holderWaitIntervalMs = 1000;

/** The engine-facing behaviour of {@link TinesCustomRole}. */
export const tinesCustomRoleImplementation: ResourceImplementation = {
  check,
  checkAgainstTenant,
  diff,
  create,
  read,
  update,
  delete: deleteRole,
};

// Resource -----------------------------------------------------------------------------------------

/**
 * A custom role of a Tines tenant (an Enterprise feature; at most 25 per tenant). A membership
 * uses it by name: `role: reviewer.name`.
 *
 * @example
 * ```ts
 * const reviewer = new TinesCustomRole("reviewer", { name: "DETECTION_REVIEWER", permissions: ["STORY_READ"] });
 * new TinesTeamMembership("ada-detection", { teamId: detection.teamId, userId: ada.userId, role: reviewer.name });
 * ```
 */
export class TinesCustomRole extends pulumi.dynamic.Resource {
  /** The role's name. */
  declare readonly name: pulumi.Output<string>;
  /** What the role is for. */
  declare readonly description: pulumi.Output<string>;
  /** The permissions the role grants, sorted. */
  declare readonly permissions: pulumi.Output<string[]>;
  /** Whether an existing role with this name was allowed to be adopted. */
  declare readonly adoptExisting: pulumi.Output<boolean>;
  /** The Tines role id (the resource id). */
  declare readonly roleId: pulumi.Output<string>;
  /** Whether the role can edit stories. */
  declare readonly builder: pulumi.Output<boolean>;
  /** When Tines created the role. */
  declare readonly createdAt: pulumi.Output<string | null>;
  /** When Tines last changed the role. */
  declare readonly updatedAt: pulumi.Output<string | null>;
  /** The tenant the role lives in. */
  declare readonly tenant: pulumi.Output<string>;

  /**
   * @param name The Pulumi resource name.
   * @param args The role's inputs.
   * @param opts Resource options.
   */
  constructor(name: string, args: TinesCustomRoleArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      description: undefined,
      adoptExisting: undefined,
      roleId: undefined,
      builder: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      tenant: undefined,
      ...args,
    };
    super(registrationPlaceholder, name, withProviderStub("CustomRole", props), opts, tinesTypeModule, "CustomRole");
  }
}
