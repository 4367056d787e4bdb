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
import * as pulumi from "@pulumi/pulumi";
import {
  TinesApiError,
  TinesConnectionError,
  TinesResponseError,
  operationDeadline,
  type TinesClient,
  type TinesListPage,
  type TinesRoleObject,
  type TinesTeamMemberObject,
  type TinesTeamObject,
  type TinesTemplateObject,
  type TinesUserObject,
} from "../client";
import { confirmGonePauseMs, unlessGone } from "../provider/runtime";
import type { DirectoryMembership } from "./sharedDirectory";

/** How long a read waits for other reads of its kind before the batch is decided, in ms. */
export const batchWindowMs = 10;
/** How long a list keeps serving reads after the last read it served, in ms. */
export const idleMs = 1_000;
/** The most a list serves reads after it was requested, in ms. */
export const maxAgeMs = 60_000;
/**
 * How long after a write a read that does not see the object keeps looking, in ms: Tines may not
 * show a new object at once (issue 20 asks to survive at least 10 s of lag).
 */
export const readAfterWriteLagMs = 10_000;
/** Time kept free of the operation's deadline when a read waits out the lag, in ms. */
const deadlineMarginMs = 2_000;

/** When the object a read asks for was last written, as far as this process and the state know. */
export interface ReadFreshness {
  /** Milliseconds since epoch of the last create or update; undefined when not known to be recent. */
  writtenAt?: number;
}

/** What a shared lookup found. */
type Lookup<T> =
  /** In a list shared with other reads. */
  | { type: "listed"; item: T }
  /** Not in a complete list: confirm with a direct read before dropping it. */
  | { type: "unlisted" }
  /** No list served it: read it directly. */
  | { type: "direct" };

/** A list taken for several reads. */
interface Snapshot<T> {
  items: Map<string, T>;
  /** Whether every page was read (else only the items found say anything). */
  complete: boolean;
  /** The write generation it was taken in. */
  generation: number;
  startedAt: number;
  usedAt: number;
  /**
   * The keys it served: each at most once, because a second read of the same object wants a new
   * observation (a refresh reads each object once; reading it again is another refresh).
   */
  served: Set<string>;
}

/** The writes of this process: a generation that every write start and end bumps, and when each object was last written. */
class WriteLog {
  generation = 0;
  inFlight = 0;
  private readonly lastWrites = new Map<string, number>();

  begin(): () => void {
    this.generation += 1;
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      this.generation += 1;
    };
  }

  record(key: string, at = Date.now()): void {
    this.lastWrites.set(key, at);
  }

  lastWrite(key: string): number | undefined {
    return this.lastWrites.get(key);
  }
}

/** Where a {@link SharedList} reads its items. */
interface ListSource<T> {
  /** The list's pages, each requested only when the previous one was consumed. */
  pages(): AsyncGenerator<TinesListPage<T>>;
  /** The key a read asks for. */
  keyOf(item: T): string;
  /** Whether a list may be tried at all (false once the key proved it may not list this kind). */
  usable?(): boolean;
}

/** Whether an error is Tines failing (after the client's retries), not a bug: a list that fails so falls back to direct reads. */
function isTinesFailure(error: unknown): boolean {
  return error instanceof TinesApiError || error instanceof TinesConnectionError || error instanceof TinesResponseError;
}

/** One kind's reads, shared through one list when that is cheaper (see the file comment for the rule). */
export class SharedList<T> {
  private snapshot: Snapshot<T> | undefined;
  private batch: { waiting: number; result: Promise<Snapshot<T> | undefined> } | undefined;
  /** Pages of the last complete list: what the next one is expected to cost. */
  private pagesEstimate = 1;
  /** Whether {@link pagesEstimate} comes from a list Tines answered (else it is the guess of 1). */
  private pagesSeen = false;
  private readonly directReads: number[] = [];
  private listFailedAt: number | undefined;

  constructor(
    private readonly source: ListSource<T>,
    private readonly writes: WriteLog,
  ) {}

  /** Looks `key` up in a list shared with other reads, when that is cheaper than reading it directly. */
  async lookup(key: string): Promise<Lookup<T>> {
    const fresh = this.freshSnapshot();
    if (fresh && !fresh.served.has(key)) {
      fresh.usedAt = Date.now();
      fresh.served.add(key);
      const item = fresh.items.get(key);
      return item === undefined ? { type: "unlisted" } : { type: "listed", item };
    }
    if (this.writes.inFlight > 0 || this.source.usable?.() === false) return this.direct();
    const batch = (this.batch ??= this.openBatch());
    batch.waiting += 1;
    const snapshot = await batch.result;
    if (!snapshot || snapshot.generation !== this.writes.generation) return this.direct();
    snapshot.served.add(key);
    const item = snapshot.items.get(key);
    if (item !== undefined) return { type: "listed", item };
    return snapshot.complete ? { type: "unlisted" } : this.direct();
  }

  /** How many pages the list has, as the last list this process read showed; undefined before any. */
  get pagesKnown(): number | undefined {
    return this.pagesSeen ? this.pagesEstimate : undefined;
  }

  private direct(): Lookup<T> {
    this.directReads.push(Date.now());
    return { type: "direct" };
  }

