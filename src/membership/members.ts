/**
 * What `TinesTeamMembership`, `TinesTeamMembers` and `TinesTeam` share about a team's members: a
 * member as the provider records it, who an operation is about, how messages name them, and the
 * words of the preview checks all three give (a team or a role that does not exist, a team's
 * members managed twice).
 */
import { didYouMean } from "../provider/suggestions";
import type { TinesTeamMemberObject } from "../client";

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

/**
 * Who a membership operation is about, as declared: a user id, or an email (inviting an email that
 * has no account creates the tenant user: tines-api.md, "Teams and membership").
 */
export type Invitee = { userId: number } | { email: string };

/** How messages name an invitee: `user 5`, or the email. */
export function describeInvitee(invitee: Invitee): string {
  return "userId" in invitee ? `user ${invitee.userId}` : invitee.email;
}

/** A preview-check reason: the team does not exist. */
export function missingTeamReason(teamId: number, tenant: string): string {
  return `team ${teamId} does not exist in ${tenant}`;
}

/** A preview-check reason: the role is not one of the tenant's. */
export function unknownRoleReason(role: string, roles: readonly string[], tenant: string): string {
  return `"${role}" is not a role in ${tenant} (its roles: ${roles.join(", ")})${didYouMean(role, roles)}`;
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
