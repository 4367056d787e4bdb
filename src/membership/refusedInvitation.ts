/**
 * Which declared input an invitation Tines refused is about, so that a refusal at deploy names the
 * input (`teamId`, `userId`, `role`) as a preview check would: with preview checks off, or a team
 * or role gone since the preview. Which status Tines gives a refused invitation, and what its body
 * says, is not documented (tines-api.md, "Conventions": error bodies differ between endpoints; the
 * simulator answers 404 for a missing team or user and 422 for an unknown role), so any refusal
 * that is the request's fault (a 4xx other than a refused key or the rate limit) leads to asking
 * the tenant, once the invitation has failed: does the team exist, does the user, is the role one
 * of the tenant's.
 */
import { TinesApiError, tinesDefaultRoles, type TinesClient } from "../client";
import { holdsName } from "../provider/names";
import { unlessGone } from "../provider/runtime";
import { missingTeamReason, unknownRoleReason } from "./members";

/** An input of an invitation that Tines refused, and why, in the words of the preview checks. */
export interface RefusedInput {
  /** The input: `teamId`, `userId` or `role`. */
  property: "teamId" | "userId" | "role";
  /** What the tenant says about it. */
  reason: string;
}

/**
 * The declared input that made Tines refuse `error` (a 404 or 422 answer to an invitation of
 * `invitation` to its team), or undefined when the tenant holds the team, the user and the role
 * (or may not be asked: a key without the rights to read users or roles).
 */
export async function refusedInvitationInput(
  client: TinesClient,
  tenant: string,
  invitation: { teamId: number; userId?: number; role: string },
  error: unknown,
): Promise<RefusedInput | undefined> {
  if (!(error instanceof TinesApiError) || error.status < 400 || error.status >= 500 || error.isUnauthorized || error.isForbidden || error.isRateLimited) return undefined;
  try {
    if ((await unlessGone(client.teams.get(invitation.teamId))) === undefined) {
      return { property: "teamId", reason: missingTeamReason(invitation.teamId, tenant) };
    }
    if (invitation.userId !== undefined && (await unlessGone(client.users.get(invitation.userId))) === undefined) {
      return { property: "userId", reason: `user ${invitation.userId} does not exist in ${tenant}` };
    }
    const roles = [...new Set([...tinesDefaultRoles, ...(await client.roles.list()).map((role) => role.name)])];
    // A role is a name Tines may hold trimmed (provider/names.ts).
    if (!holdsName(roles, invitation.role)) return { property: "role", reason: unknownRoleReason(invitation.role, roles, tenant) };
  } catch (asking) {
    // A Team key may not read users or roles: Tines' own answer is all there is.
    if (asking instanceof TinesApiError && (asking.isForbidden || asking.isUnauthorized)) return undefined;
    throw asking;
  }
  return undefined;
}
