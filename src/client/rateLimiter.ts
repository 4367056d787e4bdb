/**
 * Client-side pacing, so a long run stays under Tines' documented rate limits instead of provoking
 * 429s: 5000 requests a minute by default, 500 a minute on `admin/users` and 1000 on `audit_logs`,
 * per (IP address, API key). A sliding window is the strictest reading of "N a minute": no 60-second span ever holds
 * more than N sends, whatever window Tines really counts in, while a short run still goes at full
 * speed.
 */

/** A number of requests allowed in a window of time. */
export interface RateLimit {
  /** Requests allowed in one window. */
  requests: number;
  /** Length of the window, in ms. */
  windowMs: number;
}

/** Tines' documented limits (tines-api.md, "Rate limits"). */
export const tinesRateLimits = {
  /** Every endpoint: 5000 a minute. */
  default: { requests: 5000, windowMs: 60_000 },
  /** `admin/users` endpoints: 500 a minute. */
  adminUsers: { requests: 500, windowMs: 60_000 },
  /** `audit_logs`: 1000 a minute. */
  auditLogs: { requests: 1000, windowMs: 60_000 },
} as const satisfies Record<string, RateLimit>;

/** The name of one of {@link tinesRateLimits}. */
export type TinesRateLimitBucket = keyof typeof tinesRateLimits;

/** Which limits a request to `path` counts against. */
export function rateLimitBucketsFor(path: string): TinesRateLimitBucket[] {
  if (path.startsWith("/api/v1/admin/users")) return ["adminUsers", "default"];
  if (path.startsWith("/api/v1/audit_logs")) return ["auditLogs", "default"];
  return ["default"];
}

/**
 * A sliding-window limiter: {@link acquire} resolves when one more request fits in the window and
 * returns the function to call once the request has completed. A slot counts from acquisition
 * until one window after completion. Tines counts a request when it arrives, which is after its
 * acquisition and before its completion, so every request Tines counts in any window still holds
 * a slot here: Tines never sees more than the limit from this process, without a safety margin
 * (which would cost a whole extra window whenever a run is just over a multiple of the limit).
 * Other tools using the same key at the same time are not seen; their excess comes back as 429s,
 * which are retried. Callers
 * are served in arrival order. {@link pause} holds everyone back after a 429, so one refusal slows
 * the whole bucket rather than letting the other callers hit the limit too.
 */
export class SlidingWindowRateLimiter {
  /** One entry per slot in acquisition order; `completedAt` is undefined while in flight. */
  private readonly slots: Array<{ completedAt: number | undefined }> = [];
  private oldest = 0;
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly allowed: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    this.allowed = Math.max(1, Math.floor(limit.requests));
  }

  /** Waits for a place in the window and takes it; call the returned function when the request ends. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForPlace());
    this.queue = turn;
    return turn;
  }

  /** Holds every caller back for `delayMs` (a 429 was received). */
  pause(delayMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + delayMs);
  }

  private async waitForPlace(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      for (;;) {
        const head = this.slots[this.oldest];
        if (head?.completedAt === undefined || head.completedAt > now - this.limit.windowMs) break;
        this.oldest += 1;
      }
      if (this.oldest > 1024) {
        this.slots.splice(0, this.oldest);
        this.oldest = 0;
      }
      let readyAt = this.pausedUntil;
      if (this.slots.length - this.oldest >= this.allowed) {
        const head = this.slots[this.oldest]!;
        // While the oldest request is still in flight, look again shortly.
        readyAt = Math.max(readyAt, head.completedAt === undefined ? now + 10 : head.completedAt + this.limit.windowMs);
      }
      if (readyAt <= now) {
        const slot: { completedAt: number | undefined } = { completedAt: undefined };
        this.slots.push(slot);
        return () => {
          slot.completedAt ??= this.now();
        };
      }
      await new Promise((resolve) => setTimeout(resolve, readyAt - now));
    }
  }
}
