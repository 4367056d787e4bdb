import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SlidingWindowRateLimiter, rateLimitBucketsFor } from "../../src/client/rateLimiter";

/** Acquires a slot and records the (fake) time it was granted. */
function acquireAt(limiter: SlidingWindowRateLimiter, grants: number[]) {
  return limiter.acquire().then((release) => {
    grants.push(Date.now());
    return release;
  });
}

describe("the sliding-window rate limiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets the limit through at once, then holds the next until a window after the oldest completed", async () => {
    const limiter = new SlidingWindowRateLimiter({ requests: 3, windowMs: 1000 });
    const grants: number[] = [];
    const releases = await Promise.all([acquireAt(limiter, grants), acquireAt(limiter, grants), acquireAt(limiter, grants)]);
    expect(grants).toEqual([0, 0, 0]);

    const fourth = acquireAt(limiter, grants);
    // The oldest request is still in flight, so its slot is held however long it takes.
    await vi.advanceTimersByTimeAsync(1500);
    expect(grants).toHaveLength(3);
    releases[0]!(); // completes at 1500
    await vi.advanceTimersByTimeAsync(999);
    expect(grants).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(20);
    await fourth;
    // Granted one window after the completion (seen on the next 10 ms look), not after the start.
    expect(grants[3]).toBeGreaterThanOrEqual(2500);
    expect(grants[3]).toBeLessThanOrEqual(2510);
  });

  it("serves waiting callers in arrival order", async () => {
    const limiter = new SlidingWindowRateLimiter({ requests: 1, windowMs: 100 });
    const order: string[] = [];
    const first = await limiter.acquire();
    const waiting = ["b", "c", "d"].map((name) =>
      limiter.acquire().then((release) => {
        order.push(name);
        release();
      }),
    );
    first();
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(waiting);
    expect(order).toEqual(["b", "c", "d"]);
  });

  it("holds every caller back after a 429 pause, even with room in the window", async () => {
    const limiter = new SlidingWindowRateLimiter({ requests: 100, windowMs: 1000 });
    const grants: number[] = [];
    limiter.pause(300);
    const granted = acquireAt(limiter, grants);
    await vi.advanceTimersByTimeAsync(299);
    expect(grants).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await granted;
    expect(grants).toEqual([300]);
  });

  it("counts admin/users and audit_logs requests against their own limit and the default, the rest against the default only", () => {
    expect(rateLimitBucketsFor("/api/v1/admin/users/12")).toEqual(["adminUsers", "default"]);
    expect(rateLimitBucketsFor("/api/v1/teams/3/members")).toEqual(["default"]);
    // Audit logs have their own limit, 1000 a minute (tines-api.md, "Rate limits").
    expect(rateLimitBucketsFor("/api/v1/audit_logs")).toEqual(["auditLogs", "default"]);
  });
});
