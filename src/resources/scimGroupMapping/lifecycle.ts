/**
 * What `TinesScimGroupMapping` does in Tines (`/api/v1/admin/scim_user_group_mapping`, tenant-owner
 * key): its tenant checks, create (or adoption), read, update and delete. Everything else is its
 * definition. Tines holds one mapping per tenant and only takes it whole (tines-api.md, "SCIM"), so
 * every write sends every line, and the resource's id is the same for every tenant.
 */
import { engineLog } from "../../engineLog";
import { TinesApiError, TinesError, type TinesClient, type TinesScimGroupMappingObject } from "../../client";
import { deploymentFor, type TenantCheckFindings, type TenantDeployment } from "../../deployment";
import { unknownRoleReason } from "../../membership/members";
import type { TinesOutputsOf } from "../../provider/definition";
import { containsUnknown, sameMeaning, unappliedWrite } from "../../provider/inputs";
import { holdsName, sameText } from "../../provider/names";
import { implementResource, type ResourceLifecycle } from "../../provider/lifecycle";
import { PartialCreateError, PartialUpdateError, type ProviderContext } from "../../provider/runtime";
import {
  canonicalMappingLines,
  mappingPairKey,
  sameMappingLines,
  tinesScimGroupMappingDefinition,
  type TinesScimGroupMappingInputs,
  type TinesScimGroupMappingOutputs,
} from "./definition";

/** What this resource's own code records; the engine adds `adoptExisting`, `clearOnDestroy` and `tenant`. */
type MappingOutputs = TinesOutputsOf<typeof tinesScimGroupMappingDefinition>;

/** The resource id: a tenant has one mapping, which has no id of its own in Tines. */
export const scimGroupMappingId = "scim-user-group-mapping";

/** The mapping as the stack records it. `ownersGroupIfUnreported` stands in when Tines does not report the owners' group (undocumented whether it does). */
function outputsOf(held: TinesScimGroupMappingObject, ownersGroupIfUnreported: string | null): MappingOutputs {
  return {
    mappings: canonicalMappingLines(held.mappings.map((line) => ({ group: line.group_name, team: line.team_name, role: line.role_name }))),
    tenantOwnersGroup: held.tenant_owners_group === undefined ? ownersGroupIfUnreported : held.tenant_owners_group,
  };
}

/** Whether what Tines holds is the declared mapping (lines as a set, and the owners' group). */
function matchesDeclared(held: MappingOutputs, inputs: Pick<TinesScimGroupMappingInputs, "mappings" | "tenantOwnersGroup">): boolean {
  return sameMappingLines(held.mappings, inputs.mappings) && sameMeaning(held.tenantOwnersGroup, inputs.tenantOwnersGroup ?? null);
}

/** Whether a mapping holds anything: a line, or an owners' group it reports (one it does not report is not counted). */
function holdsAnything(held: TinesScimGroupMappingObject): boolean {
  return held.mappings.length > 0 || (held.tenant_owners_group ?? null) !== null;
}

/** How messages count lines. */
function lineCount(count: number): string {
  return `${count} ${count === 1 ? "line" : "lines"}`;
}

/** Why a new resource may not take over the mapping: the same words in a preview check and in a failed create. */
function mappingHeldReason(held: TinesScimGroupMappingObject, tenant: string): string {
  const owners = (held.tenant_owners_group ?? null) === null ? "" : ` and tenant owners' group "${held.tenant_owners_group}"`;
  return (
    `${tenant} already holds a SCIM user group mapping (${lineCount(held.mappings.length)}${owners}) that differs from the declared one; ` +
    "set adoptExisting: true to replace it with the declared mapping (or declare what it holds: `pulumi-tines export` writes it out)"
  );
}

// Tenant check -------------------------------------------------------------------------------------

/**
 * With preview checks on: every team and role the lines name exists (or is made by this stack, as
 * checked so far: a `TinesTeam` created or renamed, a `TinesCustomRole`), a new resource does not
 * silently take over a mapping that holds something else, and a warning lists the lines the `up`
 * adds, changes and removes. The teams the mapping governs are recorded for the membership checks.
 */
