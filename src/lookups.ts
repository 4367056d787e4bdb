/**
 * Lookup functions for Pulumi programs: read-only questions about the tenant (which team is called
 * "Security Operations", who has this email) asked while the program runs, also in preview. They
 * use the same settings as the resources: a TinesProvider's when given `{ provider }`, else stack
 * config `tines:tenant` and `tines:apiKey`, then the environment variables `TINES_TENANT` and
 * `TINES_API_KEY`.
 */
import { didYouMean } from "./provider/suggestions";
import { namedAs } from "./provider/names";
import * as pulumi from "@pulumi/pulumi";
import { TinesError, type TinesClient, type TinesRoleObject, type TinesTeamObject, type TinesUserObject } from "./client";
import { TinesConfigurationError } from "./client";
import { ProviderConfiguration, providerNameKey } from "./provider/configuration";
import { unlessGone } from "./provider/runtime";
import { tinesProviderSettings, type TinesProvider } from "./provider/tinesProvider";

/**
 * Where a lookup connects: `provider` (a {@link TinesProvider}: its tenant, key and settings), or
 * `tenant` and `apiKey`, each falling back to the stack config, then the environment.
 */
export interface TinesLookupOptions {
  /** The tenant URL, e.g. `https://acme-shark-1234.tines.com`. Not with `provider`. */
  tenant?: string;
  /** The API key. Not with `provider`. */
  apiKey?: string;
  /** Ask this provider's tenant, with its key and settings, as its resources do. */
  provider?: TinesProvider;
}

/** A team of the tenant, as a lookup returns it (the resource that makes teams is `TinesTeam`). */
export interface TinesTeamInfo {
  /** The team id. */
  id: number;
  /** The team's name. */
  name: string;
  /** Groups of the team. */
  groups: Array<{ id: number; name: string }>;
}

/** A user of the tenant, as a lookup returns it. */
export interface TinesUserInfo {
  /** The user id. */
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  /** Tenant owner. */
  admin: boolean;
  tenantPermissions: string[];
  isActive: boolean;
  scimUid: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  lastSeen: string | null;
  /** With `includeTeamMemberships`: the user's teams and roles. */
  teamMemberships?: Array<{ teamId: number; teamName: string | null; role: string }>;
}

/** A role: one of Tines' own, or a custom role of the tenant (tines-api.md, "Roles"). */
export interface TinesRole {
  /** A default role's id is its name (`"TEAM_ADMIN"`); a custom role's is numeric (`"123"`). */
  id?: string;
  name: string;
  /** `default`, `custom`, or what Tines says. */
  type: string | null;
  description: string | null;
  /** The permissions the role grants (`["ALLOW_ALL"]` for `TEAM_ADMIN`). */
  permissions: string[];
  /** Whether the role can edit stories. */
  builder: boolean | null;
  createdAt: string | null;
  /** Null for default roles. */
  updatedAt: string | null;
}

/**
 * The client of a lookup, and the configuration it came from. With `provider`, the provider's own
 * settings as the program holds them (its inputs, resolved), through the same
 * {@link ProviderConfiguration} that its provider process configures from them: so the lookup asks
 * that tenant, with that key, and nothing of another one.
 */
async function lookupClient(options: TinesLookupOptions): Promise<{ client: TinesClient; configuration: ProviderConfiguration }> {
  if (options.provider !== undefined) {
    if (options.tenant !== undefined || options.apiKey !== undefined) {
      throw new TinesConfigurationError("A lookup takes either `provider` or `tenant` and `apiKey`, not both: the provider holds its tenant and key");
    }
    const { name, settings } = tinesProviderSettings(options.provider);
    const values = Object.fromEntries(
      await Promise.all(Object.entries(settings).map(async ([key, value]) => [key, await knownValue(value)] as const)),
    ) as Record<string, string | undefined>;
    if (values["tines:tenant"] === undefined || values["tines:apiKey"] === undefined) {
      throw new TinesConfigurationError(`The tenant or key of TinesProvider "${name}" is not known yet (it comes from a resource not yet created): a lookup cannot ask it in this preview`);
    }
    // Its name too, as its provider process receives it: a refused key then names the provider.
    values[providerNameKey] = name;
    const configuration = new ProviderConfiguration();
    configuration.configure({ config: { get: (key) => values[key] } });
    return { client: configuration.client(), configuration };
  }
  const configuration = new ProviderConfiguration(options);
  // Reads the program's stack config the way the provider's `configure` receives it.
  configuration.configure({
    config: {
      get: (key) => {
        const [namespace, name] = key.split(":") as [string, string];
        return new pulumi.Config(namespace).get(name);
      },
    },
  });
  return { client: configuration.client(), configuration };
}

/**
 * Asks the tenant of `options` with `ask`. A key Tines refuses is reported as a resource's is:
 * naming the TinesProvider whose key it is, or the stack config and environment.
 */
async function lookup<T>(options: TinesLookupOptions, ask: (client: TinesClient) => Promise<T>): Promise<T> {
  const { client, configuration } = await lookupClient(options);
  try {
    return await ask(client);
  } catch (error) {
    throw configuration.adviseOnRefusedKey(error, "write");
  }
}

/**
 * The value of an Output, or undefined when it is unknown (in a preview, a value computed by a
 * resource not yet created). Uses the Output's `promise()`, which the SDK marks internal but which
 * is how it resolves outputs itself; a lookup returns a Promise, so it cannot wait in an `apply`.
 */
