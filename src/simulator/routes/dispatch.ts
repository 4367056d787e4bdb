/**
 * How a request to the simulated Tines API is answered once it is let through (authenticated, under
 * the rate limits, not faulted): the route its method and path match (404 or 405 when none), what a
 * Team API key may not do (403), the audit-log right, the JSON body, the route's answer or the
 * error it throws, and the audit-log entry a successful write records.
 */
import type { ApiKeyIdentity } from "../apiKeys";
import { SimulatorHttpError, type TenantState } from "../tenantState";
import type { Answer, Route } from "./common";

/** Who sent a request, as the audit log records them. */
export interface Caller {
  ip: string;
  userAgent: string;
}

/** A request to the simulated API, with its body read and its key identified. */
export interface ApiRequest {
  method: string;
  url: URL;
  rawBody: string;
  identity: ApiKeyIdentity;
  caller: Caller;
}

/**
 * The answer to a request. `auditLogAccess`: whether the tenant-owner key may read the audit logs
 * (without it, `GET /audit_logs` gets a 403).
 */
export function dispatch(routes: Route[], state: TenantState, request: ApiRequest, auditLogAccess: boolean): Answer {
  const { method, url, rawBody, identity, caller } = request;
  const candidates = routes.filter((candidate) => candidate.pattern.test(url.pathname));
  if (candidates.length === 0) return { status: 404, body: { message: `No route matches ${url.pathname}` } };
  const matched = candidates.find((candidate) => candidate.method === method);
  if (!matched) return { status: 405, body: { message: `${method} is not allowed on ${url.pathname}` } };
  const params = matched.pattern.exec(url.pathname)!.slice(1);
  if (identity.kind === "team") {
    const teamId = url.pathname.startsWith("/api/v1/teams/") ? Number(params[0]) : undefined;
    if (matched.admin || (teamId !== undefined && teamId !== identity.teamId) || (teamId === undefined && method !== "GET")) {
      return { status: 403, body: { error: "Forbidden: this API key may not do that" } };
    }
  }
  // Audit logs need a tenant owner or AUDIT_LOG_READ; the 403's body is not documented, so none.
  if (matched.requires === "auditLogRead" && !auditLogAccess) return { status: 403 };
  let body: unknown = undefined;
  if (rawBody.trim() !== "") {
    try {
      body = JSON.parse(rawBody);
    } catch (error) {
      return { status: 400, body: { errors: [{ message: "Invalid JSON in request body", details: (error as Error).message }] } };
    }
  }
  try {
    const answer = matched.handle({ params, query: url.searchParams, body, url });
    if (matched.audit && answer.status >= 200 && answer.status < 300) audit(state, matched.audit, params, body, answer, caller);
    return answer;
  } catch (error) {
    if (error instanceof SimulatorHttpError) return { status: error.status, body: error.body };
    return { status: 500, body: { errors: [{ message: "Internal simulator error", details: String(error) }] } };
  }
}

/**
 * Records a write in the audit log as Tines would (tines-api.md, Audit logs): by the key's user,
 * with the request's IP and User-Agent; the inputs are the path's ids and the body, the outputs the
 * answer (copies: an answer may be the stored object itself).
 */
function audit(
  state: TenantState,
  spec: { operation: string; ids?: string[] },
  params: string[],
  body: unknown,
  answer: Answer,
  caller: Caller,
): void {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  const ids = Object.fromEntries(
    (spec.ids ?? []).map((name, index) => {
      const raw = decodeURIComponent(params[index] ?? "");
      return [name, /^\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw];
    }),
  );
  state.addAuditLogEntry({
    operation_name: spec.operation,
    inputs: structuredClone({ ...ids, ...(isObject(body) ? body : {}) }),
    outputs: isObject(answer.body) ? structuredClone(answer.body) : {},
    request_ip: caller.ip,
    request_user_agent: caller.userAgent,
  });
}
