/**
 * Reads and checks a roster file (YAML or JSON, by extension): the teams and custom roles the stack
 * makes, who is in the tenant, on which teams, with which role, the team's private template, and the
 * SCIM user group mapping of a tenant whose people come from SCIM. A mistake is reported with the file and the
 * field, before Pulumi registers anything.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * A name (a team's, a role's, a template's, a group's) as Tines holds it: never trimmed, so what
 * `pulumi-tines export` wrote (`"Ops "` included) is declared unchanged and adopted without a write;
 * only an empty or blank one is a mistake.
 */
const name = z.string().refine((text) => text.trim() !== "", "must not be empty");

const personSchema = z.strictObject({
  // TinesUser's own check says whether an email is one, as loosely as Tines (`r&d-team@example.com`
  // is one), so an exported roster adopts unchanged.
  email: z.string().trim().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  admin: z.boolean().optional(),
  tenantPermissions: z.array(name).optional(),
  deletionMode: z.enum(["delete", "deactivate"]).optional(),
  /** false keeps the user deactivated (an export of a deactivated user says so). */
  isActive: z.boolean().optional(),
  /** Take over the user, and their memberships, when they already exist in Tines. */
  adoptExisting: z.boolean().optional(),
  /** Team name → role. */
  teams: z.record(name, name).default({}),
});

const templateSchema = z.strictObject({
  name,
  description: z.string().optional(),
  vendor: name,
  product: name,
  /** The owning team's name. */
  team: name.optional(),
  agentType: z.string().trim().min(1),
  agentOptions: z.record(z.string(), z.unknown()),
  readAccess: z.enum(["TEAM", "GLOBAL", "SPECIFIC_TEAMS"]).optional(),
  sharedTeamSlugs: z.array(z.string()).optional(),
  actionInputs: z
    .array(
      z.strictObject({
        name: z.string(),
        type: z.string(),
        required: z.boolean().optional(),
        description: z.string().optional(),
        defaultValue: z.unknown().optional(),
        data: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  /** Take over a template with this name in this team when Tines already has one. */
  adoptExisting: z.boolean().optional(),
});

/** A team: created by the stack (a TinesTeam), or `existing: true` to be looked up and left alone. */
const teamSchema = z.strictObject({
  name,
  existing: z.boolean().optional(),
  adoptExisting: z.boolean().optional(),
  forceDestroy: z.boolean().optional(),
});

/** A custom role made by the stack (a TinesCustomRole). */
const customRoleSchema = z.strictObject({
  name,
  description: z.string().optional(),
  permissions: z.array(name).min(1),
  adoptExisting: z.boolean().optional(),
});

/** The SCIM user group mapping (a TinesScimGroupMapping): identity-provider group → team (by name) and role. */
const scimGroupMappingSchema = z.strictObject({
  mappings: z.array(z.strictObject({ group: name, team: name, role: name })),
  tenantOwnersGroup: name.optional(),
  /** Take over the mapping Tines holds when it differs. */
  adoptExisting: z.boolean().optional(),
  /** Empty the mapping when the stack is destroyed (by default it is left as it is). */
  clearOnDestroy: z.boolean().optional(),
});

const rosterSchema = z
  .strictObject({
    teams: z.array(teamSchema).default([]),
    customRoles: z.array(customRoleSchema).default([]),
    people: z.array(personSchema).default([]),
    /** One template (the original form), */
    template: templateSchema.optional(),
    /** or a list of them (what `pulumi-tines export --templates` writes). */
    templates: z.array(templateSchema).default([]),
    /** On a tenant whose people come from SCIM: who gets which team and role (what `pulumi-tines export` writes when the tenant has one). */
    scimGroupMapping: scimGroupMappingSchema.optional(),
  })
  .superRefine((roster, context) => {
    const listedTwice = (section: string, keys: string[], what: (key: string) => string) => {
      const seen = new Set<string>();
      keys.forEach((key, index) => {
        if (seen.has(key.toLowerCase())) context.addIssue({ code: "custom", path: [section, index], message: `${what(key)} is listed twice` });
        seen.add(key.toLowerCase());
      });
    };
    listedTwice("people", roster.people.map((person) => person.email), (email) => email);
    listedTwice("teams", roster.teams.map((team) => team.name), (name) => `team ${name}`);
    listedTwice("customRoles", roster.customRoles.map((role) => role.name), (name) => `custom role ${name}`);
    const templates = new Set<string>();
    roster.templates.forEach((template, index) => {
      const key = JSON.stringify([template.name, template.team ?? null]);
      if (templates.has(key) || (roster.template && key === JSON.stringify([roster.template.name, roster.template.team ?? null]))) {
        context.addIssue({ code: "custom", path: ["templates", index, "name"], message: `"${template.name}" is listed twice for the same team` });
      }
      templates.add(key);
    });
    roster.teams.forEach((team, index) => {
      if (team.existing && (team.adoptExisting || team.forceDestroy)) {
        context.addIssue({ code: "custom", path: ["teams", index], message: `team ${team.name}: an existing team is never created or deleted by the stack, so adoptExisting and forceDestroy do not apply` });
      }
    });
  });

/** One person of the roster. */
export type RosterPerson = z.output<typeof personSchema>;
/** One team of the roster. */
export type RosterTeam = z.output<typeof teamSchema>;
/** One custom role of the roster. */
export type RosterCustomRole = z.output<typeof customRoleSchema>;
/** The roster's template. */
export type RosterTemplate = z.output<typeof templateSchema>;
/** The roster's SCIM user group mapping. */
export type RosterScimGroupMapping = z.output<typeof scimGroupMappingSchema>;
/** A whole roster. */
export type Roster = z.output<typeof rosterSchema>;

/** Reads and checks a roster file. */
export function loadRoster(path: string): Roster {
  const text = readFileSync(path, "utf8");
  const data: unknown = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  const result = rosterSchema.safeParse(data ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`The roster ${path} has mistakes:\n${problems.join("\n")}`);
  }
  return result.data;
}

/** Every team name the roster mentions, once, in order of appearance. */
export function teamNamesOf(roster: Roster): string[] {
  const names = [...roster.teams.map((team) => team.name), ...roster.people.flatMap((person) => Object.keys(person.teams))];
  for (const template of templatesOf(roster)) if (template.team) names.push(template.team);
  return [...new Set(names)];
}

/**
 * The teams the stack makes (TinesTeam): those under `teams:` not marked `existing`. A team named
 * only under people or a template is an existing one, looked up by name.
 */
export function createdTeamsOf(roster: Roster): RosterTeam[] {
  return roster.teams.filter((team) => !team.existing);
}

/** The roster's templates, `template` first, each with its Pulumi resource name. */
export function templatesOf(roster: Roster): Array<RosterTemplate & { resourceName: string }> {
  const all = [...(roster.template ? [roster.template] : []), ...roster.templates];
  const slugCounts = new Map<string, number>();
  for (const template of all) slugCounts.set(slug(template.name), (slugCounts.get(slug(template.name)) ?? 0) + 1);
  // A name two teams share gets its team in the resource name; any other keeps the plain form.
  return all.map((template) => ({
    ...template,
    resourceName:
      slugCounts.get(slug(template.name))! > 1 ? `template-${slug(template.team ?? "no team")}-${slug(template.name)}` : `template-${slug(template.name)}`,
  }));
}

/** A name fit for a Pulumi resource name: lower case, words joined by `-`. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
