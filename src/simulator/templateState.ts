/**
 * The simulated tenant's private action templates (tines-api.md, "Private templates"): search,
 * read access with the teams a template is shared with, moves between teams, and the template as
 * the API shows it under the tenant's normalisation. The functions work on the tenant's store and
 * save; {@link TenantState} calls them.
 */
import { teamSlugFromName as teamSlug } from "../client/schemas";
import { getTeam } from "./teamState";
import { SimulatorHttpError, type TenantStore } from "./tenantStore";

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

/** Templates filtered by a search (name, description, vendor, product and action options) and folder. */
export function listTemplates(store: TenantStore, search?: string, folderId?: number): SimulatedTemplate[] {
  const term = search?.toLowerCase();
  const searched = (template: SimulatedTemplate) =>
    [template.name, template.description, template.vendor, template.product, JSON.stringify(template.agent_options)].some((text) =>
      text.toLowerCase().includes(term!),
    );
  return store.data.templates.filter(
    (template) =>
      store.listed(`template:${template.id}`) &&
      (term === undefined || searched(template)) &&
      (folderId === undefined || template.folder_id === folderId),
  );
}

/** One template or a 404. */
export function getTemplate(store: TenantStore, id: string): SimulatedTemplate {
  const template = store.data.templates.find((candidate) => candidate.id === id);
  if (!template) throw new SimulatorHttpError(404, ["Template not found"]);
  return template;
}

function checkSharedTeamSlugs(store: TenantStore, readAccess: string, slugs: string[]): void {
  if (readAccess !== "SPECIFIC_TEAMS") return;
  if (slugs.length === 0) throw new SimulatorHttpError(422, ["shared_team_slugs must be given for SPECIFIC_TEAMS access"]);
  const known = new Set(store.data.teams.map((team) => teamSlug(team.name)));
  const unknown = slugs.filter((slug) => !known.has(slug));
  if (unknown.length > 0) throw new SimulatorHttpError(422, [`Unknown team slugs: ${unknown.join(", ")}`]);
}

/** What {@link createTemplate} takes: a template's fields, with its team, folder, access, shared teams and action inputs optional. */
export type NewSimulatedTemplate = Omit<SimulatedTemplate, "id" | "read_access" | "team_id" | "folder_id" | "shared_team_slugs" | "action_inputs"> & {
  team_id?: number;
  folder_id?: number | null;
  read_access?: string;
  shared_team_slugs?: string[];
  action_inputs?: Array<Record<string, unknown>>;
};

/** Creates a template; `read_access` defaults to `TEAM` with a team and `GLOBAL` without. */
export function createTemplate(store: TenantStore, fields: NewSimulatedTemplate): SimulatedTemplate {
  if (fields.team_id !== undefined) getTeam(store, fields.team_id);
  const readAccess = fields.read_access ?? (fields.team_id !== undefined ? "TEAM" : "GLOBAL");
  checkSharedTeamSlugs(store, readAccess, fields.shared_team_slugs ?? []);
  const template: SimulatedTemplate = {
    id: String(store.data.nextTemplateId++),
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
  store.data.templates.push(template);
  store.created(`template:${template.id}`);
  store.save();
  return template;
}

/** Updates the fields given; `team_id` is not among them (a move is needed). */
export function updateTemplate(store: TenantStore, id: string, fields: Partial<Omit<SimulatedTemplate, "id" | "team_id">>): SimulatedTemplate {
  const template = getTemplate(store, id);
  const readAccess = fields.read_access ?? template.read_access;
  const slugs = fields.shared_team_slugs ?? template.shared_team_slugs;
  checkSharedTeamSlugs(store, readAccess, slugs);
  Object.assign(template, fields);
  if (readAccess !== "SPECIFIC_TEAMS") template.shared_team_slugs = [];
  store.save();
  return template;
}

/** Moves a template to another team; access resets to team-only. */
export function moveTemplate(store: TenantStore, id: string, teamId: number, folderId: number | null | undefined): SimulatedTemplate {
  const template = getTemplate(store, id);
  getTeam(store, teamId);
  template.team_id = teamId;
  template.folder_id = folderId ?? null;
  template.read_access = "TEAM";
  template.shared_team_slugs = [];
  store.save();
  return template;
}

/** A template as the API shows it, with this tenant's normalisation applied. */
export function templateView(store: TenantStore, template: SimulatedTemplate): Record<string, unknown> {
  const { nullForUnset, reorderJsonKeys, numbersAsStrings } = store.settings.normalisation;
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
export function deleteTemplate(store: TenantStore, id: string): void {
  getTemplate(store, id);
  store.data.templates = store.data.templates.filter((template) => template.id !== id);
  store.save();
}
