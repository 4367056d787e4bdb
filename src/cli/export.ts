/**
 * `pulumi-tines export`: reads a live tenant and writes a roster in the bootstrap example's format
 * (examples/bootstrap/roster.yaml), every entry marked for adoption, so the example's first
 * `pulumi up` takes the tenant over without writing to it. Read-only: only GET requests.
 *
 * The output is sorted (teams, roles and people by name or email, each person's teams by name,
 * templates by team and name) and carries no timestamp, so two exports of the same tenant are
 * byte-identical and a diff between two exports shows what changed in Tines.
 */
import { z } from "zod";
import { stringify as stringifyYaml } from "yaml";
import { canonicalMappingLines } from "../resources/scimGroupMapping/definition";
import { TinesApiError, TinesError, isTinesCustomRole, type TinesClient, type TinesTeamObject, type TinesTemplateObject, type TinesUserObject } from "../client";
import type { ExportOptions, ExportedTeam, ExportedCustomRole, ExportedPerson, ExportedTemplate, ExportedScimGroupMapping, ExportedRoster, ExportSummary } from "./roster";

export type { ExportOptions, ExportedTeam, ExportedCustomRole, ExportedPerson, ExportedTemplate, ExportedScimGroupMapping, ExportedRoster, ExportSummary } from "./roster";

/** What Tines' role objects carry besides the name (tines-api.md, "Roles"); absent fields read as empty. */
const customRoleDetailsSchema = z.looseObject({
  description: z.string().nullable().optional(),
  permissions: z.array(z.string()).nullable().optional(),
});

/** Reads the tenant and builds its roster. Makes only GET requests. */
export async function exportRoster(client: TinesClient, options: ExportOptions = {}): Promise<{ roster: ExportedRoster; summary: ExportSummary }> {
  const progress = options.onProgress ?? (() => {});

  // Teams: Tines' default scope, `standard`, leaves personal teams out (no one's to manage).
  const allTeams = await client.teams.list();
  progress(`teams: ${allTeams.length} found`);
  const teams = selectTeams(allTeams, options.teams);
  const teamNames = new Map(teams.map((team) => [team.id, team.name] as const));

  const roles = await client.roles.list();
  const allCustomRoles = roles
    .filter(isTinesCustomRole)
    .map((role): ExportedCustomRole => {
      const details = customRoleDetailsSchema.parse(role);
      return { name: role.name, description: details.description ?? "", permissions: [...(details.permissions ?? [])].sort(), adoptExisting: true };
    })
    .sort((a, b) => compareText(a.name, b.name));
  // A role whose permissions Tines does not list cannot be declared (a TinesCustomRole needs at
  // least one, as Tines' create does): it is left to Tines, and memberships still name it.
  const customRoles = allCustomRoles.filter((role) => role.permissions.length > 0);
  const withoutPermissions = allCustomRoles.filter((role) => role.permissions.length === 0).map((role) => role.name);
  progress(`roles: ${allCustomRoles.length} custom${withoutPermissions.length ? `, ${withoutPermissions.length} left out (no permissions listed: ${withoutPermissions.join(", ")})` : ""}`);

  // The directory with each user's memberships: ceil(M / 500) requests for a tenant of M users.
  const users: TinesUserObject[] = [];
  for await (const user of client.users.list({ includeTeamMemberships: true })) {
    users.push(user);
    if (users.length % 500 === 0) progress(`users: page ${users.length / 500} read, ${users.length} users so far`);
  }
  progress(`users: ${users.length} found`);

  const excluded = (options.excludeEmails ?? []).map(globPattern);
  const summary: ExportSummary = {
    tenant: client.tenantUrl,
    users: 0,
    teams: teams.length,
    memberships: 0,
    customRoles: customRoles.length,
    skippedCustomRoles: withoutPermissions,
    templates: 0,
    skippedDeactivated: 0,
    skippedExcluded: 0,
    skippedNotOnTeams: 0,
  };
  const people: ExportedPerson[] = [];
  for (const user of users) {
    if (excluded.some((pattern) => pattern.test(user.email))) {
      summary.skippedExcluded++;
      continue;
    }
    if (!user.is_active && !options.includeDeactivated) {
      summary.skippedDeactivated++;
      continue;
    }
    const memberships = (user.team_memberships ?? [])
      .filter((membership) => teamNames.has(membership.team_id))
      .map((membership) => [teamNames.get(membership.team_id)!, membership.role] as const)
      .sort(([a], [b]) => compareText(a, b));
    if (options.teams !== undefined && memberships.length === 0) {
      summary.skippedNotOnTeams++;
      continue;
    }
    people.push(personOf(user, memberships));
    summary.memberships += memberships.length;
  }
  people.sort((a, b) => compareText(a.email.toLowerCase(), b.email.toLowerCase()));
  // Emails are compared without letter case (tines-api.md: whether Tines does is not documented),
  // so two users whose emails differ only in case cannot both be in one roster.
  const twins = people.filter((person, index) => index > 0 && person.email.toLowerCase() === people[index - 1]!.email.toLowerCase());
  if (twins.length > 0) {
    const pairs = twins.map((person) => people.filter((each) => each.email.toLowerCase() === person.email.toLowerCase()).map((each) => each.email).join(" and "));
    throw new TinesError(
      `users whose emails differ only in letter case cannot both be in a roster (emails are compared without case): ${pairs.join("; ")}. ` +
        "Change one of each pair in Tines, or leave both out with --exclude-email",
    );
  }
  summary.users = people.length;

  const roster: ExportedRoster = {
    teams: teams.map((team): ExportedTeam => ({ name: team.name, existing: true })).sort((a, b) => compareText(a.name, b.name)),
    customRoles,
    people,
  };
  const scimGroupMapping = await scimGroupMappingOf(client);
  if (scimGroupMapping) {
    roster.scimGroupMapping = scimGroupMapping;
    summary.scimMappingLines = scimGroupMapping.mappings.length;
    progress(`SCIM user group mapping: ${scimGroupMapping.mappings.length} lines`);
  }
  if (options.templates) {
    const templates = await client.templates.list();
    roster.templates = templates
      // A template of a team left out (or a personal team) is not exported; one without a team is,
      // unless the export was narrowed to teams.
      .filter((template) => (template.team_id == null ? options.teams === undefined : teamNames.has(template.team_id)))
      .map((template) => templateOf(template, teamNames))
      .sort((a, b) => compareText(a.team ?? "", b.team ?? "") || compareText(a.name, b.name));
    summary.templates = roster.templates.length;
    progress(`templates: ${templates.length} found, ${roster.templates.length} exported`);
  }
  return { roster, summary };
}

