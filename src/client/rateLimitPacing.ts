/**
 * How the transport paces against the rate limits (rateLimiter.ts): one set of limiters per
 * (tenant, key, limits), shared by every client of that key in this process, and the wait for a
 * slot, bounded by the operation's deadline.
 */
import { createHash } from "node:crypto";
import type { OperationDeadline } from "./operationDeadline";
import { SlidingWindowRateLimiter, type RateLimit, type TinesRateLimitBucket } from "./rateLimiter";

/** Shared pacing state per (tenant, key), so every client of one key respects one budget. */
const rateLimitersByKey = new Map<string, Map<string, SlidingWindowRateLimiter>>();

/** The limiters every client of this tenant and key shares, by bucket name; made on first use. */
export function sharedRateLimiters(
  tenantUrl: string,
  apiKey: string,
  limits: Record<TinesRateLimitBucket, RateLimit>,
): Map<string, SlidingWindowRateLimiter> {
  // Tines counts per (IP address, API key); the key is hashed so the map never holds it.
  const limiterKey = `${tenantUrl} ${createHash("sha256").update(apiKey).digest("hex")} ${JSON.stringify(limits)}`;
  let limiters = rateLimitersByKey.get(limiterKey);
  if (!limiters) {
    limiters = new Map(Object.entries(limits).map(([name, limit]) => [name, new SlidingWindowRateLimiter(limit)]));
    rateLimitersByKey.set(limiterKey, limiters);
  }
  return limiters;
}

/** The operation's deadline passed while a request waited for a rate-limit slot. */
export class RateLimitWaitExpired extends Error {}

/**
 * A slot of `bucket`, waited for no longer than the operation's deadline allows: a long pause (a
 * 429's Retry-After, a full window) must not outlast the operation's bound. A slot that comes after
 * the deadline is handed back at once.
 */
export async function acquireWithin(bucket: SlidingWindowRateLimiter, deadline: OperationDeadline | undefined): Promise<() => void> {
  const acquiring = bucket.acquire();
  if (!deadline) return acquiring;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), deadline.remainingMs());
  });
  const release = await Promise.race([acquiring, expired]).finally(() => clearTimeout(timer));
  if (release === undefined) {
    void acquiring.then((late) => late());
    throw new RateLimitWaitExpired();
  }
  return release;
}
