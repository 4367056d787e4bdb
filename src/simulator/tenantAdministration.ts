/**
 * The simulated tenant as a whole, before its users, teams and templates: the settings tests may
 * change at any time, its data as one (reset, snapshot), the tenant owner and the owner's API key,
 * custom roles and the Enterprise feature that allows them, SCIM (the switch, provisioned users and
 * the group mapping), and the audit log. {@link TenantState} adds users, teams, memberships,
 * stories and templates; the rules themselves are in the family files (roleState.ts, scimState.ts,
 * auditLogState.ts, userState.ts), working on the tenant's store (tenantStore.ts).
 */
import * as auditLogRules from "./auditLogState";
import type { AuditLogFilters, NewSimulatedAuditLogEntry, SimulatedAuditActor, SimulatedAuditLogEntry } from "./auditLogState";
import * as roleRules from "./roleState";
import type { SimulatedRole } from "./roleState";
import * as scimRules from "./scimState";
import type { SimulatedScimMapping, SimulatedScimMappingLine } from "./scimState";
import type { TenantState } from "./tenantState";
import { SimulatorHttpError, TenantStore, type SimulatorNormalisation, type TenantData } from "./tenantStore";
import * as userRules from "./userState";
import type { NewSimulatedUser, SimulatedUser } from "./userState";

const refuse: roleRules.Refuse = (status, body) => {
  throw new SimulatorHttpError(status, body);
};

/** Options of {@link TenantState}. */
export interface TenantStateOptions {
  /** How the tenant normalises what it stores and echoes. None by default. */
  normalisation?: SimulatorNormalisation;
  /** JSON file to load at start and save after every change. */
  statePath?: string;
  /** How long a deleted user stays visible (deactivated) before disappearing, in ms. Default 1000. */
  userDeletionDelayMs?: number;
  /**
   * How long a new user, membership or template stays out of lists (the users list, a team's
   * members, a user's `team_memberships`, the template search) after it is created, in ms: a write
   * that is not visible at once everywhere. A GET by id sees it at once. Default 0.
   */
  listingDelayMs?: number;
  /**
   * How long a new user, membership, template, team or custom role answers 404 to every read
   * (a GET by id or email, a team's members, a user's `team_memberships`, and every list) after it
   * is created, in ms: Tines may not show a new object for a while after the write (issue 20's
   * read-after-write lag). Default 0.
   */
  readAfterWriteDelayMs?: number;
  /**
   * Whether `GET /admin/users/{email}` finds a user by email (tines-api.md: new in the 2026-06
   * docs). False behaves as an older tenant, which answers 404 for any email. Default true.
   */
  userLookupByEmail?: boolean;
  /** The clock, for tests. */
  now?: () => number;
}

/** The tenant's settings, data, owner, custom roles, SCIM and audit log; {@link TenantState} is the whole tenant. */
export class TenantAdministration {
  /** How long a deleted user stays visible, in ms. */
  userDeletionDelayMs: number;
  /** How the tenant normalises what it stores and echoes; tests may change it at any time. */
  normalisation: SimulatorNormalisation;
  /** How long a new object stays out of lists, in ms (see {@link TenantStateOptions.listingDelayMs}). */
  listingDelayMs: number;
  /** How long a new object answers 404 to every read, in ms (see {@link TenantStateOptions.readAfterWriteDelayMs}). */
  readAfterWriteDelayMs: number;
  /** Whether a user is found by email in place of the id (see {@link TenantStateOptions.userLookupByEmail}); tests may change it at any time. */
  userLookupByEmail: boolean;
  /** The data, its file and its clock, which the rules work on; it reads the settings above from here. */
  protected readonly store: TenantStore;

  constructor(options: TenantStateOptions = {}) {
    this.normalisation = { ...options.normalisation };
    this.listingDelayMs = options.listingDelayMs ?? 0;
    this.readAfterWriteDelayMs = options.readAfterWriteDelayMs ?? 0;
    this.userDeletionDelayMs = options.userDeletionDelayMs ?? 1000;
    this.userLookupByEmail = options.userLookupByEmail ?? true;
    this.store = new TenantStore(options.statePath, options.now ?? Date.now, this);
  }

  /** Forgets everything (the file too, when persisted). */
  reset(): void {
    this.store.reset();
  }

  /** A deep copy of everything, for tests and the demo to inspect. */
  snapshot(): TenantData {
    userRules.purgeDeletedUsers(this.store);
    return structuredClone(this.store.data);
  }

  /**
   * Puts the tenant back as a {@link snapshot} found it (the file too, when persisted), so that
   * tests can each start from one deployed tenant without deploying it again. Objects restored
   * count as long visible to lists and reads.
   */
  restore(data: TenantData): void {
    this.store.replace(structuredClone(data));
  }

  // The tenant owner -----------------------------------------------------------------------------

  /** The tenant owner whose key the simulator uses, if the tenant has them (see seed.ts, ensureTenantOwner). */
  tenantOwner(): SimulatedUser | undefined {
    const id = this.store.data.ownerUserId;
    return id === null ? undefined : this.store.data.users.find((user) => user.id === id);
  }

