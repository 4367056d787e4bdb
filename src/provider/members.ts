/**
 * What `TinesTeamMembership`, `TinesTeamMembers` and `TinesTeam` share about a team's members: a member as the
 * provider records it, removal with Tines' last-member rule explained, and the words of the
 * preview checks both give (a team or a role that does not exist).
 */
import { TinesApiError, TinesError, type TinesClient, type TinesTeamMemberObject } from "../client";

/** A team member as the provider records it. */
export interface TeamMember {
  /** The user's id. */
  userId: number;
  /** The user's email, as Tines spells it. */
  email: string;
  /** The role on the team. */
  role: string;
  /** Whether the user accepted the team invitation. */
  invitationAccepted: boolean;
}

/** A member of `GET /teams/{id}/members` (or of `invite_member`'s answer) as a {@link TeamMember}. */
export function teamMemberOf(member: TinesTeamMemberObject): TeamMember {
  return { userId: member.id, email: member.email, role: member.role, invitationAccepted: member.invitation_accepted ?? false };
}

/** How a member is named in messages: `ada@example.com (id 5, EDITOR)`. */
export function describeMember(member: Pick<TeamMember, "userId" | "email" | "role">): string {
  return `${member.email} (id ${member.userId}, ${member.role})`;
}

/** Tines refused to remove a team's only member (tines-api.md: "the last member of a team cannot be removed"). */
export class TinesLastMemberError extends TinesError {
  override name = "TinesLastMemberError";
  constructor(
    /** The member that stays. */
    readonly member: TeamMember,
    readonly teamId: number,
    advice: string,
    cause: Error,
  ) {
    super(
      `Cannot remove user ${member.email} (id ${member.userId}) from team ${teamId}: Tines refuses to remove the last member of a team. ${advice}`,
      { cause },
    );
  }
}

/**
 * Removes a member; already gone is success. When Tines refuses because the user is the team's
 * only member (its refusal is an undocumented 4xx, so the member list is read to be sure), throws
 * a {@link TinesLastMemberError} carrying `advice`, what the caller's user can do about it.
 */
export async function removeTeamMember(client: TinesClient, teamId: number, userId: number, advice: string): Promise<void> {
  try {
    await client.teams.removeMember(teamId, userId);
  } catch (error) {
    if (!(error instanceof TinesApiError)) throw error;
    if (error.isNotFound) return;
    if (error.isConflictOrValidation) {
      const members = await client.teams.listMembers(teamId).catch(() => undefined);
      if (members?.length === 1 && members[0]!.id === userId) throw new TinesLastMemberError(teamMemberOf(members[0]!), teamId, advice, error);
    }
    throw error;
  }
}

/** A preview-check reason: the team does not exist. */
export function missingTeamReason(teamId: number, tenant: string): string {
  return `team ${teamId} does not exist in ${tenant}`;
}

/** A preview-check reason: the role is not one of the tenant's. */
export function unknownRoleReason(role: string, roles: readonly string[], tenant: string): string {
  return `"${role}" is not a role in ${tenant} (its roles: ${roles.join(", ")})`;
}

/** A resource that manages a team's whole member list. */
export type AuthoritativeRoster = "TinesTeamMembers" | "TinesTeam";

/** How messages name a roster: the `TinesTeam`'s `members`, or the `TinesTeamMembers`. */
function rosterName(roster: AuthoritativeRoster): string {
  return roster === "TinesTeam" ? "the members of a TinesTeam" : "a TinesTeamMembers";
}

/** How messages name a team: `team 5 ("SOC")`, or `team 5` when its name is not at hand. */
function teamName(team: { id: number; name?: string }): string {
  return `team ${team.id}${team.name === undefined ? "" : ` ("${team.name}")`}`;
}

/**
 * A preview-check reason, given to a `TinesTeamMembership` checked after a roster (a
 * `TinesTeamMembers`, or a `TinesTeam` with `members`) of the same deployment on the same team:
 * the two would fight, the authoritative list removing what the membership adds, one `up` after
 * another.
 */
export function membershipOnAuthoritativeTeamReason(team: { id: number; name?: string }, roster: AuthoritativeRoster): string {
  return (
    `${teamName(team)} has its whole member list managed by ${rosterName(roster)} in this deployment, ` +
    "which removes every member it does not declare: declare this member in that resource's members instead"
  );
}

/**
 * A preview-check reason, given to a roster checked after a roster of the other kind on the same
 * team (a `TinesTeam`'s `members` and a `TinesTeamMembers`): each would remove whom the other
 * declares. Two rosters of one kind cannot be told apart from one checked twice (a dynamic
 * provider's check gets no URN), so only the mix of kinds is caught.
 */
export function twoRostersReason(team: { id: number; name?: string }, other: AuthoritativeRoster): string {
  return (
    `${teamName(team)} already has its whole member list managed by ${rosterName(other)} in this deployment; ` +
    "two rosters would each remove the members only the other declares: keep one"
  );
}

/**
 * A preview-check reason, given to a roster checked after `TinesTeamMembership` resources of the
 * same deployment on the same team (see {@link membershipOnAuthoritativeTeamReason}).
 */
export function authoritativeTeamWithMembershipsReason(team: { id: number; name: string }, who: readonly string[], roster: AuthoritativeRoster): string {
  return (
    `this deployment also declares TinesTeamMembership resources on ${teamName(team)} (${who.join(", ")}); ` +
    `${rosterName(roster)} removes every member it does not declare, so the two would undo each other: ` +
    "move those members into members (or ignoredMembers) and remove the TinesTeamMembership resources"
  );
}

/**
 * Teams made by this process, that is this deployment (one host process serves a deployment:
 * pulumi-dynamic-providers.md, "Runtime facts"), with the roster that wrote a made team's member
 * list, if any. A preview cannot see a membership mixed with the roster of a team the same `up`
 * makes (the new team's id is unknown there), but the membership takes the team's id, so it is
 * created after the team: checked here, the mix fails before the membership is written. Teams that
 * existed before the deployment are left to the preview, which sees them.
 */
const teamsMade = new Map<number, AuthoritativeRoster | undefined>();

/** Records that this deployment made team `teamId`. */
export function recordTeamMade(teamId: number): void {
  teamsMade.set(teamId, undefined);
}

/** Records that `roster` wrote the member list of team `teamId`, if this deployment made that team. */
export function recordRosterWrite(teamId: number, roster: AuthoritativeRoster): void {
  if (teamsMade.has(teamId)) teamsMade.set(teamId, roster);
}

/** Forgets team `teamId` (deleted: an id Tines may give again). */
export function forgetTeamMade(teamId: number): void {
  teamsMade.delete(teamId);
}

/** The roster that wrote the member list of team `teamId`, made by this deployment, if any. */
export function rosterWrittenFor(teamId: number): AuthoritativeRoster | undefined {
  return teamsMade.get(teamId);
}
