/**
 * The errors the Tines client throws. Every error records the request that failed (method and
 * path, never the query string's secrets or the headers) so a message in `pulumi up` says what
 * was being done. None of them ever holds the API key: messages are built from the path, the
 * status and Tines' own message, and {@link redactSecret} scrubs anything that came from outside.
 */

/** The longest piece of a response body quoted in an error message. */
export const maxQuotedBodyLength = 300;

/** What kind of failure an API answer is, so callers can branch without comparing status codes. */
export type TinesErrorKind =
  | "not_found"
  | "conflict"
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "server"
  | "client";

/** The request an error belongs to. */
export interface TinesRequestDescription {
  /** HTTP method, e.g. `GET`. */
  method: string;
  /** Path without the tenant origin, e.g. `/api/v1/admin/users/12`. */
  path: string;
}

/**
 * The base class of every error this package throws about Tines.
 *
 * Its message is wrapped at most once. The Pulumi SDK prefixes the message of an error that fails
 * a resource's input (`error serializing property "teamId": ...`) on the error object itself, once
 * for every resource that awaited the same rejected lookup, so a lookup shared by three resources
 * would read `error serializing property "teamId": error serializing property "teamId": ...`. The
 * first wrapper says where the error surfaced; the repeats say nothing, so they are dropped.
 */
export class TinesError extends Error {
  override name = "TinesError";
  #wrappedMessage: string | undefined;
  #ownMessage = "";

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // `message` is an own data property set by Error; the accessors below take over from here.
    delete (this as { message?: string }).message;
    this.#ownMessage = message ?? "";
  }

  override get message(): string {
    return this.#wrappedMessage ?? this.#ownMessage;
  }

  override set message(value: string) {
    if (this.#wrappedMessage === undefined && value.endsWith(this.#ownMessage) && value !== this.#ownMessage) {
      this.#wrappedMessage = value;
    } else if (this.#wrappedMessage === undefined || !value.endsWith(this.#wrappedMessage)) {
      // Not a wrapper of the current text: a real replacement.
      this.#ownMessage = value;
      this.#wrappedMessage = undefined;
    }
  }
}

/** Where the provider reads the API key, for messages about a refused key. */
const apiKeySettings = "stack config `tines:apiKey` (`pulumi config set --secret tines:apiKey <key>`) or the TINES_API_KEY environment variable";

/**
 * What to do about a refused key (401), naming where the key is set: `keySettings` is the stack
 * config and environment by default, or a TinesProvider's `apiKey`.
 */
export function refusedKeyAdvice(keySettings: string = apiKeySettings): string {
  return (
    `Tines refused the API key: check the key in ${keySettings}. ` +
    "A personal API key stops working when its user is deactivated (or deleted): create a key for an active user, or a tenant-owner key."
  );
}

/** What to do about an answer of this kind, appended to its message; empty when the message says enough. */
function adviceFor(kind: TinesErrorKind): string {
  return kind === "unauthorized" ? refusedKeyAdvice() : "";
}

/**
 * Settings are missing or invalid (tenant URL, API key). Raised before any request is sent.
 */
export class TinesConfigurationError extends TinesError {
  override name = "TinesConfigurationError";
}

/** Tines answered with a status outside 2xx. */
export class TinesApiError extends TinesError {
  override name = "TinesApiError";
  /** HTTP status code of the answer. */
  readonly status: number;
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request. */
  readonly path: string;
  /** Tines' own message, parsed from whichever error shape arrived. */
  readonly tinesMessage: string;
  /** How many attempts were made, retries included. */
  readonly attempts: number;
  /** The kind of failure, derived from the status. */
  readonly kind: TinesErrorKind;
  /** The `Retry-After` delay the answer asked for, in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  constructor(options: {
    request: TinesRequestDescription;
    status: number;
    tinesMessage: string;
    attempts: number;
    retryAfterMs?: number;
    /** What to do about it, in place of the generic advice of its kind (see {@link TinesApiError.withAdvice}). */
    advice?: string;
  }) {
    const { request, status, tinesMessage, attempts } = options;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    const failure = `Tines API ${request.method} ${request.path} failed${tries}: ${status} ${tinesMessage}`.trim();
    const advice = options.advice ?? adviceFor(errorKindOf(status));
    super(advice === "" ? failure : `${failure}${/[.!?]$/.test(failure) ? "" : "."} ${advice}`);
    this.status = status;
    this.method = request.method;
    this.path = request.path;
    this.tinesMessage = tinesMessage;
    this.attempts = attempts;
    this.kind = errorKindOf(status);
    this.retryAfterMs = options.retryAfterMs;
  }

  /**
   * The same failure with `advice` in place of the generic advice of its kind: the provider knows
   * more than the client, e.g. which provider's key Tines refused and whether the operation ran with
   * the settings recorded in the stack.
   */
  withAdvice(advice: string): TinesApiError {
    const copy = new TinesApiError({
      request: { method: this.method, path: this.path },
      status: this.status,
      tinesMessage: this.tinesMessage,
      attempts: this.attempts,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      advice,
    });
    copy.stack = this.stack;
    return copy;
  }

  /** 404: the object does not exist (or this key may not see it). */
  get isNotFound(): boolean {
    return this.kind === "not_found";
  }
  /** 409 or 422: Tines refused the change as it stands (duplicate, invalid, not allowed now). */
  get isConflictOrValidation(): boolean {
    return this.kind === "conflict" || this.kind === "validation";
  }
  /** 401: the key is missing, wrong, revoked, or its user was deactivated. */
  get isUnauthorized(): boolean {
    return this.kind === "unauthorized";
  }
  /** 403: the key is valid but lacks the rights (e.g. not a tenant-owner key on an admin endpoint). */
  get isForbidden(): boolean {
    return this.kind === "forbidden";
  }
  /** 429: the rate limit was hit. */
  get isRateLimited(): boolean {
    return this.kind === "rate_limited";
  }
  /** 5xx: Tines failed. */
  get isServerError(): boolean {
    return this.kind === "server";
  }
}

