/**
 * Adoption lookups that scale. A user is looked up by email in one request where the tenant allows
 * it: `GET /admin/users/{email}` (tines-api.md, "get by email", new in the 2026-06 docs). An older
 * tenant answers 404 for every email, which looks like "no such user"; so a 404 is final only once
 * this deployment has seen the tenant answer a lookup by email. Until then a 404 falls back to the
 * user directory, and a user the directory holds after a 404 by email proves the tenant does not
 * look users up by email: the deployment remembers it and goes to the directory at once from then
 * on ({@link SharedDirectory.userLookupByEmail}).
 *
 * The directory (and, for keys that may not read users, a team's member list) is read once per
 * host process, that is once per deployment, and shared by every resource that falls back to it, as
 * the preview checks share the facts of the {@link TenantDeployment} that holds it. Tines has no
 * email filter on `admin/users` (tines-api.md, "Users"), so without this each adopted user on an
 * older tenant paged the whole directory: about N × ceil(M / 500) requests to adopt N users of a
 * tenant of M.
 *
 * The snapshot is taken when the first resource asks and may be stale by the time a later one
 * does (or, in a host process that outlives a deployment, belong to an earlier one), so it is
 * trusted only to say where to look:
 * - a user found in it is read again by id (one request) and its current state is returned; a user
 *   gone since (404), or whose id now holds another email, is looked up afresh;
 * - a user NOT found in it is looked up afresh (paging, as before) before anyone concludes it does
 *   not exist: someone created during the deployment is still found, and the snapshot can never
 *   make a create duplicate something.
 *
 * Costs: adopting N users of a tenant of M is N requests where the tenant looks users up by email;
 * on an older tenant, N + ceil(M / 500) + 1 (the first 404 that taught it), instead of
 * N × ceil(M / 500). An adoption always reads its user's current state, so once the tenant looks
 * users up by email the directory is never cheaper for it; where the directory does win, many
 * preview checks answered from one read, the deployment picks by count
 * ({@link TenantDeployment.userByEmail}).
 */
import { TinesApiError, TinesError, type TinesClient, type TinesTeamMemberObject, type TinesUserObject } from "../client";
import { engineLog } from "../engineLog";
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

/**
 * Whether the tenant answers `GET /admin/users/{email}`, as far as this deployment has seen:
 * `unknown` until an answer says, `supported` once a user was found so, `unsupported` once a user
 * it answered 404 for was in the directory (an older tenant).
 */
export type UserLookupByEmail = "unknown" | "supported" | "unsupported";

/** A lookup by email that Tines answered for certain: the user, or undefined for none. */
export interface EmailLookupAnswer {
  user: TinesUserObject | undefined;
}

/** The shared lookups of one deployment's tenant: `deployment.directory`. */
export class SharedDirectory {
  private readonly membersByTeam = new Map<number, Promise<TinesTeamMemberObject[]>>();
  private lookupByEmail: UserLookupByEmail = "unknown";

  /**
   * @param client The deployment's client.
   * @param snapshot The deployment whose user directory, read once, says where to look.
   */
  constructor(
    private readonly client: TinesClient,
    private readonly snapshot: Pick<TenantDeployment, "userInDirectory">,
  ) {}

  /** Whether this deployment's tenant looks users up by email, as far as it has seen (see the file comment). */
  get userLookupByEmail(): UserLookupByEmail {
    return this.lookupByEmail;
  }

  /**
   * One user by email in one request (`GET /admin/users/{email}?include=team_memberships`): the
   * answer when it is certain, or undefined when it is not and the caller must ask the directory
   * (then it tells {@link learnFromDirectory} what the directory held). No request at all once the
   * tenant proved it does not look users up by email.
   */
  async lookUpByEmail(email: string): Promise<EmailLookupAnswer | undefined> {
    if (this.lookupByEmail === "unsupported") return undefined;
    const user = await this.client.users.getByEmail(email, { includeTeamMemberships: true });
    if (user) {
      this.lookupByEmail = "supported";
      return { user };
    }
    // A tenant that answered a lookup by email before means this 404: no such user, as a 404 by id does.
    return this.lookupByEmail === "supported" ? { user: undefined } : undefined;
  }

  /**
   * After a 404 by email that {@link lookUpByEmail} could not take as final, what the directory
   * held for that email: a user there means the tenant does not look users up by email (an older
   * tenant), remembered for the rest of the deployment. Nothing there teaches nothing: the user may
   * simply not exist.
   */
  learnFromDirectory(found: TinesUserObject | undefined): void {
    if (!found || this.lookupByEmail !== "unknown") return;
    this.lookupByEmail = "unsupported";
    void engineLog.info(
      `${this.client.tenantUrl} does not look users up by email (GET /admin/users/{email} answered 404 for ${found.email}, who exists); ` +
        "this deployment finds users by email through its shared read of the user directory",
    );
  }

  /**
   * The user with this email as Tines now holds them, or undefined: the same answer as
   * `client.users.findByEmail`, in one request where the tenant looks users up by email, else at
   * the cost of one request per user found plus one shared read of the directory instead of a page
   * walk each.
   */
  async findByEmail(email: string): Promise<TinesUserObject | undefined> {
    const answer = await this.lookUpByEmail(email);
    if (answer) return answer.user;
    const found = await this.findThroughDirectory(email);
    this.learnFromDirectory(found);
    return found;
  }

  /** {@link findByEmail} through the directory snapshot, read once per deployment (see the file comment). */
  private async findThroughDirectory(email: string): Promise<TinesUserObject | undefined> {
    // A snapshot that could not be read is no answer: the fresh lookup below says what is wrong.
    const known = await this.snapshot
      .userInDirectory(email.trim())
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
   * is one request: the user, found by id or by email ({@link findByEmail}), read with
   * `team_memberships`. A key that
   * may not read users (a Team key, 403) has no per-member endpoint: the team's member list is read
   * once and shared, and a member not in it is looked up afresh before concluding it is absent.
   */
  async findMembership(teamId: number, who: { userId: number } | { email: string }): Promise<DirectoryMembership | undefined> {
    try {
      let user =
        "userId" in who ? await unlessGone(this.client.users.get(who.userId, { includeTeamMemberships: true })) : await this.findByEmail(who.email);
      // A user found by a fresh walk of the directory (not in the snapshot), or by an email lookup
      // that ignored `include`, comes without `team_memberships`: read it with them, or an
      // existing membership would look absent.
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
