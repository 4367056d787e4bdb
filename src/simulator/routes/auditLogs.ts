/**
 * `audit_logs` in the simulator (tines-api.md, Audit logs): the list under `audit_logs`, newest
 * first, with the `user_id[]`, `operation_name[]`, `before` and `after` filters (one value may also
 * come as plain `user_id=` / `operation_name=`, as Tines' Go SDK sends it). Readable by tenant
 * owners and keys with `AUDIT_LOG_READ`: the server checks the key (`requires`).
 */
import type { TenantState } from "../tenantState";
import { paginated, type Route } from "./common";

/** Every value of a filter given as `name[]=` or `name=`. */
function values(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(`${name}[]`), ...query.getAll(name)].filter((value) => value !== "");
}

/** The routes of `audit_logs`. */
export function auditLogRoutes(state: TenantState, baseUrl: () => string): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/api\/v1\/audit_logs$/,
      admin: true,
      requires: "auditLogRead",
      handle: ({ url, query }) =>
        paginated(
          url,
          baseUrl(),
          "audit_logs",
          state.listAuditLogs({
            userIds: values(query, "user_id").map(Number),
            operationNames: values(query, "operation_name"),
            before: query.get("before") ?? undefined,
            after: query.get("after") ?? undefined,
          }),
        ),
    },
  ];
}
