/**
 * The simulated tenant: users, teams, memberships, templates, roles and the invitation outbox, with
 * the rules Tines enforces (tines-api.md). Operations throw {@link SimulatorHttpError} with the
 * status and body Tines would send; the server turns that into the answer.
 *
 * The rules are kept by family, each in its own file working on the tenant's store
 * (tenantStore.ts: the data, its file, its clock): userState.ts, teamState.ts (teams and
 * memberships), templateState.ts, roleState.ts (roles and stories). {@link TenantState} composes
 * them; the server, the tests and the demo use it.
 */
import * as auditLogRules from "./auditLogState";
import type { AuditLogFilters, NewSimulatedAuditLogEntry, SimulatedAuditActor, SimulatedAuditLogEntry } from "./auditLogState";
import * as roleRules from "./roleState";
import * as scimRules from "./scimState";
import type { SimulatedScimMapping, SimulatedScimMappingLine } from "./scimState";
import type { SimulatedRole, SimulatedStory } from "./roleState";
import * as teamRules from "./teamState";
import type { SimulatedTeam } from "./teamState";
import * as templateRules from "./templateState";
import type { NewSimulatedTemplate, SimulatedTemplate } from "./templateState";
import { SimulatorHttpError, TenantStore, type SimulatorNormalisation, type TenantData } from "./tenantStore";
import * as userRules from "./userState";
import type { NewSimulatedUser, SimulatedSignIn, SimulatedUser } from "./userState";

export type { AuditLogFilters, NewSimulatedAuditLogEntry, SimulatedAuditActor, SimulatedAuditLogEntry } from "./auditLogState";
export type { SimulatedRole, SimulatedStory } from "./roleState";
export type { SimulatedScimMapping, SimulatedScimMappingLine } from "./scimState";
export type { SimulatedMembership, SimulatedTeam } from "./teamState";
export type { SimulatedTemplate } from "./templateState";
export { SimulatorHttpError, type SimulatorNormalisation, type TenantData } from "./tenantStore";
export type { SimulatedInvitation, SimulatedSignIn, SimulatedUser } from "./userState";

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
   * Whether `GET /admin/users/{email}` finds a user by email (tines-api.md: new in the 2026-06
   * docs). False behaves as an older tenant, which answers 404 for any email. Default true.
   */
  userLookupByEmail?: boolean;
  /** The clock, for tests. */
  now?: () => number;
}

/** The simulated tenant's data and rules. */
export class TenantState {
  /** How long a deleted user stays visible, in ms. */
  userDeletionDelayMs: number;
  /** How the tenant normalises what it stores and echoes; tests may change it at any time. */
  normalisation: SimulatorNormalisation;
  /** How long a new object stays out of lists, in ms (see {@link TenantStateOptions.listingDelayMs}). */
  listingDelayMs: number;
  /** Whether a user is found by email in place of the id (see {@link TenantStateOptions.userLookupByEmail}); tests may change it at any time. */
  userLookupByEmail: boolean;
  /** The data, its file and its clock, which the rules work on; it reads the settings above from here. */
  private readonly store: TenantStore;

