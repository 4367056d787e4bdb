/**
 * `teams` in the simulator (tines-api.md, "Teams and membership"): teams, their member lists, and
 * the invite, remove and resend-invitation actions.
 */
import { z } from "zod";
import type { TenantState } from "../tenantState";
import { emailBody, paginated, parseBody, positiveId, scimRefusal, storedNames, teamsErrorShape, type Route } from "./common";

/** Request bodies, built once (zod compiles a schema on its first use). */
const requestBodies = {
  // Stored as given (or trimmed, with `trimNames`): tines-api.md does not say that Tines trims.
  team: z.object({ name: z.string().refine((name) => name.trim() !== "", "can't be blank") }),
  inviteMember: z
    .object({ user_id: z.number().int().positive().optional(), email: emailBody.optional(), role: z.string().min(1).optional() })
    .refine((value) => (value.user_id === undefined) !== (value.email === undefined), {
      message: "give exactly one of user_id and email",
    }),
  memberUserId: z.object({ user_id: z.number().int().positive() }),
};

/** A team as the API shows it. */
export function teamView(team: { id: number; name: string; groups: Array<{ id: number; name: string }> }) {
  return { id: team.id, name: team.name, groups: team.groups };
}

/** The routes of `teams`. */
export function teamRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/teams$/,
      admin: false,
      // Without `scope`, Tines lists `standard` teams (personal teams left out).
      handle: ({ url, query }) => paginated(url, baseUrl(), "teams", state.visibleTeams(query.get("scope") ?? "standard").map(teamView)),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/teams$/,
      admin: false,
      audit: { operation: "TeamCreation" },
      handle: ({ body }) => {
        const { name } = storedNames(state, parseBody(requestBodies.team, body, teamsErrorShape), ["name"]);
        return { status: 201, body: teamView(state.createTeam(name)) };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/teams\/([^/]+)$/,
      admin: false,
      handle: ({ params }) => ({ status: 200, body: teamView(state.visibleTeam(positiveId(params[0], "Team"))) }),
    },
    {
      method: "PUT",
      pattern: /^\/api\/v1\/teams\/([^/]+)$/,
      admin: false,
      audit: { operation: "TeamUpdate", ids: ["teamId"] },
      handle: ({ params, body }) => {
        const { name } = storedNames(state, parseBody(requestBodies.team, body, teamsErrorShape), ["name"]);
        return { status: 200, body: teamView(state.renameTeam(positiveId(params[0], "Team"), name)) };
      },
    },
    {
      method: "DELETE",
      pattern: /^\/api\/v1\/teams\/([^/]+)$/,
      admin: false,
      audit: { operation: "TeamDestruction", ids: ["teamId"] },
      handle: ({ params }) => {
        state.deleteTeam(positiveId(params[0], "Team"));
        return { status: 204 };
      },
    },
    {
      method: "GET",
      pattern: /^\/api\/v1\/teams\/([^/]+)\/members$/,
      admin: false,
      handle: ({ params, url }) => paginated(url, baseUrl(), "members", state.membersOf(state.visibleTeam(positiveId(params[0], "Team")).id)),
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/teams\/([^/]+)\/invite_member$/,
      admin: false,
      audit: { operation: "TeamMembersAddition", ids: ["teamId"] },
      handle: ({ params, body }) => {
        const fields = parseBody(requestBodies.inviteMember, body, teamsErrorShape);
        // Inviting an email without an account would create the user, which a SCIM tenant refuses;
        // whether it refuses inviting existing users too is not documented (the simulator takes it).
        if (state.scimEnabled && fields.email !== undefined && !state.findUserByEmail(fields.email)) return scimRefusal;
        const member = state.inviteMember(positiveId(params[0], "Team"), fields, fields.role);
        return { status: 200, body: member };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/teams\/([^/]+)\/remove_member$/,
      admin: false,
      audit: { operation: "TeamMemberRemoval", ids: ["teamId"] },
      handle: ({ params, body }) => {
        const { user_id } = parseBody(requestBodies.memberUserId, body, teamsErrorShape);
        state.removeMember(positiveId(params[0], "Team"), user_id);
        return { status: 200, body: { deleted_id: user_id } };
      },
    },
    {
      method: "POST",
      pattern: /^\/api\/v1\/teams\/([^/]+)\/resend_invitation$/,
      admin: false,
      // The operation's name is the simulator's guess (tines-api.md lists no name for it).
      audit: { operation: "TeamMemberReinvitation", ids: ["teamId"] },
      handle: ({ params, body }) => {
        const { user_id } = parseBody(requestBodies.memberUserId, body, teamsErrorShape);
        return { status: 200, body: state.resendTeamInvitation(positiveId(params[0], "Team"), user_id) };
      },
    },
  ];
}
