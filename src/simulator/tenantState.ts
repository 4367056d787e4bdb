/**
 * The simulated tenant: users, teams, memberships, templates, roles and the invitation outbox, with
 * the rules Tines enforces (tines-api.md). Operations throw {@link SimulatorHttpError} with the
 * status and body Tines would send; the server turns that into the answer.
 *
 * The rules are kept by family, each in its own file working on the tenant's store
 * (tenantStore.ts: the data, its file, its clock): userState.ts, teamState.ts (teams and
 * memberships), templateState.ts, roleState.ts (roles and stories), scimState.ts and
 * auditLogState.ts. {@link TenantState} composes them; the server, the tests and the demo use it.
 * What concerns the tenant as a whole (its settings, owner, custom roles, SCIM and audit log) is
 * composed in tenantAdministration.ts, which {@link TenantState} extends with users, teams,
 * memberships, stories and templates.
 */
import * as roleRules from "./roleState";
import type { SimulatedStory } from "./roleState";
import { TenantAdministration } from "./tenantAdministration";
import * as teamRules from "./teamState";
import type { SimulatedTeam } from "./teamState";
import * as templateRules from "./templateState";
import type { NewSimulatedTemplate, SimulatedTemplate } from "./templateState";
import { SimulatorHttpError } from "./tenantStore";
import * as userRules from "./userState";
import type { NewSimulatedUser, SimulatedSignIn, SimulatedUser } from "./userState";

export type { AuditLogFilters, NewSimulatedAuditLogEntry, SimulatedAuditActor, SimulatedAuditLogEntry } from "./auditLogState";
export type { SimulatedRole, SimulatedStory } from "./roleState";
export type { SimulatedScimMapping, SimulatedScimMappingLine } from "./scimState";
export type { SimulatedMembership, SimulatedTeam } from "./teamState";
export type { SimulatedTemplate } from "./templateState";
export { SimulatorHttpError, type SimulatorNormalisation, type TenantData } from "./tenantStore";
export type { SimulatedInvitation, SimulatedSignIn, SimulatedUser } from "./userState";
export type { TenantStateOptions } from "./tenantAdministration";

/** The simulated tenant's data and rules. */
export class TenantState extends TenantAdministration {
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
    const user = /^\d+$/.test(idOrEmail)
      ? this.getUser(Number(idOrEmail))
      : this.userLookupByEmail && idOrEmail.includes("@") ? this.findUserByEmail(idOrEmail) : undefined;
    // A user made moments ago answers 404 too, with `readAfterWriteDelayMs`.
    if (!user || !this.store.shown(`user:${user.id}`)) throw new SimulatorHttpError(404, { errors: [{ message: "User not found" }] });
    return user;
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

  /** The team as `GET /teams/{id}` (and its members) answer: a 404 for one made moments ago, with `readAfterWriteDelayMs`. */
  visibleTeam(id: number): SimulatedTeam {
    const team = this.getTeam(id);
    if (!this.store.shown(`team:${id}`)) throw new SimulatorHttpError(404, { error: "Team not found" });
    return team;
  }

  /** The teams `GET /teams` shows: not one made moments ago, with `readAfterWriteDelayMs`. */
  visibleTeams(scope?: string): SimulatedTeam[] {
    return this.listTeams(scope).filter((team) => this.store.shown(`team:${team.id}`));
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

  /** The template as `GET /admin/templates/{id}` answers: a 404 for one made moments ago, with `readAfterWriteDelayMs`. */
  visibleTemplate(id: string): SimulatedTemplate {
    const template = this.getTemplate(id);
    if (!this.store.shown(`template:${template.id}`)) throw new SimulatorHttpError(404, { errors: [{ message: "Template not found" }] });
    return template;
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
