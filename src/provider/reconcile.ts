/**
 * Creates that survive ambiguous failures. A create is never retried blindly by the client (a POST
 * that reached Tines may have been committed even if no answer came back); instead, after a
 * failure that may hide a committed write, the object is looked up by its natural key and, only if
 * it is not there, the create is tried again. So a retry never makes a duplicate.
 *
 * Tines' writes may not be visible everywhere at once: a list or search (how objects are looked up
 * by natural key) may not show an object committed a moment ago. So a lookup that finds nothing is
 * repeated a few times before the create is tried again, and a repeated create that Tines refuses
 * as a duplicate means the first one landed: it is looked up again rather than reported as taken.
 */
import { TinesApiError, TinesConnectionError, TinesResponseError, operationDeadline } from "../client";

/** Attempts of a create in all, lookups between them. */
export const maxCreateAttempts = 3;

/** The pauses before each lookup after an ambiguous failure: a new object may take a moment to show in lists. */
export const settlingLookupPausesMs = [0, 300, 700, 1_500];

/**
 * Whether a failed write may nonetheless have been committed by Tines: the answer was lost (a reset
 * or timeout after sending), Tines failed with a 5xx midway, or the answer was unreadable.
 */
export function mayHaveBeenCommitted(error: unknown): boolean {
  if (error instanceof TinesConnectionError) return error.requestMayHaveBeenProcessed;
  if (error instanceof TinesApiError) return error.isServerError;
  return error instanceof TinesResponseError;
}

/**
 * Runs `lookup` until it finds the object or the pauses of {@link settlingLookupPausesMs} are
 * spent (never waiting past the operation's deadline).
 */
export async function settledLookup<T>(lookup: () => Promise<T | undefined>): Promise<T | undefined> {
  for (const pauseMs of settlingLookupPausesMs) {
    const remainingMs = operationDeadline()?.remainingMs();
    if (pauseMs > 0 && remainingMs !== undefined && remainingMs <= pauseMs) break;
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const found = await lookup();
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Runs `create`; after a failure that may hide a committed write, asks `lookup` (settled, see
 * {@link settledLookup}) whether the object exists and returns it if so, else tries again, up to
 * {@link maxCreateAttempts} creates. A later attempt refused as a conflict is looked up once more.
 */
export async function createReconciled<T>(create: () => Promise<T>, lookup: () => Promise<T | undefined>): Promise<T> {
  let ambiguous = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await create();
    } catch (error) {
      if (ambiguous && error instanceof TinesApiError && error.isConflictOrValidation) {
        // Refused as a duplicate after an attempt that may have been committed: that attempt made
        // the object, which the lookup did not show yet.
        const found = await settledLookup(lookup);
        if (found !== undefined) return found;
        throw error;
      }
      if (!mayHaveBeenCommitted(error)) throw error;
      // The operation's bound is spent (a stall): a lookup could only time out too, and its error
      // would name the lookup instead of the write that stalled. The next `up` reconciles.
      if (operationDeadline()?.expired) throw error;
      ambiguous = true;
      const found = await settledLookup(lookup);
      if (found !== undefined) return found;
      if (attempt >= maxCreateAttempts) throw error;
    }
  }
}
