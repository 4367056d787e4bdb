/**
 * What the simulator's route files share: the route shape, request-body parsing in each endpoint
 * family's error shape, ids in paths, and Tines' paginated list answer (tines-api.md, "Pagination").
 */
import { z } from "zod";
import { tinesEmailShape } from "../../client/schemas";
import { SimulatorHttpError, type TenantState } from "../tenantState";

/** One endpoint: a method, a path pattern (its groups are the params) and a handler. */
export interface Route {
  method: string;
  pattern: RegExp;
  /** Whether the endpoint needs tenant-owner rights (a Team key gets 403). */
  admin: boolean;
  /** A right the key needs beyond `admin`: `auditLogRead`, a tenant owner's or `AUDIT_LOG_READ` (tines-api.md, Audit logs). */
  requires?: "auditLogRead";
  /**
   * For a write: the audit-log operation name its success records, and the names (camelCase, as in
   * Tines' sample entry) under which the path's ids go into the entry's inputs.
   */
  audit?: { operation: string; ids?: string[] };
  handle: (context: RequestContext) => Answer;
}

/** What a handler is given. */
export interface RequestContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  url: URL;
}

/** A handler's answer: status and JSON body (none for 204). */
export type Answer = { status: number; body?: unknown };

/**
 * The refusal of a SCIM tenant: a bare 403 with no body, since Tines documents neither the status
 * nor the body and says only that these methods "will be disabled" (tines-api.md, "SCIM").
 */
export const scimRefusal: Answer = { status: 403 };

/** An email in a request body, as Tines takes it: its docs give no rule, so as loosely as the provider checks it (`r&d-team@example.com`). */
export const emailBody = z.string().regex(tinesEmailShape, "is not an email address");

/**
 * A request's names as this tenant stores them: without their surrounding whitespace when its
 * normalisation says `trimNames`, otherwise as given (tines-api.md does not say whether Tines trims).
 */
export function storedNames<Fields extends object>(state: TenantState, fields: Fields, keys: ReadonlyArray<keyof Fields>): Fields {
  if (!state.normalisation.trimNames) return fields;
  const stored = { ...fields } as Record<keyof Fields, unknown>;
  for (const key of keys) if (typeof stored[key] === "string") stored[key] = stored[key].trim();
  return stored as Fields;
}

/** Reads a request body with a schema; a mismatch is the 4xx Tines sends, in the endpoint's error shape. */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  errorShape: (messages: string[]) => unknown,
): z.output<Schema> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join(".")} ${issue.message}` : issue.message,
  );
  throw new SimulatorHttpError(400, errorShape(messages));
}

// Each family of endpoints answers errors in its own shape, as Tines' SDK says they differ.
/** The error shape of `admin/users` and `admin/roles`. */
export const usersErrorShape = (messages: string[]) => ({ errors: messages.map((message) => ({ message })) });
/** The error shape of `teams`. */
export const teamsErrorShape = (messages: string[]) => ({ error: messages.join("; ") });
/** The error shape of `admin/templates`. */
export const templatesErrorShape = (messages: string[]) => messages;

/** A positive integer id from a path; anything else is a 404, as an unknown id would be. */
export const positiveId = (value: string | undefined, what: string): number => {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new SimulatorHttpError(404, { message: `${what} not found` });
  return id;
};

/** A page of `items` under `key`, with Tines' `meta`. */
export function paginated(url: URL, baseUrl: string, key: string, items: unknown[]): Answer {
  const perPage = Math.min(500, Math.max(1, Number(url.searchParams.get("per_page") ?? 20) || 20));
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (number: number) => {
    const next = new URL(url.pathname + url.search, baseUrl);
    next.searchParams.set("page", String(number));
    next.searchParams.set("per_page", String(perPage));
    return next.toString();
  };
  return {
    status: 200,
    body: {
      [key]: items.slice((page - 1) * perPage, page * perPage),
      meta: {
        current_page: pageUrl(page),
        previous_page: page > 1 ? pageUrl(page - 1) : null,
        next_page: page < pages ? pageUrl(page + 1) : null,
        next_page_number: page < pages ? page + 1 : null,
        per_page: perPage,
        pages,
        count: items.length,
      },
    },
  };
}
