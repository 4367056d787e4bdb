/**
 * The "careful" peer: the docs peer plus what its author adds after the first failed run, a retry
 * on 429 that waits as long as `Retry-After` says (in seconds; 1 s when the header is missing or
 * not a number), up to {@link carefulMaxAttempts} attempts. Everything else is the docs peer's: no
 * pacing before sending, no retry of other failures.
 *
 * One concession to the rig, which no user writes: against the benchmark's time-scaled simulator
 * (`TINES_RATE_LIMIT_TIME_SCALE`, 1 against a real tenant) `Retry-After` counts the scaled clock's
 * seconds, so the wait is divided by the scale and lasts, relative to Tines' window, what it
 * would against Tines. Without it, a whole second against a window of a few seconds would cost
 * this peer far more than `Retry-After` costs a real program.
 */
import { handWrittenProviders } from "./handWritten";

// Not exported: the serializer would capture the module's whole `exports` object with it.
const maxAttempts = 5;

/** Attempts of one request, the first included, before a 429 fails the operation. */
export const carefulMaxAttempts = maxAttempts;

/** `fetch`, retried on 429 after the `Retry-After` delay. */
export async function fetchRetryingRateLimits(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(url, init);
    if (response.status !== 429 || attempt >= maxAttempts) return response;
    const seconds = Number.parseFloat(response.headers.get("retry-after") ?? "");
    // Let go of the refused answer so its connection is free for the next attempt.
    await response.body?.cancel();
    const scale = Number(process.env.TINES_RATE_LIMIT_TIME_SCALE ?? 1);
    await new Promise((resolve) => setTimeout(resolve, ((Number.isFinite(seconds) && seconds >= 0 ? seconds : 1) * 1000) / scale));
  }
}

/** The careful peer's providers. */
export const carefulProviders = handWrittenProviders(fetchRetryingRateLimits);
