/**
 * One kind's reads shared through one list, and the write log that keeps a list from hiding a
 * write: the machinery of {@link SharedReads} (sharedReads.ts), whose file comment states the rule.
 */
import {
  TinesApiError,
  TinesConnectionError,
  TinesResponseError,
  operationDeadline,
  withOperationDeadline,
  type OperationDeadline,
  type TinesListPage,
} from "../client";
import type { SharedReads } from "./sharedReads";

/** How long a read waits for other reads of its kind before the batch is decided, in ms. */
export const batchWindowMs = 10;
/** How long a list keeps serving reads after the last read it served, in ms. */
export const idleMs = 1_000;
/** The most a list serves reads after it was requested, in ms. */
export const maxAgeMs = 60_000;

/** What a shared lookup found. */
export type Lookup<T> =
  /** In a list shared with other reads. */
  | { type: "listed"; item: T }
  /** Not in a complete list: confirm with a direct read before dropping it. */
  | { type: "unlisted" }
  /** No list served it: read it directly. */
  | { type: "direct" };

/** A list taken for several reads. */
export interface Snapshot<T> {
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
export class WriteLog {
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

/** The reads waiting for one list: how many, their operations' deadlines, and the list's result. */
interface Batch<T> {
  waiting: number;
  deadlines: OperationDeadline[];
  result: Promise<Snapshot<T> | undefined>;
}

/** Where a {@link SharedList} reads its items. */
export interface ListSource<T> {
  /** The list's pages, each requested only when the previous one was consumed. */
  pages(): AsyncGenerator<TinesListPage<T>>;
  /** The key a read asks for. */
  keyOf(item: T): string;
  /** Whether a list may be tried at all (false once the key proved it may not list this kind). */
  usable?(): boolean;
}

/** Whether an error is Tines failing (after the client's retries), not a bug: a list that fails so falls back to direct reads. */
export function isTinesFailure(error: unknown): boolean {
  return error instanceof TinesApiError || error instanceof TinesConnectionError || error instanceof TinesResponseError;
}

/** One kind's reads, shared through one list when that is cheaper (see the file comment for the rule). */
export class SharedList<T> {
  private snapshot: Snapshot<T> | undefined;
  private batch: Batch<T> | undefined;
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
    const deadline = operationDeadline();
    if (deadline) batch.deadlines.push(deadline);
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

  private openBatch(): Batch<T> {
    const batch: Batch<T> = { waiting: 0, deadlines: [], result: Promise.resolve(undefined) };
    batch.result = new Promise((resolve) => setTimeout(resolve, batchWindowMs)).then(async () => {
      try {
        const failedRecently = this.listFailedAt !== undefined && Date.now() - this.listFailedAt < idleMs;
        if (failedRecently || !(this.pagesEstimate < this.demand(batch.waiting))) return undefined;
        return await this.listWithin(batch.deadlines, () => this.list(() => this.demand(batch.waiting), batch.deadlines));
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

  /**
   * Runs the list within half the time the reads waiting for it have left (their operations'
   * deadlines, tines:operationTimeoutSeconds), not within the first reader's: a list that stalls
   * (a hang, a 429 storm) then fails while the reads still have the other half to read directly, as
   * a failed list promises. Outside any operation (no deadline), the list is bounded as its caller is.
   */
  private listWithin(waiting: readonly OperationDeadline[], list: () => Promise<Snapshot<T>>): Promise<Snapshot<T>> {
    if (waiting.length === 0) return list();
    const left = Math.min(...waiting.map((deadline) => deadline.remainingMs()));
    return withOperationDeadline(Math.max(1, Math.floor(left / 2)), list, waiting[0]!.setting);
  }

  /**
   * Reads the list, stopping after a page when the rest would cost more than the reads it serves.
   * Each page Tines answers is progress for the reads waiting for it (`waiting`), as their own
   * requests' answers would be.
   */
  private async list(demand: () => number, waiting: readonly OperationDeadline[] = []): Promise<Snapshot<T>> {
    const generation = this.writes.generation;
    const startedAt = Date.now();
    const items = new Map<string, T>();
    let complete = true;
    let pagesRead = 0;
    for await (const page of this.source.pages()) {
      for (const deadline of waiting) deadline.recordProgress();
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
export class SharedRead<T> {
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

export async function* onePage<T>(list: () => Promise<T[]>): AsyncGenerator<TinesListPage<T>> {
  yield { page: 1, items: await list(), hasNext: false };
}
