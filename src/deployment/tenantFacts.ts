/**
 * The tenant facts a {@link TenantDeployment} reads for preview checks (tenantDeployment.ts says
 * what the deployment shares and why): teams, roles, the user directory with memberships, team
 * member lists and the SCIM user group mapping, each read at most once per deployment, and a few
 * users looked up by email one request each. Read-only requests only.
 *
 * Tenant checks: on by default whenever a tenant and an API key are configured (stack config
 * `tines:previewChecks: false`, or `TINES_PREVIEW_CHECKS=false`, turns them off; without a key they
 * cannot run and only the offline checks do): what would fail at deploy time (a team that does not
 * exist, a role that is not a role, an email that already has a user) fails the preview instead,
 * naming the property, before anything is created; what will happen but is no error (an
 * invitation email) is a warning. They run only on inputs that passed the offline checks, so a
 * wrong input fails without any request. Their cost stays flat as a stack grows, read-only
 * requests only. If the tenant cannot be reached, one warning says so and checks fall back to the
 * offline ones: a preview is never blocked by the network. Once this process has changed the
 * tenant (a `pulumi up` after its preview), the facts are stale and tenant checks stop; the
 * preview that came first reported them.
 */
import type { TinesClient, TinesRoleObject, TinesScimGroupMappingObject, TinesTeamMemberObject, TinesTeamObject, TinesUserObject } from "../client";
import { KnownUsers } from "./claims";
import type { SharedDirectory } from "./sharedDirectory";
import type { SharedReads } from "./sharedReads";
import type { TenantDeployment } from "./tenantDeployment";

/**
 * How many pages the user directory is taken to have before this process has read any list of
 * users: 4 (a tenant of 2,000 people, the size issue 20 plans refresh for). See
 * {@link TenantDeployment.userByEmail}.
 */
export const assumedUserDirectoryPages = 4;

/** The user directory, indexed once. */
interface UserDirectory {
  byEmail: Map<string, TinesUserObject>;
  byId: Map<number, TinesUserObject>;
}

/** The facts of one tenant, read once each: the part of a {@link TenantDeployment} that reads the tenant for its checks. */
export abstract class TenantFacts {
  /** The tenant's origin, for messages. */
  readonly tenantUrl: string;
  /** Adoption's lookups (the deployment's). */
  abstract readonly directory: SharedDirectory;
  /** Refresh's reads (the deployment's): they know how many pages the user directory has. */
  abstract readonly reads: SharedReads;
  /**
   * The users this deployment has seen (read by its checks or lookups, made or read by its
   * resources): who an email is, so one person named by id and by email is one (deployment/claims.ts).
   */
  readonly knownUsers = new KnownUsers();

  private teamsRead: Promise<TinesTeamObject[]> | undefined;
  private rolesRead: Promise<TinesRoleObject[]> | undefined;
  private usersRead: Promise<UserDirectory> | undefined;
  private readonly teamMembersRead = new Map<number, Promise<TinesTeamMemberObject[]>>();
  /** Users looked up by email one request each ({@link userByEmail}), by lowercased email. */
  private readonly usersLookedUpByEmail = new Map<string, Promise<TinesUserObject | undefined>>();
  private scimMappingRead: Promise<TinesScimGroupMappingObject> | undefined;

  constructor(
    /** The client of this deployment's tenant, key and options. */
    readonly client: TinesClient,
  ) {
    this.tenantUrl = client.tenantUrl;
  }

  // Tenant facts: each read at most once per deployment ------------------------------------------

  /** Every team. */
  teams(): Promise<TinesTeamObject[]> {
    return (this.teamsRead ??= this.client.teams.list({ scope: "all" }));
  }

  /** Every role, default and custom. */
  roles(): Promise<TinesRoleObject[]> {
    return (this.rolesRead ??= this.client.roles.list());
  }

