/**
 * How a membership operation fails, as typed values: each failure carries the operation, the team,
 * the member (as declared, and as Tines holds them where known) and the cause, so a caller branches
 * on the class and its fields, never on the text. The messages are what users read in `pulumi up`.
 */
import { TinesError } from "../client";
import { describeInvitee, type Invitee, type TeamMember } from "./members";

/** The operations of membership/operations.ts. */
export type MembershipOperation = "invite" | "changeRole" | "remove";

/** A membership operation that failed: which operation, on which team, about whom. */
export abstract class TinesMembershipError extends TinesError {
  /** The operation that failed. */
  abstract readonly operation: MembershipOperation;

  constructor(
    /** The team. */
    readonly teamId: number,
    message: string,
    cause?: Error,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/**
 * Tines refused or failed an invitation, after the waits for a user being deleted and the
 * reconciliation of a lost answer (tines-api.md, "Teams and membership": `invite_member`). The
 * message is the cause's: the request and Tines' answer say what went wrong.
 */
export class TinesInvitationError extends TinesMembershipError {
  override name = "TinesInvitationError";
  readonly operation = "invite";
  declare readonly cause: Error;

  constructor(
    teamId: number,
    /** Whom the invitation was for. */
    readonly invitee: Invitee,
    /** The role it asked for. */
    readonly role: string,
    cause: Error,
  ) {
    super(teamId, cause.message, cause);
  }
}

/**
 * Tines refused to remove a team's only member (tines-api.md: "the last member of a team cannot be
 * removed"; the refusal is an undocumented 4xx, so the member list was read to be sure).
 */
export class TinesLastMemberError extends TinesMembershipError {
  override name = "TinesLastMemberError";
  readonly operation = "remove";
  declare readonly cause: Error;

  constructor(
    /** The member that stays. */
    readonly member: TeamMember,
    teamId: number,
    /** What the resource's user can do about it. */
    readonly advice: string,
    cause: Error,
  ) {
    super(
      teamId,
      `Cannot remove user ${member.email} (id ${member.userId}) from team ${teamId}: Tines refuses to remove the last member of a team. ${advice}`,
      cause,
    );
  }
}

/**
 * A role change refused before any request: the member is the team's only one, and Tines has no
 * role update, so the change would remove them first, which the last-member rule forbids.
 */
export class TinesOnlyMemberRoleChangeError extends TinesMembershipError {
  override name = "TinesOnlyMemberRoleChangeError";
  readonly operation = "changeRole";

  constructor(
    /** The only member, as Tines holds them. */
    readonly member: TeamMember,
    teamId: number,
    /** The role asked for. */
    readonly role: string,
  ) {
    super(
      teamId,
      `${member.email} is the only member of team ${teamId}, and Tines has no role update: changing the role ` +
        "means removing them first, which Tines refuses for a team's last member. Declare another member, run `pulumi up`, then change the role.",
    );
  }
}

/**
 * A role change whose new invitation failed after the member was removed. The member was invited
 * again with their old role where Tines allowed it: `restored` is the member as Tines then holds
 * them, undefined when that failed too (the member is then off the team). The message is the
 * failed invitation's; {@link describeFailedRoleChange} names the change.
 */
export class TinesRoleChangeError extends TinesMembershipError {
  override name = "TinesRoleChangeError";
  readonly operation = "changeRole";
  declare readonly cause: TinesInvitationError;

  constructor(
    /** The member before the change. */
    readonly member: TeamMember,
    teamId: number,
    /** The role asked for. */
    readonly role: string,
    readonly restored: TeamMember | undefined,
    cause: TinesInvitationError,
  ) {
    super(teamId, cause.message, cause);
  }
}

/** How messages name an invitation that failed: `adding user 5 as EDITOR failed: ...`. */
export function describeFailedInvitation(error: TinesInvitationError): string {
  return `adding ${describeInvitee(error.invitee)} as ${error.role} failed: ${error.message}`;
}

/** How messages name a role change that failed: `changing the role of ada@example.com to EDITOR failed: ...`. */
export function describeFailedRoleChange(error: TinesRoleChangeError): string {
  return `changing the role of ${error.member.email} to ${error.role} failed: ${error.message}`;
}
