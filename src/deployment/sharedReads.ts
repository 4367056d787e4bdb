/**
 * Reads that share list requests: what a refresh of a whole stack costs. `pulumi refresh` sends
 * every read of a stack to one provider process, up to 4 × CPU count at once
 * (pulumi-dynamic-providers.md, "Scheduling"), and Tines lists 500 users a page with their team
 * memberships (tines-api.md, "Users"): the users and memberships of a stack of 1,000 users are in
 * two requests, where one read each would take 2,000 on the 500-a-minute users limit.
 *
 * **The rule** (one for every kind; {@link SharedList}): a read waits {@link batchWindowMs} for
 * other reads of the same kind. Then, if the list costs fewer requests (its pages, known from the
 * last list, else 1) than the reads it would serve (those waiting, plus the direct reads of the
 * last second: a refresh's reads arrive as a stream), one list serves them all; otherwise each is
 * one direct request. A lone read is therefore always one request, and a refresh of one resource
 * in a tenant of 5,000 users never pages through ten pages: a list whose first page says it has
 * more pages than the reads waiting stops there, serves those it found and reads the others
 * directly. A complete list then serves the reads that follow while it is fresh: until
 * {@link idleMs} pass without a read it serves, and never beyond {@link maxAgeMs}.
 *
 * **Exactly what a direct read gives.** List items are the objects a direct read answers (the
 * same documented shapes). An object missing from a complete list is read directly before it is
 * dropped (two observations agree, as `unlessConfirmedGone` asks of direct reads); a list that
 * fails after its retries (429, 5xx, no connection) makes its reads direct, and no list is tried
 * again until the kind has been idle a while. No snapshot hides a write of this process: every
 * create, update and delete bumps a generation ({@link SharedReads.beginWrite}) and a list is
 * used only by reads of the generation it was taken in; while a write runs, reads are direct.
 *
 * **Read-after-write lag.** Tines may not show a new user or member for a while after the write.
 * A read of an object written less than {@link readAfterWriteLagMs} ago (by this process, or per
 * the `createdAt`/`updatedAt` the state records) that Tines does not show waits, polling, until
 * that long after the write, bounded by the operation's deadline, and says so in the log, rather
 * than dropping the object from the stack (the next `up` would then fail with "already exists").
 */
import { engineLog } from "../engineLog";
import {
  TinesApiError,
  operationDeadline,
  type TinesClient,
  type TinesRoleObject,
  type TinesTeamMemberObject,
  type TinesTeamObject,
  type TinesTemplateObject,
  type TinesUserObject,
} from "../client";
import { confirmGonePauseMs, unlessGone } from "../provider/runtime";
import type { DirectoryMembership } from "./sharedDirectory";
import { SharedList, SharedRead, WriteLog, batchWindowMs, idleMs, maxAgeMs, onePage, type Lookup } from "./sharedList";

export { batchWindowMs, idleMs, maxAgeMs } from "./sharedList";
/**
 * How long after a write a read that does not see the object keeps looking, in ms: Tines may not
 * show a new object at once (issue 20 asks to survive at least 10 s of lag).
 */
export const readAfterWriteLagMs = 10_000;
/**
 * The hidden output in which a resource records when this package last wrote its object (a create
 * or an update that sent something to Tines), as an ISO time: Tines may not show a new object for
 * a while after the write (tines-api.md; issue 20), and a later `pulumi refresh` runs in a process
 * of its own, which knows of the write only from the state. Users and custom roles also record
 * Tines' own `createdAt`/`updatedAt`; teams, memberships, rosters and templates record nothing
 * else. Not read by programs.
 */
export const writtenAtOutput = "__writtenAt";

/** Time kept free of the operation's deadline when a read waits out the lag, in ms. */
const deadlineMarginMs = 2_000;

/** When the object a read asks for was last written, as far as this process and the state know. */
export interface ReadFreshness {
  /** Milliseconds since epoch of the last create or update; undefined when not known to be recent. */
  writtenAt?: number;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The reads of one deployment (`deployment.reads`), each kind's shared through its list (see the
 * file comment): a method per kind, each answering what a direct read answers, or undefined once
 * the object is confirmed gone (after waiting out the lag of a recent write).
 */
export class SharedReads {
  private readonly writes = new WriteLog();
  /** Set once the key proved it may not read users (a Team key: 403): memberships are then read through member lists. */
  private usersForbidden = false;
  private readonly users: SharedList<TinesUserObject>;
  private readonly templates: SharedList<TinesTemplateObject>;
  private readonly teams: SharedList<TinesTeamObject>;
  private readonly roleLists: SharedRead<TinesRoleObject[]>;
  private readonly memberLists: SharedRead<TinesTeamMemberObject[] | undefined>;

