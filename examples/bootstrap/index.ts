/**
 * Bootstraps a Tines tenant from a roster file: a TinesUser per person, a TinesTeamMembership per
 * (person, team, role) on teams found by name, and the team's private template.
 *
 *   pulumi config set tines:tenant https://<your-tenant>.tines.com
 *   pulumi config set --secret tines:apiKey <tenant-owner API key>
 *   pulumi config set roster ./roster.yaml     # optional; this folder's roster.yaml by default
 *   pulumi up
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  TinesPrivateTemplate,
  TinesTeamMembership,
  TinesUser,
  getTeam,
  type TinesActionInput,
  type TinesAgentType,
} from "pulumi-tines";
import { loadRoster, slug, teamNamesOf, templatesOf } from "./roster";

const config = new pulumi.Config();
const rosterPath = path.resolve(config.get("roster") ?? path.join(__dirname, "roster.yaml"));
const roster = loadRoster(rosterPath);

// Teams are looked up by name once each; a name that matches no team (or two) stops the program.
const teamIds = new Map(teamNamesOf(roster).map((name) => [name, pulumi.output(getTeam({ name })).id] as const));

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
      new TinesTeamMembership(`membership-${person.email}-${slug(team)}`, {
        teamId: teamIds.get(team)!,
        userId: user.userId,
        role,
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

/** What now exists: user ids by email, membership ids with roles, the template's id and every template's id. */
export const summary = pulumi
  .all([
    pulumi.all(users.map(({ user }) => pulumi.all([user.email, user.userId]))),
    pulumi.all(memberships.map((membership) => pulumi.all([membership.id, membership.email, membership.role]))),
    template ? template.templateId : pulumi.output(null),
    pulumi.all(templates.map((each) => each.templateId)),
  ])
  .apply(([userRows, membershipRows, templateId, templateIds]) => ({
    users: Object.fromEntries(userRows),
    memberships: membershipRows.map(([id, email, role]) => ({ id, email, role })),
    templateId,
    templateIds,
  }));
