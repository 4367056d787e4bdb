/**
 * `admin/users` in the simulator (tines-api.md, "Users"): list, get, create, update, delete (a
 * deleted user is deactivated at once and removed later), sign-in activity, resend invitation,
 * expire session.
 */
import { z } from "zod";
import { type SimulatedUser, type TenantState } from "../tenantState";
import { emailBody, paginated, parseBody, positiveId, scimRefusal, storedNames, usersErrorShape, type Route } from "./common";

const userFields = {
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  admin: z.boolean().optional(),
  tenant_permissions: z.array(z.string()).optional(),
  is_active: z.boolean().optional(),
};

/** Request bodies, built once (zod compiles a schema on its first use). */
const requestBodies = {
  createUser: z.object({ email: emailBody, ...userFields }),
  updateUser: z.object({ email: emailBody.optional(), ...userFields }),
};

/** A user as the API shows it; `team_memberships` with `include=team_memberships`. */
export function userView(state: TenantState, user: SimulatedUser, includeMemberships: boolean): Record<string, unknown> {
  // With `nullForUnset`, an empty name or permission list is echoed as null.
  const unset = <T>(value: T): T | null =>
    state.normalisation.nullForUnset && (value === "" || (Array.isArray(value) && value.length === 0)) ? null : value;
  const view: Record<string, unknown> = {
    id: user.id,
    scim_uid: user.scim_uid,
    email: user.email,
    first_name: unset(user.first_name),
    last_name: unset(user.last_name),
    admin: user.admin,
    tenant_permissions: unset(user.tenant_permissions),
    is_active: user.is_active,
    created_at: user.created_at,
    updated_at: user.updated_at,
    last_seen: user.last_seen,
  };
  if (includeMemberships) view.team_memberships = state.teamMembershipsOf(user.id);
  return view;
}


const includes = (query: URLSearchParams) => (query.get("include") ?? "").split(",").includes("team_memberships");

/** The routes of `admin/users`. */
export function userRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/users$/,
      admin: true,
      handle: ({ url, query }) =>
        paginated(
          url,
          baseUrl(),
          "admin/users",
          state.listUsers(query.get("filter") ?? undefined).map((user) => userView(state, user, includes(query))),
        ),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/users$/,
      admin: true,
      audit: { operation: "UsersInvitation" },
      handle: ({ body }) => {
        if (state.scimEnabled) return scimRefusal;
        const fields = storedNames(state, parseBody(requestBodies.createUser, body, usersErrorShape), ["first_name", "last_name"]);
        return { status: 201, body: userView(state, state.createUser(fields), false) };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)$/,
      admin: true,
      // An email in place of the id is accepted (tines-api.md, "get by email"), unless the tenant
      // is set to behave as an older one.
      handle: ({ params, query }) => ({
        status: 200,
        body: userView(state, state.getUserByIdOrEmail(decodeURIComponent(params[0] ?? "")), includes(query)),
      }),
    },
    {
      method: "PUT",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)$/,
      admin: true,
      audit: { operation: "UserEdit", ids: ["userId"] },
      handle: ({ params, body }) => {
        if (state.scimEnabled) return scimRefusal;
        const fields = storedNames(state, parseBody(requestBodies.updateUser, body, usersErrorShape), ["first_name", "last_name"]);
        return { status: 200, body: userView(state, state.updateUser(positiveId(params[0], "User"), fields), false) };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)$/,
      admin: true,
      // Whether a SCIM tenant refuses deletes is not documented: the simulator takes them.
      audit: { operation: "UserDeletion", ids: ["userId"] },
      handle: ({ params }) => {
        state.deleteUser(positiveId(params[0], "User"));
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)\/signin_activities$/,
      admin: true,
      handle: ({ params, query, url }) =>
        paginated(
          url,
          baseUrl(),
          "admin/login_activities",
          state.signInsOf(positiveId(params[0], "User"), query.get("before") ?? undefined, query.get("after") ?? undefined),
        ),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)\/resend_invitation$/,
      admin: true,
      audit: { operation: "UserReinvitation", ids: ["userId"] },
      handle: ({ params }) => {
        const message = state.resendUserInvitation(positiveId(params[0], "User"));
        return { status: 200, body: message === undefined ? undefined : { message } };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/admin\/users\/([^/]+)\/expire_session$/,
      admin: true,
      // The operation's name is the simulator's guess (tines-api.md lists no name for it).
      audit: { operation: "UserSessionExpiry", ids: ["userId"] },
      handle: ({ params }) => {
        state.getUser(positiveId(params[0], "User"));
        return { status: 204 };
      },
    },
  ];
}
