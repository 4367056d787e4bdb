/**
 * The simulated tenant's SCIM side (tines-api.md, "SCIM"): the switch that hands people over to the
 * identity provider, users provisioned through SCIM (they carry a `scim_uid`), and the user group
 * mapping (identity-provider group → team and role), which is only ever replaced whole. The
 * functions work on the tenant's store and save; {@link TenantState} calls them.
 */
import { randomUUID } from "node:crypto";
import { roleNames } from "./roleState";
import { SimulatorHttpError, type TenantStore } from "./tenantStore";
import { createUser, type NewSimulatedUser, type SimulatedUser } from "./userState";

/** One line of the mapping, in Tines' field names. */
export interface SimulatedScimMappingLine {
  group_name: string;
  team_name: string;
  role_name: string;
}

/** The whole mapping. */
export interface SimulatedScimMapping {
  mappings: SimulatedScimMappingLine[];
  /** The identity-provider group whose members become tenant owners; null when unset. */
  tenant_owners_group: string | null;
}

/**
 * Replaces the whole mapping ("appending a new mapping is not supported"). A line naming a team or
 * role the tenant does not have is refused with a 422 (tines-api.md expects a 4xx; the status is a
 * guess). Team names match exactly. An empty list is taken (it is how a mapping is cleared). When
 * `tenant_owners_group` is left out, the one held is kept: what Tines does then is not documented,
 * and keeping it is the reading that never takes tenant ownership away by omission.
 */
export function replaceScimMapping(
  store: TenantStore,
  next: { mappings: SimulatedScimMappingLine[]; tenant_owners_group?: string | null },
): SimulatedScimMapping {
  const teams = new Set(store.data.teams.filter((team) => !team.personal).map((team) => team.name));
  const roles = new Set(roleNames(store.data));
  const problems: string[] = [];
  next.mappings.forEach((line, index) => {
    if (!teams.has(line.team_name)) problems.push(`mappings[${index}]: team ${JSON.stringify(line.team_name)} does not exist`);
    if (!roles.has(line.role_name)) problems.push(`mappings[${index}]: role ${JSON.stringify(line.role_name)} does not exist`);
  });
  if (problems.length > 0) throw new SimulatorHttpError(422, { errors: problems.map((message) => ({ message })) });
  store.data.scimMapping = {
    mappings: next.mappings.map((line) => ({ group_name: line.group_name, team_name: line.team_name, role_name: line.role_name })),
    tenant_owners_group: next.tenant_owners_group === undefined ? store.data.scimMapping.tenant_owners_group : next.tenant_owners_group,
  };
  store.save();
  return store.data.scimMapping;
}

/**
 * Adds a user as the identity provider would: with a `scim_uid`, invitation accepted, and no
 * invitation email (for tests and the demo; allowed whether or not SCIM is on).
 */
export function provisionScimUser(store: TenantStore, fields: NewSimulatedUser & { scim_uid?: string }): SimulatedUser {
  const { scim_uid, ...userFields } = fields;
  const user = createUser(store, userFields, { sendInvitation: false });
  user.scim_uid = scim_uid ?? randomUUID();
  user.invitation_accepted = true;
  store.save();
  return user;
}
