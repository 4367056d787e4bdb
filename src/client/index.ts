/**
 * The Tines REST client: one {@link TinesClient} per (tenant, key), with an API object per
 * resource. Transport, errors, retries, rate limits, pagination and response schemas live beside
 * this file, one concern each.
 */
// First: on a Node.js too old, fail with one clear sentence before any dependency loads.
import "../nodeVersion";
import { TinesAuditLogsApi } from "./auditLogs";
import type { TinesConnectionSettings } from "./settings";
import { TinesRolesApi } from "./roles";
import { TinesScimApi } from "./scim";
import { TinesTeamsApi } from "./teams";
import { TinesTemplatesApi } from "./templates";
import { TinesTransport, type TransportOptions } from "./transport";
import { TinesUsersApi } from "./users";

/** A client for one Tines tenant, authenticated with one API key. */
export class TinesClient {
  /** The transport every call goes through. */
  readonly transport: TinesTransport;
  /** `/admin/users`. */
  readonly users: TinesUsersApi;
  /** `/teams` and their members. */
  readonly teams: TinesTeamsApi;
  /** `/admin/templates`. */
  readonly templates: TinesTemplatesApi;
  /** `/admin/roles`. */
  readonly roles: TinesRolesApi;
  /** `/admin/scim_user_group_mapping`. */
  readonly scim: TinesScimApi;
  /** `/audit_logs`. */
  readonly auditLogs: TinesAuditLogsApi;

  constructor(settings: TinesConnectionSettings, options: TransportOptions = {}) {
    this.transport = new TinesTransport(settings, options);
    this.users = new TinesUsersApi(this.transport);
    this.teams = new TinesTeamsApi(this.transport);
    this.templates = new TinesTemplatesApi(this.transport);
    this.roles = new TinesRolesApi(this.transport);
    this.scim = new TinesScimApi(this.transport);
    this.auditLogs = new TinesAuditLogsApi(this.transport);
  }

  /** The tenant's origin. */
  get tenantUrl(): string {
    return this.transport.tenantUrl;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.transport.close();
  }
}

export * from "./errors";
export * from "./jsonResponse";
export * from "./pagination";
export * from "./rateLimiter";
export * from "./retryPolicy";
export * from "./operationDeadline";
export * from "./schemas";
export * from "./settings";
export * from "./transport";
export type { TinesQueryValue } from "./queryString";
export * from "./users";
export * from "./teams";
export * from "./templates";
export * from "./roles";
export * from "./scim";
export * from "./auditLogs";
