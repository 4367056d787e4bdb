/**
 * The one module that touches the network: an undici keep-alive pool per tenant, the headers Tines
 * expects, timeouts, retries and rate-limit pacing. Everything above it speaks in paths and typed
 * values; everything below it is undici.
 */
import { Pool } from "undici";
import { z } from "zod";
import { packageVersion } from "../version";
import {
  TinesApiError,
  TinesError,
  TinesConnectionError,
  parseTinesErrorMessage,
  redactSecret,
  type TinesRequestDescription,
} from "./errors";
import { parseJsonResponse } from "./jsonResponse";
import { withQuery, type TinesQueryValue } from "./queryString";
import { acquireWithin, RateLimitWaitExpired, sharedRateLimiters } from "./rateLimitPacing";
import { rateLimitBucketsFor, tinesRateLimits, type RateLimit, type SlidingWindowRateLimiter, type TinesRateLimitBucket } from "./rateLimiter";
import {
  attemptBudget,
  backoffDelay,
  defaultRetryOptions,
  isRetryable,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryOptions,
} from "./retryPolicy";
import { operationDeadline } from "./operationDeadline";
import { normalizeTenantUrl, type TinesConnectionSettings } from "./settings";

/**
 * The product token of the `User-Agent` every request of this package sends
 * (`pulumi-tines/<version>`): Tines records it in each audit-log entry (tines-api.md, Audit logs),
 * which is how drift attribution and the export tell this package's own writes from changes made
 * outside Pulumi.
 */
export const userAgentProduct = "pulumi-tines";

/** Tunables of the transport; every field has a default suited to a real tenant. */
export interface TransportOptions {
  /** Time allowed for one attempt, from sending to the end of the body, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Time allowed to open a connection, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Retry policy; see {@link RetryOptions}. */
  retry?: Partial<RetryOptions>;
  /** Rate limits to pace against; Tines' documented ones by default. */
  rateLimits?: Partial<Record<TinesRateLimitBucket, RateLimit>>;
  /** Most connections open to the tenant at once. Default 16. */
  connections?: number;
}

/** A request as the API modules describe it. */
export interface TinesRequest {
  /** HTTP method. */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the tenant origin, starting with `/api/v1/`. */
  path: string;
  /** Query parameters; undefined values are left out, and a list repeats its name (`user_id[]=1&user_id[]=2`). */
  query?: Record<string, TinesQueryValue>;
  /** JSON body. */
  body?: unknown;
  /**
   * Whether sending the request twice has no effect beyond the first. Defaults to true for GET,
   * PUT and DELETE and false for POST; idempotent POST actions (remove member, move, expire
   * session) say so explicitly.
   */
  idempotent?: boolean;
}

/** A 2xx answer. */
export interface TinesResponse {
  /** HTTP status. */
  status: number;
  /** The body as text ("" for 204). */
  text: string;
}

/**
 * How long a 429 without `Retry-After` holds back every request of the key: long enough to stop
 * the other callers from piling onto a full window, short enough that a stray 429 costs little.
 */
export const rateLimitPauseWithoutRetryAfterMs = 100;

/**
 * Sends requests to one tenant with one key. Cheap to construct: the connection pool is opened on
 * the first request, never at construction (the providers are loaded inside Pulumi's host, and
 * nothing live may exist before a call needs it).
 */
export class TinesTransport {
  /** The tenant's origin. */
  readonly tenantUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly connections: number;
  private readonly retry: RetryOptions;
  private readonly rateLimiters: Map<string, SlidingWindowRateLimiter>;
  private pool: Pool | undefined;

  constructor(settings: TinesConnectionSettings, options: TransportOptions = {}) {
    this.tenantUrl = normalizeTenantUrl(settings.tenantUrl);
    this.apiKey = settings.apiKey;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.connections = options.connections ?? 16;
    this.retry = { ...defaultRetryOptions, ...options.retry };
    this.rateLimiters = sharedRateLimiters(this.tenantUrl, this.apiKey, { ...tinesRateLimits, ...options.rateLimits });
  }

