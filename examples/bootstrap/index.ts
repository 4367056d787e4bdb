/**
 * Bootstraps a Tines tenant from a roster file, from nothing if need be: a TinesCustomRole per
 * custom role, a TinesUser per person, a TinesTeam per team the stack makes holding its members
 * (`members`), a TinesTeamMembership per (person, team, role) on a team it only looks up, then the
 * team's private template, and, on a tenant whose people come from SCIM, its TinesScimGroupMapping.
 *
 *   pulumi config set tines:tenant https://<your-tenant>.tines.com
 *   pulumi config set --secret tines:apiKey <tenant-owner API key>
 *   pulumi config set roster ./roster.yaml     # optional; this folder's roster.yaml by default
 *   pulumi up
 *
 * A team the stack makes holds its members in its own `members` list rather than in memberships:
 * Tines refuses to remove a team's last member, so memberships could not all be removed one by one
 * before the team; one resource is deleted in one step, and when that delete is refused (the team
 * holds stories and forceDestroy is off) every member stays in the stack (README, "TinesTeam").
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  TinesCustomRole,
  TinesPrivateTemplate,
  TinesScimGroupMapping,
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

// Custom roles the stack makes; a member names one by its output, so it waits for the role.
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
const roleOf = (role: string) => customRoles.get(role)?.name ?? role;

/** The people the roster puts on a team, as a TinesTeam's members; undefined for a team nobody is on (a roster needs one member). */
function membersOf(team: string) {
  const members = users.filter(({ person }) => team in person.teams).map(({ person, user }) => ({ userId: user.userId, role: roleOf(person.teams[team]!) }));
  return members.length > 0 ? members : undefined;
}

// Teams the stack makes, each with its members (see the top of this file); a team adopted is taken
// over with its member list, so anyone on it the roster does not name is removed (the preview lists
// them).
const createdTeams = new Map(
  createdTeamsOf(roster).map(
    (team) =>
      [
        team.name,
        new TinesTeam(`team-${slug(team.name)}`, {
          name: team.name,
          adoptExisting: team.adoptExisting,
          forceDestroy: team.forceDestroy,
          members: membersOf(team.name),
        }),
      ] as const,
  ),
);
// Any other team is looked up by name once (a name that matches no team, or two, stops the program).
const teamIds = new Map(
  teamNamesOf(roster).map((name) => [name, createdTeams.get(name)?.teamId ?? pulumi.output(getTeam({ name })).id] as const),
);

// On a team the stack only looks up, one membership per (person, team). The role is an input, not
// part of the name, so changing a role replaces this membership rather than making a second one.
const memberships = users.flatMap(({ person, user }) =>
  Object.entries(person.teams)
    .filter(([team]) => !createdTeams.has(team))
    .map(
      ([team, role]) =>
        new TinesTeamMembership(`membership-${person.email}-${slug(team)}`, {
          teamId: teamIds.get(team)!,
          userId: user.userId,
          role: roleOf(role),
          // A person taken over is taken over with their memberships.
          adoptExisting: person.adoptExisting,
        }),
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

// The SCIM user group mapping, when the roster has one: a team the stack makes is named by its
// output (so a rename in the roster carries its lines along, after the team is renamed), a custom
// role the stack makes likewise; any other team or role by its name.
if (roster.scimGroupMapping) {
  const { mappings, ...options } = roster.scimGroupMapping;
  new TinesScimGroupMapping("scim-group-mapping", {
    mappings: mappings.map((line) => ({ group: line.group, team: createdTeams.get(line.team)?.name ?? line.team, role: roleOf(line.role) })),
    ...options,
  });
}

/** What now exists: team ids by name, user ids by email, every (team, person, role), the template's id and every template's id. */
export const summary = pulumi
  .all([
    pulumi.all([...teamIds].map(([name, id]) => pulumi.all([name, id]))),
    pulumi.all(users.map(({ user }) => pulumi.all([user.email, user.userId]))),
    pulumi.all([...createdTeams].map(([name, team]) => pulumi.all([name, team.resolvedMembers]))),
    pulumi.all(memberships.map((membership) => pulumi.all([membership.teamId, membership.email, membership.role]))),
    template ? template.templateId : pulumi.output(null),
    pulumi.all(templates.map((each) => each.templateId)),
  ])
  .apply(([teamRows, userRows, rosterRows, membershipRows, templateId, templateIds]) => {
    const teamNames = new Map(teamRows.map(([name, id]) => [Number(id), name]));
    return {
      teams: Object.fromEntries(teamRows),
      users: Object.fromEntries(userRows),
      memberships: [
        ...rosterRows.flatMap(([team, members]) => (members ?? []).map((member) => ({ team, email: member.email, role: member.role }))),
        ...membershipRows.map(([teamId, email, role]) => ({ team: teamNames.get(Number(teamId)) ?? String(teamId), email, role })),
      ],
      templateId,
      templateIds,
    };
  });
