/**
 * The tenant's audit logs: `GET /api/v1/audit_logs` (tines-api.md, "Other things that touch users
 * and teams", Audit logs). Readable by tenant owners and users with `AUDIT_LOG_READ`: any other key
 * gets a 403, thrown as a {@link TinesApiError} of kind `forbidden` for the caller to turn into one
 * warning. Limited to 1000 requests a minute, which the transport paces (rateLimiter.ts).
 */
import { TinesError } from "./errors";
import { paginate } from "./pagination";
import { tinesAuditLogEntrySchema, type TinesAuditLogEntryObject } from "./schemas";
import type { TinesTransport } from "./transport";

/** Options of {@link TinesAuditLogsApi.list}. */
export interface ListTinesAuditLogsOptions {
  /** Entries made at or after this time. */
  since?: Date | string;
  /** Entries made at or before this time. */
  until?: Date | string;
  /** Only entries made by these users (`user_id[]`). */
  userIds?: number[];
  /** Only entries of these operations (`operation_name[]`); the names Tines uses are only partly known. */
  operationNames?: string[];
}

/** Calls on `/api/v1/audit_logs`. */
export class TinesAuditLogsApi {
  constructor(private readonly transport: TinesTransport) {}

  /**
   * The entries within the bounds, page by page (500 a request), each once. Tines documents neither
   * the order of the entries nor whether `before` and `after` include their bound, and writes times
   * in whole seconds: so the bounds are sent a second wider than asked and applied here, inclusive,
   * and no order is promised. An entry seen twice (pages shift while new entries arrive) is yielded
   * once. An entry whose time cannot be read is kept: an audit must not lose one silently.
   */
  async *list(options: ListTinesAuditLogsOptions = {}): AsyncGenerator<TinesAuditLogEntryObject> {
    const since = options.since === undefined ? undefined : toMs(options.since, "since");
    const until = options.until === undefined ? undefined : toMs(options.until, "until");
    const seen = new Set<number>();
    const entries = paginate(this.transport, {
      path: "/api/v1/audit_logs",
      itemsKey: "audit_logs",
      itemSchema: tinesAuditLogEntrySchema,
      query: {
        after: since === undefined ? undefined : rfc3339Seconds(since - 1000),
        before: until === undefined ? undefined : rfc3339Seconds(until + 1000),
        "user_id[]": options.userIds,
        "operation_name[]": options.operationNames,
      },
    });
    for await (const entry of entries) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      const at = Date.parse(entry.created_at);
      if (!Number.isNaN(at) && ((since !== undefined && at < since) || (until !== undefined && at > until))) continue;
      yield entry;
    }
  }

  /** Every entry within the bounds, collected. */
  async listAll(options: ListTinesAuditLogsOptions = {}): Promise<TinesAuditLogEntryObject[]> {
    const entries: TinesAuditLogEntryObject[] = [];
    for await (const entry of this.list(options)) entries.push(entry);
    return entries;
  }
}

function toMs(time: Date | string, name: string): number {
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  if (Number.isNaN(ms)) throw new TinesError(`audit logs: ${name} is not a time: ${String(time)}`);
  return ms;
}

/** RFC 3339 in whole seconds (rounded down), as Tines' Go SDK sends `before` and `after`. */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