/**
 * No usable answer arrived: the connection failed, was reset, or the request timed out. `cause`
 * keeps the underlying error. `requestMayHaveBeenProcessed` is true when the request had been sent,
 * so a write may have been committed by Tines even though no answer came back.
 */
export class TinesConnectionError extends TinesError {
  override name = "TinesConnectionError";
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request. */
  readonly path: string;
  /** How many attempts were made, retries included. */
  readonly attempts: number;
  /** True when the request hit the total timeout. */
  readonly timedOut: boolean;
  /** True unless the connection was refused before anything was sent. */
  readonly requestMayHaveBeenProcessed: boolean;

  constructor(options: {
    request: TinesRequestDescription;
    attempts: number;
    timedOut: boolean;
    requestMayHaveBeenProcessed: boolean;
    detail: string;
    cause: unknown;
  }) {
    const { request, attempts, timedOut, detail } = options;
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    super(`Tines API ${request.method} ${request.path} failed${tries}: ${detail}`, { cause: options.cause });
    this.method = request.method;
    this.path = request.path;
    this.attempts = attempts;
    this.timedOut = timedOut;
    this.requestMayHaveBeenProcessed = options.requestMayHaveBeenProcessed;
  }
}

/**
 * Tines answered 2xx but the body is not what the documented shape promises (an HTML page,
 * truncated JSON, a field of the wrong type). The message names the endpoint and the field.
 */
export class TinesResponseError extends TinesError {
  override name = "TinesResponseError";
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request. */
  readonly path: string;

  constructor(request: TinesRequestDescription, problem: string) {
    super(`Tines API ${request.method} ${request.path} returned an unexpected response: ${problem}`);
    this.method = request.method;
    this.path = request.path;
  }
}

/** Maps an HTTP status to the kind of failure it reports. */
export function errorKindOf(status: number): TinesErrorKind {
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 400 || status === 422) return "validation";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "client";
}

/**
 * Extracts Tines' message from an error body. Tines' docs do not define error bodies and its Go
 * SDK says they differ between endpoints, so this tries, in the SDK's order, `{"errors":[{message,
 * details}]}`, a bare array of strings, then `{"error": ..}` and `{"message": ..}` (both seen too),
 * and finally the raw text, cut to {@link maxQuotedBodyLength} characters.
 */
export function parseTinesErrorMessage(body: string): string {
  const text = body.trim();
  if (text === "") return "(empty body)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return cut(text.replace(/\s+/g, " "));
  }
  const fromItem = (item: unknown): string | undefined => {
    if (typeof item === "string") return item;
    if (item && typeof item === "object") {
      const { message, details } = item as { message?: unknown; details?: unknown };
      if (typeof message === "string") {
        return typeof details === "string" && details !== "" ? `${message} (${details})` : message;
      }
    }
    return undefined;
  };
  if (Array.isArray(parsed)) {
    const parts = parsed.map(fromItem).filter((part): part is string => part !== undefined);
    if (parts.length > 0) return cut(parts.join("; "));
  } else if (parsed && typeof parsed === "object") {
    const object = parsed as { errors?: unknown; error?: unknown; message?: unknown };
    if (Array.isArray(object.errors)) {
      const parts = object.errors.map(fromItem).filter((part): part is string => part !== undefined);
      if (parts.length > 0) return cut(parts.join("; "));
    }
    if (typeof object.error === "string") return cut(object.error);
    if (typeof object.message === "string") return cut(object.message);
  }
  return cut(text.replace(/\s+/g, " "));
}

function cut(text: string): string {
  return text.length > maxQuotedBodyLength ? `${text.slice(0, maxQuotedBodyLength)}…` : text;
}

/**
 * Replaces every occurrence of `secret` in `text`. Used on anything that came from outside this
 * package (a response body, a low-level error message) before it goes into an error.
 */
export function redactSecret(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join("[redacted]");
}
