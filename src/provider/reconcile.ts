/**
 * Creates that survive ambiguous failures. A create is never retried blindly by the client (a POST
 * that reached Tines may have been committed even if no answer came back); instead, after a
 * failure that may hide a committed write, the object is looked up by its natural key and, only if
 * it is not there, the create is tried again. So a retry never makes a duplicate.
 */
import { TinesApiError, TinesConnectionError, TinesResponseError } from "../client";

/** Attempts of a create in all, lookups between them. */
export const maxCreateAttempts = 3;

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
 * Runs `create`; after a failure that may hide a committed write, asks `lookup` whether the object
 * exists and returns it if so, else tries again, up to {@link maxCreateAttempts} creates.
 */
export async function createReconciled<T>(create: () => Promise<T>, lookup: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await create();
    } catch (error) {
      if (!mayHaveBeenCommitted(error)) throw error;
      const found = await lookup();
      if (found !== undefined) return found;
      if (attempt >= maxCreateAttempts) throw error;
    }
  }
}
