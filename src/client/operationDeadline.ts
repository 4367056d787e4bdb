/**
 * The time bound of one operation (one provider method call: a create, a refresh of one resource,
 * ...). Every request the operation makes, and every retry of those requests, shares one deadline,
 * so a hanging tenant fails the operation once the bound is spent, whatever the retries (a bound per
 * request multiplied by the attempts and the requests would let a refresh wait minutes). It bounds
 * a stall, not progress: each answer Tines gives moves the deadline on, so an operation that keeps
 * being answered (a roster's hundreds of invitations, paced by the rate limit) finishes, and one
 * that hears nothing for the bound fails. The
 * deadline travels with the async call chain (AsyncLocalStorage), so the transport finds it without
 * every API function passing it along; a request made outside any operation has none.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { TinesConnectionError, type TinesRequestDescription } from "./errors";

/** The default bound of one operation, in ms: under the 90 s a user should ever wait for one. */
export const defaultOperationTimeoutMs = 80_000;

/** The deadline of one operation, and what its requests have spent of it. */
export class OperationDeadline {
  /** When the operation started (ms since epoch). */
  readonly startedAt: number;
  /** Attempts made by every request of the operation, retries included. */
  attempts = 0;
  /** Requests of the operation that Tines answered successfully: how far it got. */
  answered = 0;
  /** When Tines last answered a request of the operation successfully (at first, the start). */
  lastProgressAt: number;

  /**
   * @param timeoutMs The operation's bound, in ms.
   * @param setting The setting that holds the bound, named in the timeout message.
   */
  constructor(
    readonly timeoutMs: number,
    readonly setting = "tines:operationTimeoutSeconds",
    now = Date.now(),
  ) {
    this.startedAt = now;
    this.lastProgressAt = now;
  }

  /** Records a successful answer: progress, which moves the deadline on by the whole bound. */
  recordProgress(now = Date.now()): void {
    this.answered += 1;
    this.lastProgressAt = now;
  }

  /** Milliseconds left before the operation counts as stalled, never below 0. */
  remainingMs(now = Date.now()): number {
    return Math.max(0, this.lastProgressAt + this.timeoutMs - now);
  }

  /** Whether the bound is spent. */
  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** The error for a request of this operation stopped by the deadline. */
  timeoutError(request: TinesRequestDescription, sent: boolean, cause?: unknown): TinesOperationTimeoutError {
    return new TinesOperationTimeoutError(this, request, sent, cause);
  }
}

/**
 * The operation ran out of time: Tines did not answer (or kept failing) until the operation's
 * deadline passed. A connection error that timed out, so a write it interrupted is reconciled as
 * any other ambiguous write; its message says it timed out, the attempts and the time spent.
 */
export class TinesOperationTimeoutError extends TinesConnectionError {
  override name = "TinesOperationTimeoutError";
  /** Milliseconds the operation had run when it was stopped. */
  readonly elapsedMs: number;

  constructor(deadline: OperationDeadline, request: TinesRequestDescription, sent: boolean, cause?: unknown) {
    const elapsedMs = Date.now() - deadline.startedAt;
    const last = cause instanceof Error ? ` The last failure: ${cause.message}.` : "";
    const attempts = deadline.attempts;
    super({
      request,
      attempts,
      timedOut: true,
      requestMayHaveBeenProcessed: sent,
      detail: "timed out",
      cause,
    });
    this.elapsedMs = elapsedMs;
    const stalledMs = Date.now() - deadline.lastProgressAt;
    // How far it got: a stall after progress says so, so a long operation cut off is told from an unreachable tenant.
    const progress =
      deadline.answered === 0
        ? `after ${seconds(elapsedMs)}`
        : `after ${seconds(stalledMs)} without an answer, ${seconds(elapsedMs)} into the operation, which had ${deadline.answered} ${deadline.answered === 1 ? "request" : "requests"} answered`;
    this.message =
      `Tines did not answer in time: the operation timed out ${progress} ` +
      `(${attempts} ${attempts === 1 ? "attempt" : "attempts"} in all; the bound is ${seconds(deadline.timeoutMs)} without an answer, ` +
      `set by ${deadline.setting}), while waiting on ${request.method} ${request.path}.${last} ` +
      "Check that the tenant is reachable, then run the command again.";
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

const currentDeadline = new AsyncLocalStorage<OperationDeadline>();

/** Runs `operation` with a deadline of `timeoutMs` shared by every request it makes. */
export function withOperationDeadline<T>(timeoutMs: number, operation: () => Promise<T>, setting?: string): Promise<T> {
  return currentDeadline.run(new OperationDeadline(timeoutMs, setting), operation);
}

/** The deadline of the operation under way, if any. */
export function operationDeadline(): OperationDeadline | undefined {
  return currentDeadline.getStore();
}
