/**
 * The simulated tenant's audit log (tines-api.md, "Other things that touch users and teams",
 * Audit logs): one entry per write, carrying the operation, its inputs and outputs, who made it
 * (the id, email and name of the key's user), the request's IP address and User-Agent, and the
 * time in whole seconds. The server records the writes it receives; tests add entries of other
 * people through {@link addAuditLogEntry}. The functions work on the tenant's store and save;
 * {@link TenantState} calls them.
 */
import { SimulatorHttpError, type TenantStore } from "./tenantStore";
import { findUserByEmail, type SimulatedUser } from "./userState";

/** One entry, with the fields Tines' list page and its Go SDK show. */
export interface SimulatedAuditLogEntry {
  id: number;
  /** ISO 8601 in whole seconds, as in Tines' samples (`"2025-01-11T03:57:28Z"`). */
  created_at: string;
  updated_at: string;
  /** A string: the names Tines uses are only partly known (tines-api.md lists the ones seen). */
  operation_name: string;
  /** Free JSON. */
  inputs: unknown;
  /** Free JSON. */
  outputs: unknown;
  request_ip: string;
  request_user_agent: string;
  tenant_id: number;
  /** Null only for an entry a test adds for someone who is not a user of the tenant. */
  user_id: number | null;
  user_email: string;
  user_name: string;
  story_id: number | null;
}

/** Who made a request, as an entry names them. */
export interface SimulatedAuditActor {
  user_id: number | null;
  user_email: string;
  user_name: string;
}

/** What {@link addAuditLogEntry} takes: the operation, and anything else to set instead of the defaults. */
export interface NewSimulatedAuditLogEntry {
  operation_name: string;
  inputs?: unknown;
  outputs?: unknown;
  /** The user who made the change; their email and name are filled in from the tenant when they exist. */
  user_id?: number | null;
  /** Another way to name the user; used as given when no user of the tenant has it. */
  user_email?: string;
  user_name?: string;
  /** Default `203.0.113.9` (a documentation address). */
  request_ip?: string;
  /** Default a browser's. */
  request_user_agent?: string;
  /** Any time `Date.parse` reads; default now. Kept in whole seconds. */
  created_at?: string;
}

/** The tenant id every entry carries (the simulator holds one tenant). */
export const simulatedTenantId = 1;

/** A time in whole seconds, as Tines writes audit-log times. */
export function wholeSecondTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** How an entry names a user of the tenant. */
export function actorOf(user: SimulatedUser): SimulatedAuditActor {
  return { user_id: user.id, user_email: user.email, user_name: `${user.first_name} ${user.last_name}`.trim() || user.email };
}

/** Appends one entry and returns it. */
export function addAuditLogEntry(store: TenantStore, fields: NewSimulatedAuditLogEntry, defaultActor: SimulatedAuditActor): SimulatedAuditLogEntry {
  const createdMs = fields.created_at === undefined ? store.now() : Date.parse(fields.created_at);
  if (Number.isNaN(createdMs)) throw new SimulatorHttpError(400, { errors: [{ message: `created_at is not a time: ${fields.created_at}` }] });
  let actor = defaultActor;
  if (fields.user_id !== undefined || fields.user_email !== undefined) {
    const user =
      (fields.user_id != null ? store.data.users.find((each) => each.id === fields.user_id) : undefined) ??
      (fields.user_email !== undefined ? findUserByEmail(store, fields.user_email) : undefined);
    actor = user
      ? actorOf(user)
      : { user_id: fields.user_id ?? null, user_email: fields.user_email ?? "", user_name: fields.user_name ?? fields.user_email ?? "" };
  }
  const at = wholeSecondTimestamp(createdMs);
  const entry: SimulatedAuditLogEntry = {
    id: store.data.nextAuditLogId++,
    created_at: at,
    updated_at: at,
    operation_name: fields.operation_name,
    inputs: fields.inputs ?? {},
    outputs: fields.outputs ?? {},
    request_ip: fields.request_ip ?? "203.0.113.9",
    request_user_agent: fields.request_user_agent ?? "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    tenant_id: simulatedTenantId,
    ...actor,
    ...(fields.user_name !== undefined ? { user_name: fields.user_name } : {}),
    story_id: null,
  };
  store.data.auditLogs.push(entry);
  store.save();
  return entry;
}

/** The filters of `GET /audit_logs`. */
export interface AuditLogFilters {
  userIds?: number[];
  operationNames?: string[];
  /** Entries strictly before this time. */
  before?: string;
  /** Entries strictly after this time. */
  after?: string;
}

/**
 * Entries matching the filters, newest first. Tines documents neither the order nor whether
 * `before` and `after` include their bound: the simulator picks newest first and exclusive bounds,
 * the less convenient reading, so a client that copes with it copes with either.
 */
export function listAuditLogs(store: TenantStore, filters: AuditLogFilters): SimulatedAuditLogEntry[] {
  const bound = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === "") return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new SimulatorHttpError(400, { errors: [{ message: `${name} is not a timestamp: ${value}` }] });
    return ms;
  };
  const before = bound("before", filters.before);
  const after = bound("after", filters.after);
  return store.data.auditLogs
    .filter((entry) => {
      const at = Date.parse(entry.created_at);
      return (
        (before === undefined || at < before) &&
        (after === undefined || at > after) &&
        (filters.userIds === undefined || filters.userIds.length === 0 || (entry.user_id !== null && filters.userIds.includes(entry.user_id))) &&
        (filters.operationNames === undefined || filters.operationNames.length === 0 || filters.operationNames.includes(entry.operation_name))
      );
    })
    .reverse();
}
