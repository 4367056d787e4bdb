/**
 * When to try a request again, and how long to wait first. Pure functions, so the policy is
 * tested on its own and the transport only asks.
 *
 * Retried: 429, 5xx, timeouts and connection resets, for requests that are safe to repeat (GET,
 * PUT, DELETE and the idempotent team actions). A request that creates something is never repeated
 * after it may have reached Tines: the resources look the object up and reconcile instead. It is
 * repeated only when Tines certainly did not process it: a 429, or a connection refused before
 * anything was sent.
 */

/** Settings of the retry policy. */
export interface RetryOptions {
  /** Attempts in all, the first included, when failures are 5xx, timeouts or dropped connections. Default 5. */
  maxAttempts: number;
  /**
   * Attempts in all while Tines answers 429. Larger than {@link maxAttempts}: a 429 says "wait",
   * not "broken", and the pacing makes waiting cheap. Default 12.
   */
  maxRateLimitedAttempts: number;
  /** Backoff before the second attempt when Tines gave no `Retry-After`, in ms. Default 500. */
  baseDelayMs: number;
  /** Upper bound of any backoff, in ms. Default 20 000. */
  maxDelayMs: number;
  /**
   * Upper bound of a `Retry-After` Tines asks for, in ms. Default 60 000: Tines' limits are per
   * minute, so no honest `Retry-After` exceeds a minute, and a bogus one must not stall a deploy.
   */
  maxRetryAfterMs: number;
}

/** The defaults of {@link RetryOptions}. */
export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 5,
  maxRateLimitedAttempts: 12,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/** How an attempt ended, as far as the retry decision cares. */
export type AttemptOutcome =
  | { type: "status"; status: number }
  | { type: "connection"; sent: boolean; timedOut: boolean };

/**
 * Whether an attempt that ended with `outcome` may be repeated. `idempotent` says whether the
 * request may be sent twice without effect beyond the first (GET, PUT, DELETE, remove member...).
 */
export function isRetryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  if (outcome.type === "status") {
    // A 429 means Tines refused the request unprocessed, so even a create may be sent again.
    if (outcome.status === 429) return true;
    return idempotent && (outcome.status >= 500 || outcome.status === 408);
  }
  // A connection refused before sending cannot have changed anything.
  return idempotent || !outcome.sent;
}

/** The attempt budget for a failure: larger for 429s (see {@link RetryOptions.maxRateLimitedAttempts}). */
export function attemptBudget(outcome: AttemptOutcome, options: RetryOptions): number {
  return outcome.type === "status" && outcome.status === 429 ? options.maxRateLimitedAttempts : options.maxAttempts;
}

/**
 * Parses a `Retry-After` header, either delay-seconds or an HTTP date, into milliseconds from
 * `now`, clamped to `[0, maxMs]`. Returns undefined when absent or unreadable (Tines does not
 * document whether it sends one).
 */
export function parseRetryAfter(header: string | undefined, now: number, maxMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(value)) {
    delayMs = Number(value) * 1000;
  } else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    delayMs = date - now;
  }
  return Math.min(Math.max(delayMs, 0), maxMs);
}

/**
 * The backoff before attempt `attempt + 1` (attempt counts from 1) when no `Retry-After` applies:
 * exponential from `baseDelayMs`, capped at `maxDelayMs`, with "full jitter" (a uniform draw from
 * half to all of it) so many callers that failed together do not retry together.
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