  private freshSnapshot(): Snapshot<T> | undefined {
    const snapshot = this.snapshot;
    const now = Date.now();
    if (!snapshot || snapshot.generation !== this.writes.generation || now - snapshot.usedAt >= idleMs || now - snapshot.startedAt >= maxAgeMs) return undefined;
    return snapshot;
  }

  /** Reads waiting, plus the direct reads of the last {@link idleMs}: what a list would serve. */
  private demand(waiting: number): number {
    const since = Date.now() - idleMs;
    while (this.directReads.length > 0 && this.directReads[0]! < since) this.directReads.shift();
    return waiting + this.directReads.length;
  }

  private openBatch() {
    const batch = { waiting: 0, result: Promise.resolve<Snapshot<T> | undefined>(undefined) };
    batch.result = new Promise((resolve) => setTimeout(resolve, batchWindowMs)).then(async () => {
      try {
        const failedRecently = this.listFailedAt !== undefined && Date.now() - this.listFailedAt < idleMs;
        if (failedRecently || !(this.pagesEstimate < this.demand(batch.waiting))) return undefined;
        return await this.list(() => this.demand(batch.waiting));
      } catch (error) {
        if (!isTinesFailure(error)) throw error;
        // Tines failed the list after the client's retries: these reads go direct, never fail for it.
        this.listFailedAt = Date.now();
        return undefined;
      } finally {
        this.batch = undefined;
      }
    });
    return batch;
  }

  /** Reads the list, stopping after a page when the rest would cost more than the reads it serves. */
  private async list(demand: () => number): Promise<Snapshot<T>> {
    const generation = this.writes.generation;
    const startedAt = Date.now();
    const items = new Map<string, T>();
    let complete = true;
    let pagesRead = 0;
    for await (const page of this.source.pages()) {
      pagesRead = page.page;
      for (const item of page.items) items.set(this.source.keyOf(item), item);
      if (!page.hasNext) break;
      const pages = page.pages ?? Math.max(this.pagesEstimate, page.page + 1);
      this.pagesEstimate = pages;
      this.pagesSeen = true;
      if (!(pages < demand())) {
        complete = false;
        break;
      }
    }
    const snapshot: Snapshot<T> = { items, complete, generation, startedAt, usedAt: Date.now(), served: new Set() };
    if (complete) {
      this.pagesEstimate = Math.max(1, pagesRead);
      this.pagesSeen = true;
      if (generation === this.writes.generation) this.snapshot = snapshot;
    }
    return snapshot;
  }
}

/** A read that is itself one list (a team's members, the roles): shared by the reads in flight and, while fresh, by those that follow. */
class SharedRead<T> {
  private readonly entries = new Map<string, { value: Promise<T>; generation: number; startedAt: number; usedAt: number; served: Set<string> }>();

  constructor(private readonly writes: WriteLog) {}

  /**
   * The shared read of `key` for `reader` (what the caller looks for in it), or a new one. Each
   * reader is served by one read at most once (a second look wants a new observation), and
   * `again` always reads anew (a second reading that must not be the first one's answer).
   */
  get(key: string, reader: string, read: () => Promise<T>, again = false): Promise<T> {
    // While this process writes, reads see Tines as it is now.
    if (this.writes.inFlight > 0) return read();
    const now = Date.now();
    const entry = this.entries.get(key);
    const usable = entry && entry.generation === this.writes.generation && now - entry.usedAt < idleMs && now - entry.startedAt < maxAgeMs;
    if (!again && entry && usable && !entry.served.has(reader)) {
      entry.usedAt = now;
      entry.served.add(reader);
      return entry.value;
    }
    const value = read();
    const fresh = { value, generation: this.writes.generation, startedAt: now, usedAt: now, served: new Set([reader]) };
    this.entries.set(key, fresh);
    // A failed read is not shared with the reads that follow.
    value.then(
      () => (fresh.usedAt = Date.now()),
      () => this.entries.get(key) === fresh && this.entries.delete(key),
    );
    return value;
  }
}

async function* onePage<T>(list: () => Promise<T[]>): AsyncGenerator<TinesListPage<T>> {
  yield { page: 1, items: await list(), hasNext: false };
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
   * When object `id` of kind `kind` was last written: by this process, or per the `createdAt` /
   * `updatedAt` its state records (Tines' clock: a time ahead of ours counts as now).
   */
  freshness(kind: string, id: string, recorded: Record<string, unknown>): ReadFreshness {
    const now = Date.now();
    const times = [this.writes.lastWrite(`${kind} ${id}`), ...[recorded.createdAt, recorded.updatedAt].map((value) => (typeof value === "string" ? Date.parse(value) : Number.NaN))]
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
    void pulumi.log.info(
      `pulumi-tines: ${what} in ${this.client.tenantUrl} was written ${ago} s ago and Tines does not show it yet (Tines may show a write late); ` +
        `waiting up to ${(boundMs / 1000).toFixed(1)} s before taking it as gone`,
    );
    for (let pauseMs = 250; Date.now() - started < boundMs; pauseMs = Math.min(pauseMs * 2, 1_000)) {
      await pause(Math.min(pauseMs, Math.max(0, boundMs - (Date.now() - started))));
      last = await direct(true);
      if (seen(last)) {
        void pulumi.log.info(`pulumi-tines: Tines shows ${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return last;
      }
    }
    return last;
  }
}
