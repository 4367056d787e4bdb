/**
 * `admin/roles` in the simulator (tines-api.md, "Roles"): the list under `admin/roles`, and the
 * create, PATCH and delete of custom roles (by id or name), with the 25-role limit and the
 * Enterprise feature switch.
 */
import { z } from "zod";
import type { TenantState } from "../tenantState";
import { paginated, parseBody, storedNames, usersErrorShape, type Route } from "./common";

/** Request bodies, built once (zod compiles a schema on its first use). */
const requestBodies = {
  // The name is stored as given (or trimmed, with `trimNames`): tines-api.md does not say that Tines trims.
  createRole: z.object({ name: z.string().refine((name) => name.trim() !== "", "can't be blank"), description: z.string().optional(), permissions: z.array(z.string().min(1)).min(1) }),
  updateRole: z.object({ description: z.string().optional(), permissions: z.array(z.string().min(1)).min(1).optional() }),
};

/** The routes of `admin/roles`. */
export function roleRoutes(state: TenantState, baseUrl: () => string): Route[] {
  const roleParam = (value: string | undefined) => decodeURIComponent(value ?? "");
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/roles$/,
      admin: true,
      handle: ({ url }) => paginated(url, baseUrl(), "admin/roles", state.visibleRoles()),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/roles$/,
      admin: true,
      // The operation names of roles are the simulator's guesses (tines-api.md lists none).
      audit: { operation: "CustomRoleCreation" },
      handle: ({ body }) => ({ status: 201, body: state.createCustomRole(storedNames(state, parseBody(requestBodies.createRole, body, usersErrorShape), ["name"])) }),
    },
    {
      method: "PATCH",
      pattern: /^\/api\/v1\/admin\/roles\/([^/]+)$/,
      admin: true,
      audit: { operation: "CustomRoleUpdate", ids: ["roleId"] },
      handle: ({ params, body }) => ({
        status: 200,
        body: state.updateCustomRole(roleParam(params[0]), parseBody(requestBodies.updateRole, body, usersErrorShape)),
      }),
    },
    {
      method: "DELETE",
      pattern: /^\/api\/v1\/admin\/roles\/([^/]+)$/,
      admin: true,
      audit: { operation: "CustomRoleDestruction", ids: ["roleId"] },
      handle: ({ params }) => {
        state.deleteCustomRole(roleParam(params[0]));
        return { status: 204 };
      },
    },
  ];
}