  constructor(options: TenantStateOptions = {}) {
    this.normalisation = { ...options.normalisation };
    this.listingDelayMs = options.listingDelayMs ?? 0;
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

  // Users ----------------------------------------------------------------------------------------

  /** Every user, in id order. */
  listUsers(filter?: string): SimulatedUser[] {
    return userRules.listUsers(this.store, filter);
  }

  /** One user or a 404. */
  getUser(id: number): SimulatedUser {
    return userRules.getUser(this.store, id);
  }

  /** The user with this email (case-insensitive), if any. */
  findUserByEmail(email: string): SimulatedUser | undefined {
    return userRules.findUserByEmail(this.store, email);
  }

  /**
   * `GET /admin/users/{id or email}`: a user by id, or by email (case-insensitive) when this tenant
   * looks users up by email; a 404 otherwise, as for an unknown id.
   */
  getUserByIdOrEmail(idOrEmail: string): SimulatedUser {
    if (/^\d+$/.test(idOrEmail)) return this.getUser(Number(idOrEmail));
    const user = this.userLookupByEmail && idOrEmail.includes("@") ? this.findUserByEmail(idOrEmail) : undefined;
    if (!user) throw new SimulatorHttpError(404, { errors: [{ message: "User not found" }] });
    return user;
  }

  /** The tenant owner whose key the simulator uses, if the tenant has them (see seed.ts, ensureTenantOwner). */
  tenantOwner(): SimulatedUser | undefined {
    const id = this.store.data.ownerUserId;
    return id === null ? undefined : this.store.data.users.find((user) => user.id === id);
  }

  /** Records which user owns the simulator's tenant-owner key. */
  setTenantOwner(userId: number): void {
    this.getUser(userId);
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

  /** Team memberships of a user, as `include=team_memberships` shows them. */
  teamMembershipsOf(userId: number): Array<{ team_id: number; team_name: string; role: string }> {
    return teamRules.teamMembershipsOf(this.store, userId);
  }

  /** Creates a user and records the invitation email Tines sends. */
  createUser(fields: NewSimulatedUser): SimulatedUser {
    return userRules.createUser(this.store, fields);
  }

  /** Changes the fields given. */
  updateUser(id: number, fields: Partial<Omit<SimulatedUser, "id">>): SimulatedUser {
    return userRules.updateUser(this.store, id, fields);
  }

  /** Deactivates the user at once and queues the deletion, as Tines does. */
  deleteUser(id: number): void {
    userRules.deleteUser(this.store, id);
  }

  /** Marks a user as having accepted their invitation and signed in (for tests and the demo). */
  acceptInvitation(userId: number): void {
    userRules.acceptInvitation(this.store, userId);
  }

  /** Records a sign-in (for tests). */
  recordSignIn(userId: number, ip = "203.0.113.7", userAgent = "Mozilla/5.0"): SimulatedSignIn {
    return userRules.recordSignIn(this.store, userId, ip, userAgent);
  }

  /** A user's sign-ins, newest first, within optional bounds. */
  signInsOf(userId: number, before?: string, after?: string): SimulatedSignIn[] {
    return userRules.signInsOf(this.store, userId, before, after);
  }

  /** Resends the tenant invitation; answers Tines' message when it was accepted already. */
  resendUserInvitation(userId: number): string | undefined {
    return userRules.resendUserInvitation(this.store, userId);
  }

  // Teams ----------------------------------------------------------------------------------------

  /** Teams by scope. */
  listTeams(scope?: string): SimulatedTeam[] {
    return teamRules.listTeams(this.store, scope);
  }

  /** One team or a 404. */
  getTeam(id: number): SimulatedTeam {
    return teamRules.getTeam(this.store, id);
  }

  /** Creates a team. */
  createTeam(name: string, personal = false): SimulatedTeam {
    return teamRules.createTeam(this.store, name, personal);
  }

  /** Renames a team. */
  renameTeam(id: number, name: string): SimulatedTeam {
    return teamRules.renameTeam(this.store, id, name);
  }

  /**
   * Deletes a team with its memberships, stories and templates (what Tines does with them is
   * undocumented; tines-api.md says to assume they go with it).
   */
  deleteTeam(id: number): void {
    teamRules.deleteTeam(this.store, id);
  }

  /** Adds a story to a team, so its story count is not 0 (for tests, the demo and `--seed-story`). */
  seedStory(teamId: number, name = "A story"): SimulatedStory {
    this.getTeam(teamId);
    const story = roleRules.addStory(this.store.data, teamId, name);
    this.store.save();
    return story;
  }

  /** A team's stories (`GET /stories?team_id=`), or every story. */
  storiesOf(teamId?: number): SimulatedStory[] {
    return this.store.data.stories.filter((story) => teamId === undefined || story.team_id === teamId);
  }

  /** A team's members as `GET /teams/{id}/members` shows them. */
  membersOf(teamId: number): Array<Record<string, unknown>> {
    return teamRules.membersOf(this.store, teamId);
  }

  /** Every role name the tenant knows. */
  roleNames(): string[] {
    return roleRules.roleNames(this.store.data);
  }

  /** Default and custom roles. */
  listRoles(): SimulatedRole[] {
    return roleRules.listRoles(this.store.data);
  }

  /** Adds a custom role (for tests and the demo); the feature and the limit apply. */
  addCustomRole(name: string, fields: { description?: string; permissions?: string[] } = {}): SimulatedRole {
    return this.createCustomRole({ name, description: fields.description, permissions: fields.permissions ?? ["STORY_READ"] });
  }

  /** `POST /admin/roles`. */
  createCustomRole(fields: { name: string; description?: string; permissions: string[] }): SimulatedRole {
    const role = roleRules.createCustomRole(this.store.data, fields, this.store.timestamp(), refuse);
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

  /**
   * Adds someone to a team. An unknown email creates the tenant user and emails an invitation;
   * a role defaults to `VIEWER`; someone already on the team is refused.
   */
  inviteMember(teamId: number, invitee: { user_id?: number; email?: string }, role = "VIEWER"): Record<string, unknown> {
    return teamRules.inviteMember(this.store, teamId, invitee, role);
  }

  /** Removes someone from a team; the last member of a team cannot be removed. */
  removeMember(teamId: number, userId: number): void {
    teamRules.removeMember(this.store, teamId, userId);
  }

  /** Resends a member's team invitation; answers the member without `role`, as Tines does. */
  resendTeamInvitation(teamId: number, userId: number): Record<string, unknown> {
    return teamRules.resendTeamInvitation(this.store, teamId, userId);
  }

  /** Puts a user on a team directly, without an invitation (for seeding tests and the demo). */
  seedMembership(teamId: number, userId: number, role = "VIEWER"): void {
    teamRules.seedMembership(this.store, teamId, userId, role);
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
    const owner = this.tenantOwner() ?? this.findUserByEmail(userRules.seededOwnerEmail);
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

  // Templates ------------------------------------------------------------------------------------

  /** Templates filtered by a search (name, description, vendor, product and action options) and folder. */
  listTemplates(search?: string, folderId?: number): SimulatedTemplate[] {
    return templateRules.listTemplates(this.store, search, folderId);
  }

  /** One template or a 404. */
  getTemplate(id: string): SimulatedTemplate {
    return templateRules.getTemplate(this.store, id);
  }

  /** Creates a template; `read_access` defaults to `TEAM` with a team and `GLOBAL` without. */
  createTemplate(fields: NewSimulatedTemplate): SimulatedTemplate {
    return templateRules.createTemplate(this.store, fields);
  }

  /** Updates the fields given; `team_id` is not among them (a move is needed). */
  updateTemplate(id: string, fields: Partial<Omit<SimulatedTemplate, "id" | "team_id">>): SimulatedTemplate {
    return templateRules.updateTemplate(this.store, id, fields);
  }

  /** Moves a template to another team; access resets to team-only. */
  moveTemplate(id: string, teamId: number, folderId: number | null | undefined): SimulatedTemplate {
    return templateRules.moveTemplate(this.store, id, teamId, folderId);
  }

  /** A template as the API shows it, with this tenant's normalisation applied. */
  templateView(template: SimulatedTemplate): Record<string, unknown> {
    return templateRules.templateView(this.store, template);
  }

  /** Deletes a template. */
  deleteTemplate(id: string): void {
    templateRules.deleteTemplate(this.store, id);
  }
}
