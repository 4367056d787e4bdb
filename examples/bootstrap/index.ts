/**
 * Bootstraps a Tines tenant from a roster file, from nothing if need be: a TinesTeam per team the
 * stack makes and a TinesCustomRole per custom role, then a TinesUser per person and a
 * TinesTeamMembership per (person, team, role), then the team's private template.
 *
 *   pulumi config set tines:tenant https://<your-tenant>.tines.com
 *   pulumi config set --secret tines:apiKey <tenant-owner API key>
 *   pulumi config set roster ./roster.yaml     # optional; this folder's roster.yaml by default
 *   pulumi up
 *
 * Memberships of a team the stack makes are declared `deletedWith` that team: Tines refuses to
 * remove a team's last member, so when `pulumi destroy` deletes the team, Pulumi lets the members
 * go with it instead of removing them one by one.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  TinesCustomRole,
  TinesPrivateTemplate,
  TinesTeam,
  TinesTeamMembership,
  TinesUser,
  getTeam,
  type TinesActionInput,
  type TinesAgentType,
} from "pulumi-tines";
import { createdTeamsOf, loadRoster, slug, teamNamesOf, templatesOf } from "./roster";

const config = new pulumi.Config();
const rosterPath = path.resolve(config.get("roster") ?? path.join(__dirname, "roster.yaml"));
const roster = loadRoster(rosterPath);

// Teams the stack makes; any other team is looked up by name once (a name that matches no team, or
// two, stops the program).
const createdTeams = new Map(
  createdTeamsOf(roster).map(
    (team) =>
      [team.name, new TinesTeam(`team-${slug(team.name)}`, { name: team.name, adoptExisting: team.adoptExisting, forceDestroy: team.forceDestroy })] as const,
  ),
);
const teamIds = new Map(
  teamNamesOf(roster).map((name) => [name, createdTeams.get(name)?.teamId ?? pulumi.output(getTeam({ name })).id] as const),
);

// Custom roles the stack makes; a membership names one by its output, so it waits for the role.
const customRoles = new Map(
  roster.customRoles.map(
    (role) =>
      [
        role.name,
        new TinesCustomRole(`role-${slug(role.name)}`, {
          name: role.name,
          description: role.description,
          permissions: role.permissions,
          adoptExisting: role.adoptExisting,
        }),
      ] as const,
  ),
);

const users = roster.people.map((person) => ({
  person,
  user: new TinesUser(`user-${person.email}`, {
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    admin: person.admin,
    tenantPermissions: person.tenantPermissions,
    deletionMode: person.deletionMode,
    isActive: person.isActive,
    adoptExisting: person.adoptExisting,
  }),
}));

// One membership per (person, team). The role is an input, not part of the name, so changing a
// role replaces this membership rather than making a second one.
const memberships = users.flatMap(({ person, user }) =>
  Object.entries(person.teams).map(
    ([team, role]) =>
      new TinesTeamMembership(
        `membership-${person.email}-${slug(team)}`,
        {
          teamId: teamIds.get(team)!,
          userId: user.userId,
          role: customRoles.get(role)?.name ?? role,
          // A person taken over is taken over with their memberships.
          adoptExisting: person.adoptExisting,
        },
        // Goes with its team when the stack deletes the team (see the top of this file).
        createdTeams.has(team) ? { deletedWith: createdTeams.get(team) } : {},
      ),
  ),
);

const templates = templatesOf(roster).map(
  (template) =>
    new TinesPrivateTemplate(template.resourceName, {
      name: template.name,
      description: template.description,
      vendor: template.vendor,
      product: template.product,
      agentType: template.agentType as TinesAgentType,
      agentOptions: template.agentOptions,
      teamId: template.team ? teamIds.get(template.team) : undefined,
      readAccess: template.readAccess,
      sharedTeamSlugs: template.sharedTeamSlugs,
      // The provider's check validates types and agent types, naming the property, in preview.
      actionInputs: template.actionInputs as TinesActionInput[] | undefined,
      adoptExisting: template.adoptExisting,
    }),
);
const template = roster.template ? templates[0] : undefined;

/** What now exists: team ids by name, user ids by email, membership ids with roles, the template's id and every template's id. */
export const summary = pulumi
  .all([
    pulumi.all([...teamIds].map(([name, id]) => pulumi.all([name, id]))),
    pulumi.all(users.map(({ user }) => pulumi.all([user.email, user.userId]))),
    pulumi.all(memberships.map((membership) => pulumi.all([membership.id, membership.email, membership.role]))),
    template ? template.templateId : pulumi.output(null),
    pulumi.all(templates.map((each) => each.templateId)),
  ])
  .apply(([teamRows, userRows, membershipRows, templateId, templateIds]) => ({
    teams: Object.fromEntries(teamRows),
    users: Object.fromEntries(userRows),
    memberships: membershipRows.map(([id, email, role]) => ({ id, email, role })),
    templateId,
    templateIds,
  }));
