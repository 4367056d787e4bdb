/**
 * `admin/roles` in the simulator (tines-api.md, "Roles").
 */
import type { TenantState } from "../tenantState";
import { paginated, type Route } from "./common";

/** The routes of `admin/roles`. */
export function roleRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/roles$/,
      admin: true,
      handle: ({ url }) => paginated(url, baseUrl(), "roles", state.listRoles()),
    },
  ];
}
