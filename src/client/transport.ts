/**
 * The one module that touches the network: an undici keep-alive pool per tenant, the headers Tines
 * expects, timeouts, retries and rate-limit pacing. Everything above it speaks in paths and typed
 * values; everything below it is undici.
 */
import { createHash } from "node:crypto";
import { Pool } from "undici";
import { z } from "zod";
import { packageVersion } from "../version";
import {
  TinesApiError,
  TinesError,
  TinesConnectionError,
  TinesResponseError,
  parseTinesErrorMessage,
  redactSecret,
  type TinesRequestDescription,
} from "./errors";
import {
  SlidingWindowRateLimiter,
  rateLimitBucketsFor,
  tinesRateLimits,
  type RateLimit,
  type TinesRateLimitBucket,
} from "./rateLimiter";
import {
  attemptBudget,
  backoffDelay,
  defaultRetryOptions,
  isRetryable,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryOptions,
} from "./retryPolicy";
import { operationDeadline, type OperationDeadline } from "./operationDeadline";
import { normalizeTenantUrl, type TinesConnectionSettings } from "./settings";

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

/** One query parameter's value: a list is sent as the name repeated, once per item. */
export type TinesQueryValue = string | number | boolean | undefined | ReadonlyArray<string | number>;

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

/** Shared pacing state per (tenant, key), so every client of one key respects one budget. */
const rateLimitersByKey = new Map<string, Map<string, SlidingWindowRateLimiter>>();

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
    const limits = { ...tinesRateLimits, ...options.rateLimits };
    // Tines counts per (IP address, API key); the key is hashed so the map never holds it.
    const limiterKey = `${this.tenantUrl} ${createHash("sha256").update(this.apiKey).digest("hex")} ${JSON.stringify(limits)}`;
    let limiters = rateLimitersByKey.get(limiterKey);
    if (!limiters) {
      limiters = new Map(Object.entries(limits).map(([name, limit]) => [name, new SlidingWindowRateLimiter(limit)]));
      rateLimitersByKey.set(limiterKey, limiters);
    }
    this.rateLimiters = limiters;
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
      if (result.type === "answer") return result.response;
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
        "user-agent": `pulumi-tines/${packageVersion}`,
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

/** The operation's deadline passed while a request waited for a rate-limit slot. */
class RateLimitWaitExpired extends Error {}

/**
 * A slot of `bucket`, waited for no longer than the operation's deadline allows: a long pause (a
 * 429's Retry-After, a full window) must not outlast the operation's bound. A slot that comes after
 * the deadline is handed back at once.
 */
async function acquireWithin(bucket: SlidingWindowRateLimiter, deadline: OperationDeadline | undefined): Promise<() => void> {
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

function describeConnectionFailure(cause: unknown): string {
  const error = cause as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = error.code ?? error.cause?.code;
  const message = error.message ?? String(cause);
  return code ? `${message} (${code})` : message;
}

function withQuery(path: string, query: TinesRequest["query"]): string {
  if (!query) return path;
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value as ReadonlyArray<string | number>) parameters.append(name, String(item));
    else if (value !== undefined) parameters.set(name, String(value));
  }
  const text = parameters.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Parses a response body as JSON and validates it; `secret` is scrubbed from any quoted body.
 */
export function parseJsonResponse<Schema extends z.ZodType>(
  request: TinesRequestDescription,
  text: string,
  schema: Schema,
  secret?: string,
): z.output<Schema> {
  if (text.trim() === "") throw new TinesResponseError(request, "the body is empty where JSON was expected");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const start = redactSecret(text, secret).trim().slice(0, 80).replace(/\s+/g, " ");
    throw new TinesResponseError(request, `the body is not JSON (it starts with ${JSON.stringify(start)})`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 3).map((issue) => {
      const field = formatIssuePath(issue.path);
      return field ? `field ${field}: ${issue.message}` : issue.message;
    });
    throw new TinesResponseError(request, problems.join("; "));
  }
  return result.data;
}

/** Formats a zod issue path the way a user writes it: `actionInputs[1].required`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}
