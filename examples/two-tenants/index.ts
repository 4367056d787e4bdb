/**
 * The same custom role, teams and people in a staging and a production tenant, from one roster
 * (roster.yaml): one TinesProvider per tenant, each with its own key, and every resource given the
 * provider of its tenant. A person is promoted from staging to production by adding `production`
 * to their `tenants` in the roster.
 *
 *   pulumi config set stagingTenant https://<staging-tenant>.tines.com
 *   pulumi config set --secret stagingApiKey <staging tenant-owner API key>
 *   pulumi config set productionTenant https://<production-tenant>.tines.com
 *   pulumi config set --secret productionApiKey <production tenant-owner API key>
 *   pulumi config set roster ./roster.yaml     # optional; this folder's roster.yaml by default
 *   pulumi up
 *
 * Needs @pulumi/pulumi 3.139 or newer and a Pulumi CLI as new (docs/providers/TinesProvider.md).
 * Refresh and destroy use each provider's settings as recorded at the last `pulumi up`: after
 * rotating a key, run `pulumi up` before `pulumi refresh` or `pulumi destroy`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { TinesCustomRole, TinesProvider, TinesTeam, TinesUser } from "pulumi-tines";
import { loadRoster, slug, tenantNames, type TenantName } from "./roster";

const config = new pulumi.Config();
const roster = loadRoster(path.resolve(config.get("roster") ?? path.join(__dirname, "roster.yaml")));

/** Everything the stack makes in one tenant, every resource through that tenant's provider. */
function tenant(name: TenantName) {
  const provider = new TinesProvider(name, {
    tenant: config.require(`${name}Tenant`),
    // A secret config value (`pulumi config set --secret`): it stays a secret in the provider's state.
    apiKey: config.requireSecret(`${name}ApiKey`),
  });
  const customRoles = new Map(
    roster.customRoles.map((role) => [
      role.name,
      new TinesCustomRole(`${name}-role-${slug(role.name)}`, { name: role.name, description: role.description, permissions: role.permissions }, { provider }),
    ]),
  );
  const people = roster.people.filter((person) => person.tenants.includes(name));
  const users = people.map((person) => ({
    person,
    user: new TinesUser(`${name}-user-${person.email}`, { email: person.email, firstName: person.firstName, lastName: person.lastName }, { provider }),
  }));
  // A custom role is named by its output, so a member waits for the role.
  const roleOf = (role: string) => customRoles.get(role)?.name ?? role;
  const teams = roster.teams.flatMap((team) => {
    const members = users.filter(({ person }) => team in person.teams).map(({ person, user }) => ({ userId: user.userId, role: roleOf(person.teams[team]!) }));
    // A team needs a member to hold (Tines refuses to remove a team's last one): one nobody is on in this tenant is not made.
    return members.length > 0 ? [new TinesTeam(`${name}-team-${slug(team)}`, { name: team, members }, { provider })] : [];
  });
  return {
    tenant: teams[0]?.tenant ?? users[0]?.user.tenant,
    teams: pulumi.all(teams.map((team) => pulumi.all([team.name, team.teamId]))).apply((rows) => Object.fromEntries(rows)),
    users: pulumi.all(users.map(({ user }) => pulumi.all([user.email, user.userId]))).apply((rows) => Object.fromEntries(rows)),
  };
}

/** Per tenant: its URL as the resources record it, its team ids by name and user ids by email. */
export const tenants = Object.fromEntries(tenantNames.map((name) => [name, tenant(name)]));
