/**
 * Adoption lookups that scale: the user directory (and, for keys that may not read users, a team's
 * member list) is read once per host process, that is once per deployment, and shared by every
 * resource that adopts, as the preview checks share the facts of the {@link TenantDeployment} that holds it. Tines has no email filter
 * on `admin/users` (tines-api.md, "Users"), so without this each adopted user paged the whole
 * directory: about N × ceil(M / 500) requests to adopt N users of a tenant of M.
 *
 * The snapshot is taken when the first resource asks and may be stale by the time a later one
 * does (or, in a host process that outlives a deployment, belong to an earlier one), so it is
 * trusted only to say where to look:
 * - a user found in it is read again by id (one request) and its current state is returned; a user
 *   gone since (404), or whose id now holds another email, is looked up afresh;
 * - a user NOT found in it is looked up afresh (paging, as before) before anyone concludes it does
 *   not exist: someone created during the deployment is still found, and the snapshot can never
 *   make a create duplicate something.
 * So adopting N users of a tenant of M costs N + ceil(M / 500) requests instead of N × ceil(M / 500).
 */
import { TinesApiError, TinesError, type TinesClient, type TinesTeamMemberObject, type TinesUserObject } from "../client";
import { unlessGone } from "../provider/runtime";
import type { TenantDeployment } from "./tenantDeployment";

/** Where a team membership was found and how it stands. */
export interface DirectoryMembership {
  userId: number;
  email: string;
  role: string;
  /** Unknown (undefined) when the membership was found through the user's `team_memberships`. */
  invitationAccepted?: boolean;
  /** The user as just read, when the membership was found through the user (so no second read is needed). */
  user?: TinesUserObject;
}

/** The shared lookups of one deployment's tenant: `deployment.directory`. */
export class SharedDirectory {
  private readonly membersByTeam = new Map<number, Promise<TinesTeamMemberObject[]>>();

  /**
   * @param client The deployment's client.
   * @param snapshot The deployment whose user directory, read once, says where to look.
   */
  constructor(
    private readonly client: TinesClient,
    private readonly snapshot: Pick<TenantDeployment, "userByEmail">,
  ) {}

  /**
   * The user with this email as Tines now holds them, or undefined: the same answer as
   * `client.users.findByEmail`, at the cost of one request per user found instead of a page walk.
   */
  async findByEmail(email: string): Promise<TinesUserObject | undefined> {
    // A snapshot that could not be read is no answer: the fresh lookup below says what is wrong.
    const known = await this.snapshot
      .userByEmail(email.trim())
      .catch((error: unknown) => {
        if (error instanceof TinesError) return undefined;
        throw error;
      });
    if (known) {
      const current = await unlessGone(this.client.users.get(known.id, { includeTeamMemberships: true }));
      if (current && sameEmail(current.email, email)) return current;
    }
    return this.client.users.findByEmail(email);
  }

  /**
   * A user's membership of a team as Tines now holds it, or undefined. With a tenant-owner key it
   * is one request: the user, found through the snapshot, read with `team_memberships`. A key that
   * may not read users (a Team key, 403) has no per-member endpoint: the team's member list is read
   * once and shared, and a member not in it is looked up afresh before concluding it is absent.
   */
  async findMembership(teamId: number, who: { userId: number } | { email: string }): Promise<DirectoryMembership | undefined> {
    try {
      let user =
        "userId" in who ? await unlessGone(this.client.users.get(who.userId, { includeTeamMemberships: true })) : await this.findByEmail(who.email);
      // A user found by a fresh walk of the directory (not in the snapshot) comes without
      // `team_memberships`: read it with them, or an existing membership would look absent.
      if (user && user.team_memberships === undefined) user = await unlessGone(this.client.users.get(user.id, { includeTeamMemberships: true }));
      const membership = user?.team_memberships?.find((each) => each.team_id === teamId);
      return user && membership ? { userId: user.id, email: user.email, role: membership.role, user } : undefined;
    } catch (error) {
      if (!(error instanceof TinesApiError && error.isForbidden)) throw error;
    }
    const matches = (member: TinesTeamMemberObject) => ("userId" in who ? member.id === who.userId : sameEmail(member.email, who.email));
    const member = (await this.teamMembers(teamId)).find(matches) ?? (await unlessGone(this.client.teams.findMember(teamId, who)));
    return member
      ? { userId: member.id, email: member.email, role: member.role, invitationAccepted: member.invitation_accepted ?? false }
      : undefined;
  }

  /** A team's members, read once. A team that is gone has none. */
  private teamMembers(teamId: number): Promise<TinesTeamMemberObject[]> {
    let members = this.membersByTeam.get(teamId);
    if (!members) {
      members = unlessGone(this.client.teams.listMembers(teamId)).then((found) => found ?? []);
      // A failed read is not kept: the next resource tries again.
      members.catch(() => this.membersByTeam.delete(teamId));
      this.membersByTeam.set(teamId, members);
    }
    return members;
  }
}

function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
