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
import * as roleRules from "./roleState";
import type { SimulatedRole, SimulatedStory } from "./roleState";
import * as teamRules from "./teamState";
import type { SimulatedTeam } from "./teamState";
import * as templateRules from "./templateState";
import type { NewSimulatedTemplate, SimulatedTemplate } from "./templateState";
import { SimulatorHttpError, TenantStore, type SimulatorNormalisation, type TenantData } from "./tenantStore";
import * as userRules from "./userState";
import type { NewSimulatedUser, SimulatedSignIn, SimulatedUser } from "./userState";

export type { SimulatedRole, SimulatedStory } from "./roleState";
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
  /** The data, its file and its clock, which the rules work on; it reads the settings above from here. */
  private readonly store: TenantStore;

  constructor(options: TenantStateOptions = {}) {
    this.normalisation = { ...options.normalisation };
    this.listingDelayMs = options.listingDelayMs ?? 0;
    this.userDeletionDelayMs = options.userDeletionDelayMs ?? 1000;
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