/** The teams to export: all, or the named ones (each must exist). Names must be unique: the roster refers to teams by name. */
function selectTeams(allTeams: TinesTeamObject[], wanted: string[] | undefined): TinesTeamObject[] {
  const standard = allTeams;
  const byName = new Map<string, TinesTeamObject[]>();
  for (const team of standard) byName.set(team.name, [...(byName.get(team.name) ?? []), team]);
  const selected = wanted === undefined ? standard : [...new Set(wanted)].map((name) => {
    if (!byName.has(name)) {
      throw new TinesError(`--team: no team is named "${name}" (its teams: ${[...byName.keys()].sort(compareText).join(", ")})`);
    }
    return byName.get(name)![0]!;
  });
  for (const team of selected) {
    const namesakes = byName.get(team.name)!;
    if (namesakes.length > 1) {
      throw new TinesError(
        `${namesakes.length} teams are named "${team.name}" (ids ${namesakes.map((each) => each.id).join(", ")}): a roster names teams, ` +
          "so rename all but one in Tines first, or leave them out with --team",
      );
    }
  }
  return selected;
}

/**
 * The tenant's SCIM user group mapping as a roster declares it, whole (Tines takes it only whole,
 * so an export narrowed to some teams still writes every line), or undefined when it holds nothing
 * or the tenant has none to read (403 or 404: no SCIM, or not an Enterprise tenant).
 */
async function scimGroupMappingOf(client: TinesClient): Promise<ExportedScimGroupMapping | undefined> {
  const held = await client.scim.getGroupMapping().catch((error: unknown) => {
    if (error instanceof TinesApiError && (error.isForbidden || error.isNotFound)) return undefined;
    throw error;
  });
  if (!held || (held.mappings.length === 0 && !held.tenant_owners_group)) return undefined;
  const mapping: ExportedScimGroupMapping = {
    mappings: canonicalMappingLines(held.mappings.map((line) => ({ group: line.group_name, team: line.team_name, role: line.role_name }))),
  } as ExportedScimGroupMapping;
  if (held.tenant_owners_group) mapping.tenantOwnersGroup = held.tenant_owners_group;
  mapping.adoptExisting = true;
  return mapping;
}

