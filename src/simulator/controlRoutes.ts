/**
 * The simulator's own endpoints under `/_simulator/`, not Tines': `GET` and `DELETE
 * /_simulator/requests` read and empty the request log, and `POST /_simulator/audit_logs` adds an
 * audit-log entry as if someone else had made a change. They need the tenant-owner key, and are
 * neither logged, rate-limited nor faulted, so reading the log never changes it.
 */
import { z } from "zod";
import type { ApiKeyIdentity } from "./apiKeys";
import { requestLogLine, type RequestLog } from "./requestLog";
import type { Answer } from "./routes";
import { SimulatorHttpError, type NewSimulatedAuditLogEntry, type TenantState } from "./tenantState";

/** A request to `/_simulator/…`, with its body read and its key identified. */
export interface ControlRequest {
  method: string;
  url: URL;
  rawBody: string;
  identity: ApiKeyIdentity | undefined;
}

/** The answer to a request to `/_simulator/…` (its body, when there is one, is sent as JSON). */
export function answerControlRequest(request: ControlRequest, state: TenantState, log: RequestLog): Answer {
  const { method, url, rawBody, identity } = request;
  if (identity?.kind !== "owner") return { status: 401, body: { error: "Unauthorized: the tenant-owner key is required" } };
  if (url.pathname === "/_simulator/requests" && method === "GET") return { status: 200, body: { requests: log.entries.map(requestLogLine), count: log.entries.length } };
  if (url.pathname === "/_simulator/requests" && method === "DELETE") {
    log.clear();
    return { status: 204 };
  }
  if (url.pathname === "/_simulator/audit_logs" && method === "POST") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody || "{}");
    } catch {
      return { status: 400, body: { error: "the body is not JSON" } };
    }
    const fields = auditHookSchema.safeParse(parsed);
    if (!fields.success) return { status: 400, body: { error: fields.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ") } };
    try {
      return { status: 201, body: state.addAuditLogEntry(fields.data) };
    } catch (error) {
      if (error instanceof SimulatorHttpError) return { status: error.status, body: error.body };
      throw error;
    }
  }
  return { status: 404, body: { error: `No simulator endpoint ${method} ${url.pathname}` } };
}

/** The body of `POST /_simulator/audit_logs`. */
const auditHookSchema: z.ZodType<NewSimulatedAuditLogEntry> = z.object({
  operation_name: z.string().min(1),
  inputs: z.unknown().optional(),
  outputs: z.unknown().optional(),
  user_id: z.number().int().nullable().optional(),
  user_email: z.string().optional(),
  user_name: z.string().optional(),
  request_ip: z.string().optional(),
  request_user_agent: z.string().optional(),
  created_at: z.string().optional(),
});
