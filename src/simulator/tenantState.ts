/**
 * The simulated tenant: users, teams, memberships, templates, roles and the invitation outbox, with
 * the rules Tines enforces (tines-api.md). Operations throw {@link SimulatorHttpError} with the
 * status and body Tines would send; the server turns that into the answer.
 */
import { teamSlugFromName as teamSlug } from "../client/schemas";
import * as roleRules from "./roleState";
import type { SimulatedRole, SimulatedStory } from "./roleState";
import * as teamRules from "./teamState";
import type { SimulatedTeam } from "./teamState";
import { SimulatorHttpError, TenantStore, type SimulatorNormalisation, type TenantData } from "./tenantStore";
import * as userRules from "./userState";
import type { NewSimulatedUser, SimulatedSignIn, SimulatedUser } from "./userState";

export type { SimulatedRole, SimulatedStory } from "./roleState";
export type { SimulatedMembership, SimulatedTeam } from "./teamState";
export { SimulatorHttpError, type SimulatorNormalisation, type TenantData } from "./tenantStore";
export type { SimulatedInvitation, SimulatedSignIn, SimulatedUser } from "./userState";

/** A stored private template. */
export interface SimulatedTemplate {
  id: string;
  name: string;
  description: string;
  vendor: string;
  product: string;
  agent_type: string;
  agent_options: Record<string, unknown>;
  team_id: number | null;
  folder_id: number | null;
  read_access: string;
  shared_team_slugs: string[];
  action_inputs: Array<Record<string, unknown>>;
}

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
    const term = search?.toLowerCase();
    const searched = (template: SimulatedTemplate) =>
      [template.name, template.description, template.vendor, template.product, JSON.stringify(template.agent_options)].some((text) =>
        text.toLowerCase().includes(term!),
      );
    return this.store.data.templates.filter(
      (template) =>
        this.store.listed(`template:${template.id}`) &&
        (term === undefined || searched(template)) &&
        (folderId === undefined || template.folder_id === folderId),
    );
  }

  /** One template or a 404. */
  getTemplate(id: string): SimulatedTemplate {
    const template = this.store.data.templates.find((candidate) => candidate.id === id);
    if (!template) throw new SimulatorHttpError(404, ["Template not found"]);
    return template;
  }

  private checkSharedTeamSlugs(readAccess: string, slugs: string[]): void {
    if (readAccess !== "SPECIFIC_TEAMS") return;
    if (slugs.length === 0) throw new SimulatorHttpError(422, ["shared_team_slugs must be given for SPECIFIC_TEAMS access"]);
    const known = new Set(this.store.data.teams.map((team) => teamSlug(team.name)));
    const unknown = slugs.filter((slug) => !known.has(slug));
    if (unknown.length > 0) throw new SimulatorHttpError(422, [`Unknown team slugs: ${unknown.join(", ")}`]);
  }

  /** Creates a template; `read_access` defaults to `TEAM` with a team and `GLOBAL` without. */
  createTemplate(fields: Omit<SimulatedTemplate, "id" | "read_access" | "team_id" | "folder_id" | "shared_team_slugs" | "action_inputs"> & {
    team_id?: number;
    folder_id?: number | null;
    read_access?: string;
    shared_team_slugs?: string[];
    action_inputs?: Array<Record<string, unknown>>;
  }): SimulatedTemplate {
    if (fields.team_id !== undefined) this.getTeam(fields.team_id);
    const readAccess = fields.read_access ?? (fields.team_id !== undefined ? "TEAM" : "GLOBAL");
    this.checkSharedTeamSlugs(readAccess, fields.shared_team_slugs ?? []);
    const template: SimulatedTemplate = {
      id: String(this.store.data.nextTemplateId++),
      name: fields.name,
      description: fields.description,
      vendor: fields.vendor,
      product: fields.product,
      agent_type: fields.agent_type,
      agent_options: fields.agent_options,
      team_id: fields.team_id ?? null,
      folder_id: fields.folder_id ?? null,
      read_access: readAccess,
      shared_team_slugs: readAccess === "SPECIFIC_TEAMS" ? (fields.shared_team_slugs ?? []) : [],
      action_inputs: fields.action_inputs ?? [],
    };
    this.store.data.templates.push(template);
    this.store.created(`template:${template.id}`);
    this.store.save();
    return template;
  }

  /** Updates the fields given; `team_id` is not among them (a move is needed). */
  updateTemplate(id: string, fields: Partial<Omit<SimulatedTemplate, "id" | "team_id">>): SimulatedTemplate {
    const template = this.getTemplate(id);
    const readAccess = fields.read_access ?? template.read_access;
    const slugs = fields.shared_team_slugs ?? template.shared_team_slugs;
    this.checkSharedTeamSlugs(readAccess, slugs);
    Object.assign(template, fields);
    if (readAccess !== "SPECIFIC_TEAMS") template.shared_team_slugs = [];
    this.store.save();
    return template;
  }

  /** Moves a template to another team; access resets to team-only. */
  moveTemplate(id: string, teamId: number, folderId: number | null | undefined): SimulatedTemplate {
    const template = this.getTemplate(id);
    this.getTeam(teamId);
    template.team_id = teamId;
    template.folder_id = folderId ?? null;
    template.read_access = "TEAM";
    template.shared_team_slugs = [];
    this.store.save();
    return template;
  }

  /** A template as the API shows it, with this tenant's normalisation applied. */
  templateView(template: SimulatedTemplate): Record<string, unknown> {
    const { nullForUnset, reorderJsonKeys, numbersAsStrings } = this.normalisation;
    const json = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(json);
      if (value && typeof value === "object") {
        const entries = Object.entries(value).map(([key, item]) => [key, json(item)] as const);
        return Object.fromEntries(reorderJsonKeys ? entries.reverse() : entries);
      }
      return numbersAsStrings && typeof value === "number" ? String(value) : value;
    };
    const unset = (value: unknown) => (nullForUnset && (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) ? null : value);
    return {
      ...template,
      description: unset(template.description),
      agent_options: json(template.agent_options),
      shared_team_slugs: unset(template.shared_team_slugs),
      action_inputs: template.action_inputs.map((input) => ({
        ...input,
        ...(nullForUnset ? { description: unset(input.description), data: input.data ?? null, default_value: input.default_value ?? null } : {}),
        ...(input.data ? { data: json(input.data) } : {}),
        ...(numbersAsStrings && typeof input.default_value === "number" ? { default_value: String(input.default_value) } : {}),
      })),
    };
  }

  /** Deletes a template. */
  deleteTemplate(id: string): void {
    this.getTemplate(id);
    this.store.data.templates = this.store.data.templates.filter((template) => template.id !== id);
    this.store.save();
  }
}