  /** Records which user owns the simulator's tenant-owner key. */
  setTenantOwner(userId: number): void {
    userRules.getUser(this.store, userId);
    this.store.data.ownerUserId = userId;
    this.store.save();
  }

  /** The tenant-owner API key kept in the state (null until one is stored). */
  get ownerApiKey(): string | null {
    return this.store.data.ownerApiKey;
  }

  /** Keeps the tenant-owner API key in the state, so a restart from the state file answers to it. */
  set ownerApiKey(key: string | null) {
    this.store.data.ownerApiKey = key;
    this.store.save();
  }

  // Custom roles ---------------------------------------------------------------------------------

  /** Every role name the tenant knows. */
  roleNames(): string[] {
    return roleRules.roleNames(this.store.data);
  }

  /** Default and custom roles. */
  listRoles(): SimulatedRole[] {
    return roleRules.listRoles(this.store.data);
  }

  /** The roles `GET /admin/roles` shows: a custom role made moments ago not yet, with `readAfterWriteDelayMs`. */
  visibleRoles(): SimulatedRole[] {
    return this.listRoles().filter((role) => role.type !== "custom" || this.store.shown(`role:${role.id}`));
  }

  /** Adds a custom role (for tests and the demo); the feature and the limit apply. */
  addCustomRole(name: string, fields: { description?: string; permissions?: string[] } = {}): SimulatedRole {
    return this.createCustomRole({ name, description: fields.description, permissions: fields.permissions ?? ["STORY_READ"] });
  }

  /** `POST /admin/roles`. */
  createCustomRole(fields: { name: string; description?: string; permissions: string[] }): SimulatedRole {
    const role = roleRules.createCustomRole(this.store.data, fields, this.store.timestamp(), refuse);
    this.store.created(`role:${role.id}`);
    this.store.save();
    return role;
  }

  /** `PATCH /admin/roles/{id or name}`. */
  updateCustomRole(idOrName: string, fields: { description?: string; permissions?: string[] }): SimulatedRole {
    const role = roleRules.updateCustomRole(this.store.data, idOrName, fields, this.store.timestamp(), refuse);
    this.store.save();
    return role;
  }

  /** `DELETE /admin/roles/{id or name}`: refused while members hold the role. */
  deleteCustomRole(idOrName: string): void {
    const role = roleRules.findRole(this.store.data, idOrName, refuse);
    const holders = Object.values(this.store.data.memberships).flatMap((members) => Object.values(members)).filter((each) => each.role === role.name);
    roleRules.deleteCustomRole(this.store.data, idOrName, holders.length, refuse);
    this.store.save();
  }

  /** Turns the Enterprise custom-roles feature on or off (a tenant without it refuses role writes). */
  setCustomRolesFeature(enabled: boolean): void {
    this.store.data.customRolesFeature = enabled;
    this.store.save();
  }

  // SCIM -----------------------------------------------------------------------------------------

  /** Whether people come from SCIM: user creates and updates, and invitations of new emails, are refused. */
  get scimEnabled(): boolean {
    return this.store.data.scimEnabled;
  }

  /** Turns SCIM on or off (existing users keep their `scim_uid`, or lack of one). */
  setScim(enabled: boolean): void {
    this.store.data.scimEnabled = enabled;
    this.store.save();
  }

  /** The SCIM user group mapping. */
  scimMapping(): SimulatedScimMapping {
    return structuredClone(this.store.data.scimMapping);
  }

  /** Replaces the whole SCIM user group mapping (see scimState.ts for what is refused and kept). */
  replaceScimMapping(next: { mappings: SimulatedScimMappingLine[]; tenant_owners_group?: string | null }): SimulatedScimMapping {
    return structuredClone(scimRules.replaceScimMapping(this.store, next));
  }

  /** Adds a user as the identity provider would: with a `scim_uid` and no invitation email (for tests and the demo). */
  provisionScimUser(fields: NewSimulatedUser & { scim_uid?: string }): SimulatedUser {
    return scimRules.provisionScimUser(this.store, fields);
  }

  // Audit logs -----------------------------------------------------------------------------------

  /**
   * Who the tenant-owner key belongs to, as an audit-log entry names them: the tenant owner, or,
   * in a tenant made without one, the owner's seeded email with no user id.
   */
  ownerActor(): SimulatedAuditActor {
    const owner = this.tenantOwner() ?? userRules.findUserByEmail(this.store, userRules.seededOwnerEmail);
    return owner ? auditLogRules.actorOf(owner) : { user_id: null, user_email: userRules.seededOwnerEmail, user_name: "Tenant Owner" };
  }

  /** Appends an audit-log entry; by default made now by the tenant owner from a browser (a test's "someone else"). */
  addAuditLogEntry(entry: NewSimulatedAuditLogEntry, actor: SimulatedAuditActor = this.ownerActor()): SimulatedAuditLogEntry {
    return auditLogRules.addAuditLogEntry(this.store, entry, actor);
  }

  /** `GET /audit_logs`: entries matching the filters, newest first. */
  listAuditLogs(filters: AuditLogFilters = {}): SimulatedAuditLogEntry[] {
    return auditLogRules.listAuditLogs(this.store, filters);
  }
}
