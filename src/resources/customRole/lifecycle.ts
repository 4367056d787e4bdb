/**
 * What `TinesCustomRole` does in Tines (`/api/v1/admin/roles`, tenant-owner key): its tenant
 * checks, create (or adoption), read, update and delete. Everything else is its definition.
 */
import { TinesApiError, TinesError, isTinesCustomRole, tinesCustomRoleLimit, type TinesClient, type TinesRoleObject } from "../../client";
import { changedProperties, containsUnknown } from "../../provider/inputs";
import { namedAs, sameText } from "../../provider/names";
import { implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { createReconciled } from "../../provider/reconcile";
import { PartialCreateError, unlessGone, type ProviderContext } from "../../provider/runtime";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../../deployment";
import type { TinesOutputsOf } from "../../provider/definition";
import { tinesCustomRoleDefinition, type TinesCustomRoleInputs } from "./definition";

/** What this resource's own code records; the engine adds `adoptExisting` and `tenant`. */
type RoleOutputs = TinesOutputsOf<typeof tinesCustomRoleDefinition>;

/** The inputs Tines' update takes. */
const updatableProperties = ["description", "permissions"] as const;

/** Why a new role cannot be created: the same words in a preview check and in a failed create. */
function nameTakenReason(name: string, tenant: string, roleId: string | undefined): string {
  return `a custom role named ${name} already exists in ${tenant} (role id ${roleId ?? "unknown"}); set adoptExisting: true to manage that role`;
}

/**
 * With preview checks on: a new role's name must be free (unless adopting), and the roles this
 * deployment creates must fit in the tenant's 25.
 */
async function checkAgainstTenant(inputs: TinesCustomRoleInputs, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  // A new name replaces the role: the replacement is a new role, checked (and planned) as one.
  const renamed = !isNew && typeof olds.name === "string" && !sameText(olds.name, inputs.name, { ignoreCase: true });
  if ((!isNew && !renamed) || containsUnknown(inputs.name)) return findings;
  const custom = (await facts.roles()).filter(isTinesCustomRole);
  const existing = namedAs(custom, inputs.name, (role) => role.name, { ignoreCase: true })[0];
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

// Create -------------------------------------------------------------------------------------------

/**
 * The custom role with this name (exact first, then ignoring letter case and the surrounding
 * whitespace Tines may trim: provider/names.ts), if any.
 */
async function findCustomRole(client: TinesClient, name: string): Promise<TinesRoleObject | undefined> {
  return namedAs((await client.roles.list()).filter(isTinesCustomRole), name, (role) => role.name, { ignoreCase: true })[0];
}

async function create(inputs: TinesCustomRoleInputs, context: ProviderContext) {
  const client = context.client();
  const tenant = context.tenantUrl();
  const body = { name: inputs.name, description: inputs.description, permissions: inputs.permissions };

  if (inputs.adoptExisting) {
    const existing = await findCustomRole(client, inputs.name);
    if (existing?.id !== undefined) {
      const outputs = outputsOf(existing);
      if (changedProperties(outputs, inputs, updatableProperties).length === 0) return { id: existing.id, outputs };
      try {
        return { id: existing.id, outputs: outputsOf(await client.roles.update(existing.id, { description: inputs.description, permissions: inputs.permissions })) };
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
  return { id: role.id, outputs: outputsOf(role) };
}

/** The role as the stack records it. */
function outputsOf(role: TinesRoleObject): RoleOutputs {
  return {
    name: role.name,
    description: role.description ?? "",
    permissions: [...new Set(role.permissions ?? [])].sort(),
    roleId: role.id ?? "",
    builder: role.builder ?? false,
    createdAt: role.created_at ?? null,
    updatedAt: role.updated_at ?? null,
  };
}

// Read ---------------------------------------------------------------------------------------------

async function read(id: string, recorded: Record<string, unknown>, context: ProviderContext) {
  // Tines documents no GET of one role: the list (default and custom together, one request) holds
  // it, shared by the reads in flight (deployment/sharedReads.ts).
  const role = await deploymentFor(context.client()).reads.role(id, context.freshness(id, recorded));
  return role === undefined ? undefined : { outputs: outputsOf(role) };
}

// Update -------------------------------------------------------------------------------------------

async function update(id: string, _recorded: unknown, inputs: TinesCustomRoleInputs, context: ProviderContext) {
  return outputsOf(await context.client().roles.update(id, { description: inputs.description, permissions: inputs.permissions }));
}

// Delete -------------------------------------------------------------------------------------------

/**
 * Deletes the role, but never one that members still hold: what Tines does then is not documented
 * (it may refuse, or leave members with a role that no longer exists), so the provider asks first,
 * with one paged read of the user directory and each user's team memberships.
 */
async function deleteRole(id: string, recorded: { name: string }, context: ProviderContext) {
  const client = context.client();
  const name = recorded.name;
  const holdersNow = async () =>
    (await client.users.listAll({ includeTeamMemberships: true })).flatMap((user) =>
      (user.team_memberships ?? []).filter((membership) => sameText(membership.role, name)).map((membership) => ({ user, membership })),
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

/** The Tines calls of {@link TinesCustomRole}. */
export const tinesCustomRoleLifecycle: ResourceLifecycle<typeof tinesCustomRoleDefinition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteRole,
};

/** {@link TinesCustomRole} as the engine runs it. */
export const tinesCustomRoleResource = implementResource(tinesCustomRoleDefinition, tinesCustomRoleLifecycle);