  /** A team's members, read once (paged, 500 a page). */
  teamMembers(teamId: number): Promise<TinesTeamMemberObject[]> {
    let members = this.teamMembersRead.get(teamId);
    if (!members) {
      members = this.client.teams.listMembers(teamId);
      this.teamMembersRead.set(teamId, members);
    }
    return members;
  }

  /**
   * The user with this email (case-insensitive), if any, with their team memberships: what the
   * preview checks ask, each email read at most once. **Picked by count**: reading the directory
   * costs ceil(M / 500) requests for a tenant of M users and then answers every email, a lookup by
   * email (`GET /admin/users/{email}`, tines-api.md) costs one request per email. So the first
   * emails are looked up one request each, as long as their number stays below the directory's
   * pages (known from the last list of users this process read, else {@link assumedUserDirectoryPages});
   * the next one reads the directory, which answers it and all that follow. A few checks cost a
   * few requests, many cost at most twice what the directory alone would. On a tenant that does
   * not look users up by email (a 404 for an email the directory holds), the directory answers.
   */
  async userByEmail(email: string): Promise<TinesUserObject | undefined> {
    const key = email.trim().toLowerCase();
    const lookedUp = this.usersLookedUpByEmail.get(key);
    if (lookedUp) return lookedUp;
    const pages = this.reads.userDirectoryPages() ?? assumedUserDirectoryPages;
    const cheaperOneByOne = this.usersRead === undefined && this.directory.userLookupByEmail !== "unsupported" && this.usersLookedUpByEmail.size + 1 < pages;
    if (!cheaperOneByOne) return this.userInDirectory(key);
    const user = this.directory.lookUpByEmail(key).then(async (answer) => {
      if (answer) return this.known(answer.user);
      const found = await this.userInDirectory(key);
      this.directory.learnFromDirectory(found);
      return found;
    });
    this.usersLookedUpByEmail.set(key, user);
    // A failed lookup is not kept: the next check tries again (and says what failed).
    user.catch(() => this.usersLookedUpByEmail.get(key) === user && this.usersLookedUpByEmail.delete(key));
    return user;
  }

  /** The user with this email (case-insensitive), if any, from the directory read once with each user's team memberships. */
  async userInDirectory(email: string): Promise<TinesUserObject | undefined> {
    return (await this.users()).byEmail.get(email.trim().toLowerCase());
  }

  /** The user with this id, if any, from the directory read once. */
  async userById(userId: number): Promise<TinesUserObject | undefined> {
    return (await this.users()).byId.get(userId);
  }

  /** Every user of the tenant, from the directory read once. */
  async allUsers(): Promise<TinesUserObject[]> {
    return [...(await this.users()).byId.values()];
  }

  /** The SCIM user group mapping Tines holds, read once (tenant-owner key; rejects where the tenant has none to read). */
  scimMapping(): Promise<TinesScimGroupMappingObject> {
    return (this.scimMappingRead ??= this.client.scim.getGroupMapping());
  }

  /**
   * How many users of the directory (read once) were provisioned through SCIM: tines-api.md says
   * SCIM-provisioned users carry a non-null `scim_uid`, and Tines says nothing else about whether a
   * tenant uses SCIM, so this count is the only sign there is.
   */
  async scimProvisionedUserCount(): Promise<number> {
    return (await this.allUsers()).filter((user) => typeof user.scim_uid === "string" && user.scim_uid !== "").length;
  }

  /** `user`, once recorded among the {@link knownUsers}. */
  known<User extends { id: number; email: string } | undefined>(user: User): User {
    if (user !== undefined) this.knownUsers.learn(user);
    return user;
  }

  private users(): Promise<UserDirectory> {
    return (this.usersRead ??= this.client.users.listAll({ includeTeamMemberships: true }).then((users) => {
      for (const user of users) this.knownUsers.learn(user);
      return { byEmail: new Map(users.map((user) => [user.email.toLowerCase(), user])), byId: new Map(users.map((user) => [user.id, user])) };
    }));
  }
}