  /**
   * Sends a request, retrying what is safe to retry, and returns the 2xx answer. Throws
   * {@link TinesApiError} for any other status and {@link TinesConnectionError} when no answer came.
   */
  async request(request: TinesRequest): Promise<TinesResponse> {
    const description: TinesRequestDescription = { method: request.method, path: request.path };
    const idempotent = request.idempotent ?? request.method !== "POST";
    const buckets = rateLimitBucketsFor(request.path).map((name) => this.rateLimiters.get(name)!);
    // The operation this request belongs to bounds it as a whole, retries included.
    const deadline = operationDeadline();
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt += 1) {
      if (deadline?.expired) throw deadline.timeoutError(description, false, lastError);
      const releases: Array<() => void> = [];
      try {
        for (const bucket of buckets) releases.push(await acquireWithin(bucket, deadline));
      } catch (error) {
        for (const release of releases) release();
        if (!(error instanceof RateLimitWaitExpired)) throw error;
        throw deadline!.timeoutError(description, false, lastError ?? new TinesError("the wait for a free slot under this key's rate limit (Tines' limits, or a Retry-After it sent) outlasted the operation"));
      }
      if (deadline?.expired) {
        for (const release of releases) release();
        throw deadline.timeoutError(description, false, lastError);
      }
      const timeoutMs = deadline ? Math.min(this.timeoutMs, deadline.remainingMs()) : this.timeoutMs;
      if (deadline) deadline.attempts += 1;
      const result = await this.attempt(request, description, attempt, timeoutMs).finally(() => {
        for (const release of releases) release();
      });
      if (result.type === "answer") {
        // An answer is progress: the operation's deadline bounds a stall, not the work.
        deadline?.recordProgress();
        return result.response;
      }
      lastError = result.error;
      if (result.timedOut && deadline?.expired) throw deadline.timeoutError(description, result.sent, result.error);
      const outcome: AttemptOutcome =
        result.error instanceof TinesApiError
          ? { type: "status", status: result.error.status }
          : { type: "connection", sent: result.sent, timedOut: result.timedOut };
      const retryAfterMs = result.error instanceof TinesApiError ? result.error.retryAfterMs : undefined;
      const delayMs = retryAfterMs ?? backoffDelay(attempt, this.retry);
      if (outcome.type === "status" && outcome.status === 429) {
        // One refusal slows everyone using this key, not just this caller: for as long as Tines
        // asked, or, when it did not say, briefly (this request itself backs off exponentially).
        for (const bucket of buckets) bucket.pause(retryAfterMs ?? rateLimitPauseWithoutRetryAfterMs);
      }
      if (attempt >= attemptBudget(outcome, this.retry) || !isRetryable(outcome, idempotent)) throw result.error;
      // No time left for the wait and another attempt: say so now rather than after the bound.
      if (deadline && delayMs >= deadline.remainingMs()) throw deadline.timeoutError(description, result.sent, result.error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  /**
   * Sends a request and validates the JSON answer with `schema`. A body that is not JSON, or JSON
   * of the wrong shape, becomes a {@link TinesResponseError} naming the endpoint and the field.
   */
  async requestJson<Schema extends z.ZodType>(request: TinesRequest, schema: Schema): Promise<z.output<Schema>> {
    const response = await this.request(request);
    return parseJsonResponse({ method: request.method, path: request.path }, response.text, schema, this.apiKey);
  }

  /** Closes the connection pool. The transport opens a new one if used again. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.close();
  }

  private getPool(): Pool {
    this.pool ??= new Pool(this.tenantUrl, {
      connections: this.connections,
      connect: { timeout: this.connectTimeoutMs },
      keepAliveTimeout: 30_000,
      // Timeouts are enforced per attempt by the abort signal below, which covers the whole exchange.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    return this.pool;
  }

  private async attempt(
    request: TinesRequest,
    description: TinesRequestDescription,
    attempt: number,
    timeoutMs: number,
  ): Promise<
    | { type: "answer"; response: TinesResponse }
    | { type: "error"; error: TinesApiError; sent: true; timedOut: false }
    | { type: "error"; error: TinesConnectionError; sent: boolean; timedOut: boolean }
  > {
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const headers: Record<string, string> = {
        authorization: `Bearer ${this.apiKey}`,
        accept: "application/json",
        "user-agent": `${userAgentProduct}/${packageVersion}`,
      };
      if (request.body !== undefined) headers["content-type"] = "application/json";
      const response = await this.getPool().request({
        method: request.method,
        path: withQuery(request.path, request.query),
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: abort.signal,
      });
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return { type: "answer", response: { status: response.statusCode, text } };
      }
      const retryAfterHeader = response.headers["retry-after"];
      const error = new TinesApiError({
        request: description,
        status: response.statusCode,
        // Redacted before it is cut short: a key cut in two would no longer be found whole.
        tinesMessage: parseTinesErrorMessage(redactSecret(text, this.apiKey)),
        attempts: attempt,
        retryAfterMs: parseRetryAfter(
          Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
          Date.now(),
          this.retry.maxRetryAfterMs,
        ),
      });
      return { type: "error", error, sent: true, timedOut: false };
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? "";
      // Refused or unresolvable connections never carried the request; everything else may have.
      const sent = !["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"].includes(code);
      const detail = timedOut
        ? `no complete answer within ${timeoutMs} ms (timed out)`
        : redactSecret(describeConnectionFailure(cause), this.apiKey);
      const error = new TinesConnectionError({
        request: description,
        attempts: attempt,
        timedOut,
        requestMayHaveBeenProcessed: sent,
        detail,
        cause,
      });
      return { type: "error", error, sent, timedOut };
    } finally {
      clearTimeout(timer);
    }
  }
}

function describeConnectionFailure(cause: unknown): string {
  const error = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = error.code ?? error.cause?.code;
  const message = error.message ?? String(cause);
  return code ? `${message} (${code})` : message;
}