function personOf(user: TinesUserObject, memberships: ReadonlyArray<readonly [string, string]>): ExportedPerson {
  const person: ExportedPerson = { email: user.email, adoptExisting: true, teams: Object.fromEntries(memberships) };
  // Only what differs from the roster's defaults is written, but everything Tines holds is kept:
  // an owner left without `admin: true` would be demoted by the first `pulumi up`.
  const ordered: ExportedPerson = { email: user.email } as ExportedPerson;
  if (user.first_name) ordered.firstName = user.first_name;
  if (user.last_name) ordered.lastName = user.last_name;
  if (user.admin) ordered.admin = true;
  const permissions = [...(user.tenant_permissions ?? [])].sort();
  if (permissions.length > 0) ordered.tenantPermissions = permissions;
  if (!user.is_active) ordered.isActive = false;
  // A tenant owner taken over is never deleted by the stack (a `pulumi destroy` would otherwise
  // delete the owners, the key's own user among them, and Tines' deletion cannot be undone):
  // removing one only deactivates them, which setting isActive back undoes.
  if (user.admin) ordered.deletionMode = "deactivate";
  ordered.adoptExisting = true;
  ordered.teams = person.teams;
  return ordered;
}

function templateOf(template: TinesTemplateObject, teamNames: Map<number, string>): ExportedTemplate {
  const exported: ExportedTemplate = {
    name: template.name,
    description: template.description ?? "",
    vendor: template.vendor ?? "",
    product: template.product ?? "",
  } as ExportedTemplate;
  if (template.team_id != null) exported.team = teamNames.get(template.team_id)!;
  exported.agentType = template.agent_type;
  exported.agentOptions = template.agent_options ?? {};
  if (template.read_access) exported.readAccess = template.read_access;
  if (template.read_access === "SPECIFIC_TEAMS") exported.sharedTeamSlugs = [...(template.shared_team_slugs ?? [])];
  exported.actionInputs = (template.action_inputs ?? []).map((input) => {
    const entry: Record<string, unknown> = { name: input.name, type: input.type };
    if (input.required) entry.required = true;
    if (input.description) entry.description = input.description;
    // Even a null default is written: the template's resource records what Tines holds, and an
    // omitted one would differ from it, turning the adoption into an update.
    if (input.default_value !== undefined) entry.defaultValue = input.default_value;
    if (input.data) entry.data = input.data;
    return entry;
  });
  exported.adoptExisting = true;
  return exported;
}

/** A glob over whole emails: `*` any run of characters, `?` one; case-insensitive. */
export function globPattern(glob: string): RegExp {
  const body = [...glob.trim()]
    .map((character) => (character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

/** Code-point order, independent of the machine's locale, so exports are identical everywhere. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The roster as text: JSON, or YAML with a short header saying where it came from. */
export function formatRoster(roster: ExportedRoster, format: "yaml" | "json", tenant: string): string {
  if (format === "json") return `${JSON.stringify(roster, null, 2)}\n`;
  const header = [
    `# Exported from ${tenant} by \`pulumi-tines export\`: every entry is marked for adoption, so the`,
    "# first `pulumi up` of examples/bootstrap with this roster takes the tenant over without changing it.",
    "",
  ].join("\n");
  return header + stringifyYaml(roster, { lineWidth: 0 });
}

/** One line summing up an export. */
export function describeSummary(summary: ExportSummary): string {
  const skipped = [
    summary.skippedDeactivated ? `${summary.skippedDeactivated} deactivated (--include-deactivated to keep them)` : "",
    summary.skippedExcluded ? `${summary.skippedExcluded} excluded by --exclude-email` : "",
    summary.skippedNotOnTeams ? `${summary.skippedNotOnTeams} on none of the --team teams` : "",
    summary.skippedCustomRoles.length ? `custom role(s) ${summary.skippedCustomRoles.join(", ")} (Tines lists no permissions for them)` : "",
  ].filter(Boolean);
  return (
    `Exported ${summary.users} users, ${summary.teams} teams, ${summary.memberships} memberships, ${summary.customRoles} custom roles` +
    `${summary.templates ? `, ${summary.templates} private templates` : ""}` +
    `${summary.scimMappingLines === undefined ? "" : `, the SCIM user group mapping (${summary.scimMappingLines} lines)`} from ${summary.tenant}` +
    (skipped.length ? `; left out ${skipped.join(", ")}` : "")
  );
}