async function checkAgainstTenant(inputs: TinesScimGroupMappingInputs, isNew: boolean, facts: TenantDeployment): Promise<TenantCheckFindings> {
  const findings: TenantCheckFindings = { failures: [], warnings: [] };
  const lines = Array.isArray(inputs.mappings) ? inputs.mappings : [];
  const known = lines.filter((line) => !containsUnknown(line.team));
  facts.declareScimMapping(new Set(known.map((line) => line.team)));

  const teams = new Set([...(await facts.teams()).map((team) => team.name), ...facts.teamNamesDeclared()]);
  const roles = [...(await facts.roles()).map((role) => role.name), ...facts.customRolesDeclared()];
  // Names as Tines may hold them, perhaps trimmed (provider/names.ts).
  lines.forEach((line, index) => {
    if (!containsUnknown(line.team) && !holdsName(teams, line.team)) {
      const namesake = [...teams].find((team) => team.toLowerCase() === line.team.toLowerCase());
      findings.failures.push({
        property: `mappings[${index}].team`,
        reason:
          `team "${line.team}" does not exist in ${facts.tenantUrl}, and no TinesTeam of this stack is named so` +
          (namesake === undefined ? "" : ` (did you mean "${namesake}"? the mapping names teams exactly)`),
      });
    }
    if (!containsUnknown(line.role) && !holdsName(roles, line.role)) {
      findings.failures.push({ property: `mappings[${index}].role`, reason: unknownRoleReason(line.role, roles, facts.tenantUrl) });
    }
  });
  if (findings.failures.length > 0) return findings;

  const tinesHolds = await facts.scimMapping();
  const held = outputsOf(tinesHolds, inputs.tenantOwnersGroup ?? null);
  if (containsUnknown(inputs.mappings) || containsUnknown(inputs.tenantOwnersGroup)) {
    findings.warnings.push(`the SCIM user group mapping of ${facts.tenantUrl}: some lines are known only once deployed, so the lines this up changes cannot be listed yet`);
    return findings;
  }
  if (matchesDeclared(held, inputs)) {
    if (isNew) findings.warnings.push(`the SCIM user group mapping of ${facts.tenantUrl} already matches the declared one: it will be adopted without a write`);
    return findings;
  }
  if (isNew && holdsAnything(tinesHolds) && inputs.adoptExisting === false) {
    findings.failures.push({ property: "adoptExisting", reason: mappingHeldReason(tinesHolds, facts.tenantUrl) });
    return findings;
  }
  findings.warnings.push(describeChanges(held, inputs, facts.tenantUrl));
  return findings;
}

/** The preview's list of what an `up` does to the mapping: `+` added, `~` changed, `-` removed lines. */
function describeChanges(held: MappingOutputs, inputs: TinesScimGroupMappingInputs, tenant: string): string {
  const heldByPair = new Map(held.mappings.map((line) => [mappingPairKey(line), line]));
  const declaredPairs = new Set(inputs.mappings.map(mappingPairKey));
  const added: string[] = [];
  const changed: string[] = [];
  for (const line of canonicalMappingLines(inputs.mappings)) {
    const before = heldByPair.get(mappingPairKey(line));
    if (before === undefined) added.push(`  + group "${line.group}" -> team "${line.team}" as ${line.role}`);
    else if (!sameText(before.role, line.role) || !sameText(before.team, line.team) || !sameText(before.group, line.group)) {
      changed.push(`  ~ group "${line.group}" -> team "${line.team}": ${before.role} -> ${line.role}`);
    }
  }
  const removed = held.mappings
    .filter((line) => !declaredPairs.has(mappingPairKey(line)))
    .map((line) => `  - group "${line.group}" -> team "${line.team}" as ${line.role} (its members lose this team at the next SCIM sync)`);
  const declaredOwners = inputs.tenantOwnersGroup ?? null;
  const owners =
    sameMeaning(held.tenantOwnersGroup, declaredOwners) ? [] : [`  ~ tenant owners' group: ${held.tenantOwnersGroup === null ? "(none)" : `"${held.tenantOwnersGroup}"`} -> ${declaredOwners === null ? "(none)" : `"${declaredOwners}"`}`];
  return [
    `the SCIM user group mapping of ${tenant}: TinesScimGroupMapping adds ${added.length}, changes ${changed.length} and removes ${removed.length} line(s), in one write of the whole mapping:`,
    ...added,
    ...changed,
    ...removed,
    ...owners,
  ].join("\n");
}

// Create -------------------------------------------------------------------------------------------

/** The mapping Tines holds, or a clear error where it cannot be read. */
async function heldMapping(client: TinesClient): Promise<TinesScimGroupMappingObject> {
  try {
    return await client.scim.getGroupMapping();
  } catch (error) {
    if (error instanceof TinesApiError && (error.isForbidden || error.isNotFound)) {
      throw new TinesError(
        `${client.tenantUrl} has no SCIM user group mapping this key may read (${error.method} ${error.path} answered ${error.status}): ` +
          "it needs a tenant-owner API key, on a tenant that provisions users through SCIM (an Enterprise feature)",
        { cause: error },
      );
    }
    throw error;
  }
}

