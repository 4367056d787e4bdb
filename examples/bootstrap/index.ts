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
import { createdTeamsOf, loadRoster, slug, teamNamesOf } from "./roster";

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
        { teamId: teamIds.get(team)!, userId: user.userId, role: customRoles.get(role)?.name ?? role },
        // Goes with its team when the stack deletes the team (see the top of this file).
        createdTeams.has(team) ? { deletedWith: createdTeams.get(team) } : {},
      ),
  ),
);

const template = roster.template
  ? new TinesPrivateTemplate(`template-${slug(roster.template.name)}`, {
      name: roster.template.name,
      description: roster.template.description,
      vendor: roster.template.vendor,
      product: roster.template.product,
      agentType: roster.template.agentType as TinesAgentType,
      agentOptions: roster.template.agentOptions,
      teamId: roster.template.team ? teamIds.get(roster.template.team) : undefined,
      readAccess: roster.template.readAccess,
      sharedTeamSlugs: roster.template.sharedTeamSlugs,
      // The provider's check validates types and agent types, naming the property, in preview.
      actionInputs: roster.template.actionInputs as TinesActionInput[] | undefined,
    })
  : undefined;

/** What now exists: team ids by name, user ids by email, membership ids with roles, and the template's id. */
export const summary = pulumi
  .all([
    pulumi.all([...teamIds].map(([name, id]) => pulumi.all([name, id]))),
    pulumi.all(users.map(({ user }) => pulumi.all([user.email, user.userId]))),
    pulumi.all(memberships.map((membership) => pulumi.all([membership.id, membership.email, membership.role]))),
    template ? template.templateId : pulumi.output(null),
  ])
  .apply(([teamRows, userRows, membershipRows, templateId]) => ({
    teams: Object.fromEntries(teamRows),
    users: Object.fromEntries(userRows),
    memberships: membershipRows.map(([id, email, role]) => ({ id, email, role })),
    templateId,
  }));