  /** @param client The deployment's client. */
  constructor(private readonly client: TinesClient) {
    // Users with their team memberships: one list serves users and memberships alike (tines-api.md, "Users").
    this.users = new SharedList(
      { pages: () => client.users.pages({ includeTeamMemberships: true }), keyOf: (user) => String(user.id), usable: () => !this.usersForbidden },
      this.writes,
    );
    this.templates = new SharedList({ pages: () => client.templates.pages(), keyOf: (template) => template.id }, this.writes);
    this.teams = new SharedList({ pages: () => onePage(() => client.teams.list({ scope: "all" })), keyOf: (team) => String(team.id) }, this.writes);
    this.roleLists = new SharedRead(this.writes);
    this.memberLists = new SharedRead(this.writes);
  }

  // Writes -------------------------------------------------------------------------------------------

  /** Records that this process starts a create, update or delete; call the function returned when it ends. Lists taken before are not used after. */
  beginWrite(): () => void {
    return this.writes.begin();
  }

  /** Records that this process wrote the object `id` of resource kind `kind` now (a create or update). */
  recordWrite(kind: string, id: string): void {
    this.writes.record(`${kind} ${id}`);
  }

  /**
   * When object `id` of kind `kind` was last written: by this process, or per what its state
   * records: the time this package wrote it (`__writtenAt`: a refresh runs in a process of its own),
   * and Tines' `createdAt` / `updatedAt` (Tines' clock: a time ahead of ours counts as now).
   */
  freshness(kind: string, id: string, recorded: Record<string, unknown>): ReadFreshness {
    const now = Date.now();
    const times = [this.writes.lastWrite(`${kind} ${id}`), ...[recorded[writtenAtOutput], recorded.createdAt, recorded.updatedAt].map((value) => (typeof value === "string" ? Date.parse(value) : Number.NaN))]
      .filter((time): time is number => time !== undefined && !Number.isNaN(time))
      .map((time) => Math.min(time, now));
    return times.length === 0 ? {} : { writtenAt: Math.max(...times) };
  }

  /** How many pages (500 users each) the user directory has, as the last list of it this process read showed; undefined before any. */
  userDirectoryPages(): number | undefined {
    return this.users.pagesKnown;
  }

  // Reads --------------------------------------------------------------------------------------------

  /** A user (`GET /admin/users/{id}`), or undefined once confirmed gone. */
  async user(userId: number, freshness: ReadFreshness = {}): Promise<TinesUserObject | undefined> {
    const direct = () => unlessGone(this.client.users.get(userId));
    return this.settled(`user ${userId}`, await this.users.lookup(String(userId)), direct, freshness);
  }

  /**
   * A user's membership of a team, or undefined once confirmed absent. Through the user's
   * `team_memberships` (which carry no invitation state: the caller keeps what it recorded); a key
   * that may not read users (403) reads the team's member list instead, once per team.
   */
  async membership(teamId: number, userId: number, freshness: ReadFreshness = {}): Promise<DirectoryMembership | undefined> {
    const ofUser = (user: TinesUserObject | undefined): DirectoryMembership | undefined => {
      const membership = user?.team_memberships?.find((each) => each.team_id === teamId);
      return user && membership ? { userId: user.id, email: user.email, role: membership.role, user } : undefined;
    };
    const direct = async (again: boolean): Promise<DirectoryMembership | undefined> => {
      if (!this.usersForbidden) {
        try {
          return ofUser(await unlessGone(this.client.users.get(userId, { includeTeamMemberships: true })));
        } catch (error) {
          if (!(error instanceof TinesApiError && error.isForbidden)) throw error;
          this.usersForbidden = true;
        }
      }
      const member = (await this.memberList(teamId, `member ${userId}`, again))?.find((each) => each.id === userId);
      return member && { userId: member.id, email: member.email, role: member.role, invitationAccepted: member.invitation_accepted ?? false };
    };
    const shared = await this.users.lookup(String(userId));
    const listed: Lookup<DirectoryMembership> =
      shared.type !== "listed" ? shared : ofUser(shared.item) ? { type: "listed", item: ofUser(shared.item)! } : { type: "unlisted" };
    return this.settled(`the membership of user ${userId} in team ${teamId}`, listed, direct, freshness);
  }

  /** A private template (`GET /admin/templates/{id}`), or undefined once confirmed gone. */
  async template(templateId: string, freshness: ReadFreshness = {}): Promise<TinesTemplateObject | undefined> {
    const direct = () => unlessGone(this.client.templates.get(templateId));
    return this.settled(`template ${templateId}`, await this.templates.lookup(templateId), direct, freshness);
  }