function knownValue(output: pulumi.Output<string>): Promise<string | undefined> {
  return (output as unknown as { promise(): Promise<string | undefined> }).promise();
}

function teamOf(team: TinesTeamObject): TinesTeamInfo {
  return { id: team.id, name: team.name, groups: (team.groups ?? []).map((group) => ({ id: group.id, name: group.name })) };
}

function userOf(user: TinesUserObject): TinesUserInfo {
  return {
    id: user.id,
    email: user.email,
    firstName: user.first_name ?? "",
    lastName: user.last_name ?? "",
    admin: user.admin,
    tenantPermissions: user.tenant_permissions ?? [],
    isActive: user.is_active,
    scimUid: user.scim_uid ?? null,
    createdAt: user.created_at ?? null,
    updatedAt: user.updated_at ?? null,
    lastSeen: user.last_seen ?? null,
    ...(user.team_memberships
      ? {
          teamMemberships: user.team_memberships.map((membership) => ({
            teamId: membership.team_id,
            teamName: membership.team_name ?? null,
            role: membership.role,
          })),
        }
      : {}),
  };
}

function roleOf(role: TinesRoleObject): TinesRole {
  return {
    ...(role.id === undefined ? {} : { id: role.id }),
    name: role.name,
    type: role.type ?? null,
    description: role.description ?? null,
    permissions: role.permissions ?? [],
    builder: role.builder ?? null,
    createdAt: role.created_at ?? null,
    updatedAt: role.updated_at ?? null,
  };
}

/**
 * Finds one team by id or by name: the exact name, or, when no team has it, the name but for
 * surrounding whitespace (Tines may trim the names it stores, or hold one with a trailing space:
 * its docs say neither). Fails when there is none, or when two teams share the name (then look it
 * up by id).
 *
 * @example
 * ```ts
 * const secops = await getTeam({ name: "Security Operations" });
 * // In the tenant of a TinesProvider, with its key:
 * const productionSecops = await getTeam({ name: "Security Operations" }, { provider: production });
 * ```
 */
export async function getTeam(query: { id: number } | { name: string }, options: TinesLookupOptions = {}): Promise<TinesTeamInfo> {
  return lookup(options, async (client) => {
    if ("id" in query) {
      const team = await unlessGone(client.teams.get(query.id));
      if (!team) throw new TinesError(`getTeam: no team with id ${query.id} in ${client.tenantUrl}`);
      return teamOf(team);
    }
    const teams = await client.teams.list({ scope: "all" });
    const matches = namedAs(teams, query.name, (team) => team.name);
    if (matches.length === 0) {
      throw new TinesError(`getTeam: no team named "${query.name}" in ${client.tenantUrl}${didYouMean(query.name, teams.map((team) => team.name))}`);
    }
    if (matches.length > 1) {
      throw new TinesError(
        `getTeam: ${matches.length} teams are named "${query.name}" in ${client.tenantUrl} (ids ${matches.map((team) => team.id).join(", ")}): look it up by id instead`,
      );
    }
    return teamOf(matches[0]!);
  });
}

/**
 * Finds one role, Tines' own or custom, by its name (exact, else but for surrounding whitespace, as
 * {@link getTeam}). Fails when there is none, naming the roles that exist.
 *
 * @example
 * ```ts
 * const reviewer = await getRole({ name: "DETECTION_REVIEWER" });
 * ```
 */
export async function getRole(query: { name: string }, options: TinesLookupOptions = {}): Promise<TinesRole> {
  return lookup(options, async (client) => {
    const roles = await client.roles.list();
    const role = namedAs(roles, query.name, (each) => each.name)[0];
    if (!role) {
      throw new TinesError(`getRole: no role named "${query.name}" in ${client.tenantUrl} (its roles: ${roles.map((each) => each.name).join(", ")})`);
    }
    return roleOf(role);
  });
}

/**
 * Finds one user by id or by email (case-insensitive; Tines has no email filter, so this reads
 * the directory 500 users a request). Fails when there is none.
 */
export async function getUser(query: { id: number } | { email: string }, options: TinesLookupOptions = {}): Promise<TinesUserInfo> {
  return lookup(options, async (client) => {
    if ("id" in query) {
      const user = await unlessGone(client.users.get(query.id, { includeTeamMemberships: true }));
      if (!user) throw new TinesError(`getUser: no user with id ${query.id} in ${client.tenantUrl}`);
      return userOf(user);
    }
    const user = await client.users.findByEmail(query.email);
    if (!user) throw new TinesError(`getUser: no user with email ${query.email} in ${client.tenantUrl}`);
    return userOf(user);
  });
}

/**
 * Every user of the tenant, every page: a whole-tenant audit. `filter: "TENANT_OWNER"` keeps
 * tenant owners only; `includeTeamMemberships` adds each user's teams and roles.
 */
export async function listUsers(
  query: { filter?: "TENANT_OWNER"; includeTeamMemberships?: boolean } = {},
  options: TinesLookupOptions = {},
): Promise<TinesUserInfo[]> {
  return lookup(options, async (client) => (await client.users.listAll(query)).map(userOf));
}

/** Every team of the tenant the key can see. */
export async function listTeams(options: TinesLookupOptions = {}): Promise<TinesTeamInfo[]> {
  return lookup(options, async (client) => (await client.teams.list({ scope: "all" })).map(teamOf));
}

/** Every role of the tenant: Tines' own and the custom ones. */
export async function listRoles(options: TinesLookupOptions = {}): Promise<TinesRole[]> {
  return lookup(options, async (client) => (await client.roles.list()).map(roleOf));
}
