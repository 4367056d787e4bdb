/**
 * The simulated tenant's roles and stories, kept apart from tenantState.ts so each file holds one
 * family's rules (tines-api.md, "Roles" and "Stories of a team"). The functions work on the
 * tenant's data; {@link TenantState} calls them and saves.
 */
import { tinesDefaultRoles as defaultRoleNames } from "../client/schemas";
import { tinesCustomRoleLimit as customRoleLimit } from "../client/roles";

/** A role as `GET /admin/roles` lists it. */
export interface SimulatedRole {
  /** A default role's id is its name; a custom role's a numeric string. */
  id: string;
  name: string;
  type: "default" | "custom";
  description: string;
  permissions: string[];
  /** Whether the role can edit stories. */
  builder: boolean;
  created_at: string | null;
  updated_at: string | null;
}

/** A story, only as far as a team's story count needs it. */
export interface SimulatedStory {
  id: number;
  team_id: number;
  name: string;
}

/** The part of the tenant's data these rules read and change. */
export interface RoleData {
  nextRoleId: number;
  nextStoryId: number;
  customRoles: SimulatedRole[];
  stories: SimulatedStory[];
  /** Whether the tenant's plan has custom roles (an Enterprise feature). */
  customRolesFeature: boolean;
}

/** The error a rule raises; tenantState turns it into its own SimulatorHttpError. */
export type Refuse = (status: number, body: unknown) => never;

/** Permissions that make a role a builder (able to edit stories). */
const builderPermissions = new Set(["ALLOW_ALL", "STORY_CREATE", "STORY_EDIT", "STORY_MANAGE"]);

/** What the default roles carry; Tines does not list them, so these are plausible. */
const defaultRolePermissions: Record<string, string[]> = {
  VIEWER: ["STORY_READ"],
  EDITOR: ["STORY_READ", "STORY_CREATE", "STORY_EDIT"],
  TEAM_ADMIN: ["ALLOW_ALL"],
  CASE_MANAGER: ["CASE_READ", "CASE_MANAGE"],
};

/** Tines' own roles: the id is the name, `updated_at` is null. */
export function defaultRoles(): SimulatedRole[] {
  return defaultRoleNames.map((name) => ({
    id: name,
    name,
    type: "default" as const,
    description: `Tines' ${name.toLowerCase().replace(/_/g, " ")} role`,
    permissions: defaultRolePermissions[name] ?? [],
    builder: (defaultRolePermissions[name] ?? []).some((permission) => builderPermissions.has(permission)),
    created_at: null,
    updated_at: null,
  }));
}

/** Default and custom roles. */
export function listRoles(data: RoleData): SimulatedRole[] {
  return [...defaultRoles(), ...data.customRoles];
}

/** Every role name the tenant knows. */
export function roleNames(data: RoleData): string[] {
  return listRoles(data).map((role) => role.name);
}

/** The role with this id or name (`/admin/roles/{id or name}`), or a 404. */
export function findRole(data: RoleData, idOrName: string, refuse: Refuse): SimulatedRole {
  const role = [...defaultRoles(), ...data.customRoles].find((each) => each.id === idOrName || each.name === idOrName);
  if (!role) return refuse(404, { errors: [{ message: "Role not found" }] });
  return role;
}

function refuseWithoutFeature(data: RoleData, refuse: Refuse): void {
  // Undocumented: how a tenant without the feature answers. A 403 naming the plan is plausible.
  if (!data.customRolesFeature) refuse(403, { errors: [{ message: "Custom roles are not available on your plan" }] });
}

/** Creates a custom role, within the feature and the limit. */
export function createCustomRole(
  data: RoleData,
  fields: { name: string; description?: string; permissions: string[] },
  at: string,
  refuse: Refuse,
): SimulatedRole {
  refuseWithoutFeature(data, refuse);
  const taken = [...defaultRoles(), ...data.customRoles].some((role) => role.name.toLowerCase() === fields.name.toLowerCase());
  if (taken) refuse(422, { errors: [{ message: "Name has already been taken", details: fields.name }] });
  if (data.customRoles.length >= customRoleLimit) {
    refuse(422, { errors: [{ message: `Custom role limit reached: a tenant can have at most ${customRoleLimit} custom roles` }] });
  }
  const role: SimulatedRole = {
    id: String(data.nextRoleId++),
    name: fields.name,
    type: "custom",
    description: fields.description ?? "",
    permissions: [...new Set(fields.permissions)],
    builder: fields.permissions.some((permission) => builderPermissions.has(permission)),
    created_at: at,
    updated_at: at,
  };
  data.customRoles.push(role);
  return role;
}

/** Changes a custom role's description and permissions; a default role cannot change. */
export function updateCustomRole(
  data: RoleData,
  idOrName: string,
  fields: { description?: string; permissions?: string[] },
  at: string,
  refuse: Refuse,
): SimulatedRole {
  refuseWithoutFeature(data, refuse);
  const role = findRole(data, idOrName, refuse);
  if (role.type === "default") refuse(422, { errors: [{ message: "Default roles cannot be changed" }] });
  if (fields.description !== undefined) role.description = fields.description;
  if (fields.permissions !== undefined) {
    role.permissions = [...new Set(fields.permissions)];
    role.builder = role.permissions.some((permission) => builderPermissions.has(permission));
  }
  role.updated_at = at;
  return role;
}

/**
 * Deletes a custom role. What Tines does with a role members still hold is undocumented: the
 * simulator refuses (422), so the provider's own check before deleting is what users meet.
 */
export function deleteCustomRole(data: RoleData, idOrName: string, holders: number, refuse: Refuse): void {
  const role = findRole(data, idOrName, refuse);
  if (role.type === "default") refuse(422, { errors: [{ message: "Default roles cannot be deleted" }] });
  if (holders > 0) refuse(422, { errors: [{ message: `Role is assigned to ${holders} team members` }] });
  data.customRoles = data.customRoles.filter((each) => each.id !== role.id);
}

/** Adds a story to a team (for tests, the demo and `--seed-story`). */
export function addStory(data: RoleData, teamId: number, name: string): SimulatedStory {
  const story = { id: data.nextStoryId++, team_id: teamId, name };
  data.stories.push(story);
  return story;
}
