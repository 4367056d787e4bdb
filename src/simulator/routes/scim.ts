/**
 * `admin/scim_user_group_mapping` in the simulator (tines-api.md, "SCIM"): the mapping is read
 * whole and replaced whole by a POST, in either body shape the docs show.
 */
import { z } from "zod";
import type { SimulatedScimMapping, TenantState } from "../tenantState";
import { parseBody, storedNames, usersErrorShape, type Route } from "./common";

const line = z.object({ group_name: z.string().min(1), team_name: z.string().min(1), role_name: z.string().min(1) });
/** A list of lines, or (as an older docs sample shows) a single object where the list goes. */
const lines = z.union([z.array(line), line.transform((one) => [one])]);
const mapping = z.object({ mappings: lines, tenant_owners_group: z.string().min(1).nullable().optional() });

/** Request bodies, built once (zod compiles a schema on its first use). */
const requestBodies = {
  /** The newer docs' `{"user_group_mapping": {...}}`, or the older docs' bare `{"mappings": [...]}`. */
  replaceMapping: z.union([z.object({ user_group_mapping: mapping }).transform((body) => body.user_group_mapping), mapping]),
};

/** The mapping as the API shows it; `tenant_owners_group` left out when the tenant is set to omit it. */
export function scimMappingView(state: TenantState, held: SimulatedScimMapping): Record<string, unknown> {
  return state.normalisation.omitTenantOwnersGroup ? { mappings: held.mappings } : { ...held };
}

/** The routes of `admin/scim_user_group_mapping`. */
export function scimRoutes(state: TenantState): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/scim_user_group_mapping$/,
      admin: true,
      handle: () => ({ status: 200, body: scimMappingView(state, state.scimMapping()) }),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/scim_user_group_mapping$/,
      admin: true,
      // The operation's name is the simulator's guess (tines-api.md lists no name for it).
      audit: { operation: "ScimUserGroupMappingUpdate" },
      handle: ({ body }) => {
        const parsed = storedNames(state, parseBody(requestBodies.replaceMapping, body, usersErrorShape), ["tenant_owners_group"]);
        const next = { ...parsed, mappings: parsed.mappings.map((line) => storedNames(state, line, ["group_name", "team_name", "role_name"])) };
        return { status: 200, body: scimMappingView(state, state.replaceScimMapping(next)) };
      },
    },
  ];
}