/** Writes the whole declared mapping (Tines takes it only whole) and returns it as Tines then holds it. */
async function writeMapping(client: TinesClient, inputs: Pick<TinesScimGroupMappingInputs, "mappings" | "tenantOwnersGroup">): Promise<MappingOutputs> {
  const ownersGroup = inputs.tenantOwnersGroup ?? null;
  try {
    const answer = await client.scim.replaceGroupMapping({
      mappings: inputs.mappings.map((line) => ({ group_name: line.group, team_name: line.team, role_name: line.role })),
      // Always sent, null when unset: the resource manages the whole mapping, owners' group included.
      tenant_owners_group: ownersGroup,
    });
    return outputsOf(answer, ownersGroup);
  } catch (error) {
    if (error instanceof TinesApiError && error.isConflictOrValidation) {
      throw new TinesError(
        `mappings: Tines refused the SCIM user group mapping (${error.tinesMessage || error.status}); every line must name a team that exists, ` +
          "by its exact name, and a role of the tenant. Nothing was changed.",
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The error for a write whose answer does not hold the declared lines (the engine verifies the
 * owners' group; the lines, compared as a set, are verified here), or undefined.
 */
function unappliedLines(operation: "create" | "update", inputs: TinesScimGroupMappingInputs, outputs: MappingOutputs): TinesError | undefined {
  if (sameMappingLines(outputs.mappings, inputs.mappings)) return undefined;
  return unappliedWrite(operation, { mappings: canonicalMappingLines(inputs.mappings) }, outputs, ["mappings"]);
}

async function create(inputs: TinesScimGroupMappingInputs, context: ProviderContext) {
  const client = context.client();
  // Read and written as one change: a team's rename rewrites the mapping too (scim/rename.ts).
  return deploymentFor(client).oneScimMappingChangeAtATime(() => createMapping(client, inputs, context));
}

async function createMapping(client: TinesClient, inputs: TinesScimGroupMappingInputs, context: ProviderContext) {
  const tinesHolds = await heldMapping(client);
  const held = outputsOf(tinesHolds, inputs.tenantOwnersGroup ?? null);
  // A mapping that already matches is taken over without a write: adopting a tenant changes nothing in it.
  if (matchesDeclared(held, inputs)) return { id: scimGroupMappingId, outputs: held };
  if (holdsAnything(tinesHolds) && !inputs.adoptExisting) throw new TinesError(`adoptExisting: ${mappingHeldReason(tinesHolds, context.tenantUrl())}`);
  const outputs = await writeMapping(client, inputs);
  const unapplied = unappliedLines("create", inputs, outputs);
  if (unapplied) throw new PartialCreateError(scimGroupMappingId, outputs, unapplied);
  return { id: scimGroupMappingId, outputs };
}

// Read ---------------------------------------------------------------------------------------------

async function read(_id: string, recorded: Partial<TinesScimGroupMappingOutputs>, context: ProviderContext) {
  // A mapping is never gone: an empty one is still the tenant's mapping, shown as drift if it was not.
  return { outputs: outputsOf(await heldMapping(context.client()), recorded.tenantOwnersGroup ?? null) };
}

// Update -------------------------------------------------------------------------------------------

async function update(_id: string, _recorded: unknown, inputs: TinesScimGroupMappingInputs, context: ProviderContext) {
  const client = context.client();
  const outputs = await deploymentFor(client).oneScimMappingChangeAtATime(() => writeMapping(client, inputs));
  const unapplied = unappliedLines("update", inputs, outputs);
  if (unapplied) throw new PartialUpdateError(scimGroupMappingId, outputs, unapplied);
  return outputs;
}

// Delete -------------------------------------------------------------------------------------------

/**
 * Never silently cuts people off: by default the mapping stays as Tines holds it (an empty mapping
 * would take every mapped team away from its members at the next SCIM sync), and a warning says so;
 * with `clearOnDestroy: true`, one write of an empty mapping.
 */
async function deleteMapping(_id: string, recorded: TinesScimGroupMappingOutputs, context: ProviderContext) {
  if (recorded.clearOnDestroy === true) {
    const client = context.client();
    await deploymentFor(client).oneScimMappingChangeAtATime(() => writeMapping(client, { mappings: [], tenantOwnersGroup: undefined }));
    return;
  }
  const count = Array.isArray(recorded.mappings) ? recorded.mappings.length : 0;
  void engineLog.warn(
    `the SCIM user group mapping of ${context.tenantUrl()} is left as it is (${lineCount(count)}): it is no longer managed by this stack, ` +
      "and nobody loses a team at the next SCIM sync. To clear it on destroy, set clearOnDestroy: true and run `pulumi up` first.",
  );
}

/** The Tines calls of {@link TinesScimGroupMapping}. */
export const tinesScimGroupMappingLifecycle: ResourceLifecycle<typeof tinesScimGroupMappingDefinition> = {
  checkAgainstTenant,
  create,
  read,
  update,
  delete: deleteMapping,
};

/** {@link TinesScimGroupMapping} as the engine runs it. */
export const tinesScimGroupMappingResource = implementResource(tinesScimGroupMappingDefinition, tinesScimGroupMappingLifecycle);