  /** A team (`GET /teams/{id}`), or undefined once confirmed gone. */
  async team(teamId: number, freshness: ReadFreshness = {}): Promise<TinesTeamObject | undefined> {
    const direct = () => unlessGone(this.client.teams.get(teamId));
    return this.settled(`team ${teamId}`, await this.teams.lookup(String(teamId)), direct, freshness);
  }

  /**
   * A role from the roles list (Tines documents no GET of one role, so the list is the read: the
   * reads in flight share it), or undefined once confirmed gone.
   */
  async role(roleId: string, freshness: ReadFreshness = {}): Promise<TinesRoleObject | undefined> {
    const find = async (again: boolean) => (await this.roleLists.get("roles", roleId, () => this.client.roles.list(), again)).find((role) => role.id === roleId);
    return this.settled(`role ${roleId}`, { type: "direct" }, find, freshness);
  }

  /**
   * A team's members (`GET /teams/{id}/members`, paged), read once for the reads in flight, or
   * undefined once the team is confirmed gone. With `shows`, a list that lacks what a recent write
   * put there is read again until it shows it or the lag is waited out.
   */
  async teamMembers(
    teamId: number,
    options: ReadFreshness & { shows?: (members: TinesTeamMemberObject[]) => boolean } = {},
  ): Promise<TinesTeamMemberObject[] | undefined> {
    return this.settled(`the members of team ${teamId}`, { type: "direct" }, (again) => this.memberList(teamId, "members", again), options, options.shows);
  }

  /** A team's member list, shared by the reads in flight; `reader` is what the caller looks for in it. */
  private memberList(teamId: number, reader: string, again: boolean): Promise<TinesTeamMemberObject[] | undefined> {
    return this.memberLists.get(String(teamId), reader, () => unlessGone(this.client.teams.listMembers(teamId)), again);
  }

  /**
   * What a read found: the shared list's item, else a direct read. An object a direct read does not
   * find is read again a moment later (a list that lacked it counts as the first reading), and one
   * written recently is looked for until the lag is waited out (see the file comment).
   */
  private async settled<T>(
    what: string,
    shared: Lookup<T>,
    direct: (again: boolean) => Promise<T | undefined>,
    freshness: ReadFreshness,
    shows: (found: T) => boolean = () => true,
  ): Promise<T | undefined> {
    if (shared.type === "listed") return shared.item;
    const seen = (found: T | undefined): found is T => found !== undefined && shows(found);
    const found = await direct(false);
    if (seen(found)) return found;
    if (found === undefined && shared.type === "direct" && !this.recent(freshness)) {
      // One 404 (a proxy's page, a replica behind) never drops an object: a second read must agree.
      await pause(confirmGonePauseMs);
      return direct(true);
    }
    return this.waitOutLag(what, direct, freshness, seen, found);
  }

  private recent(freshness: ReadFreshness): boolean {
    return freshness.writtenAt !== undefined && Date.now() - freshness.writtenAt < readAfterWriteLagMs;
  }

  /** Polls `direct` until it shows the object or {@link readAfterWriteLagMs} have passed since the write (bounded by the operation's deadline). */
  private async waitOutLag<T>(
    what: string,
    direct: (again: boolean) => Promise<T | undefined>,
    freshness: ReadFreshness,
    seen: (found: T | undefined) => found is T,
    last: T | undefined,
  ): Promise<T | undefined> {
    if (!this.recent(freshness)) return last;
    const started = Date.now();
    const remaining = operationDeadline()?.remainingMs();
    const lagLeft = freshness.writtenAt! + readAfterWriteLagMs - started;
    const boundMs = Math.max(0, Math.min(lagLeft, remaining === undefined ? lagLeft : remaining - deadlineMarginMs));
    const ago = ((started - freshness.writtenAt!) / 1000).toFixed(1);
    void engineLog.info(
      `${what} in ${this.client.tenantUrl} was written ${ago} s ago and Tines does not show it yet (Tines may show a write late); ` +
        `waiting up to ${(boundMs / 1000).toFixed(1)} s before taking it as gone`,
    );
    for (let pauseMs = 250; Date.now() - started < boundMs; pauseMs = Math.min(pauseMs * 2, 1_000)) {
      await pause(Math.min(pauseMs, Math.max(0, boundMs - (Date.now() - started))));
      last = await direct(true);
      if (seen(last)) {
        void engineLog.info(`Tines shows ${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return last;
      }
    }
    return last;
  }
}
