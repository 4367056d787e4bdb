/**
 * Checks against the tenant during `check`, on by default whenever a tenant and an API key are
 * configured (stack config `tines:previewChecks: false`, or `TINES_PREVIEW_CHECKS=false`, turns
 * them off; without a key they cannot run and only the offline checks do): what would fail at
 * deploy time (a team that does not exist, a role that is not a role, an email that already has a
 * user) fails the preview instead, naming the property, before anything is created; what will
 * happen but is no error (an invitation email) is a warning. They run only on inputs that passed
 * the offline checks, so a wrong input fails without any request.
 *
 * Cost stays flat as a stack grows: the teams, the roles and the user directory (with each user's
 * team memberships) are each fetched at most once per host process, that is per deployment, and
 * shared by every resource's check. Read-only requests only. If the tenant cannot be reached, one
 * warning says so and checks fall back to the offline ones: a preview is never blocked by the
 * network. Once this process has changed the tenant (a `pulumi up` after its preview), the facts
 * are stale and tenant checks stop; the preview that came first reported them.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesApiError, TinesConnectionError, TinesResponseError, type TinesClient, type TinesRoleObject, type TinesTeamMemberObject, type TinesTeamObject, type TinesUserObject } from "../client";
import type { CheckFailure } from "./inputs";
import type { AuthoritativeRoster } from "./members";

/** What a resource's tenant check found. */
export interface TenantCheckFindings {
  /** Problems that would fail the deploy: each names its property. */
  failures: CheckFailure[];
  /** Things that will happen but are no error. */
  warnings: string[];
}

/** The tenant, as read once per deployment. */
export class TenantFacts {
  private teamsPromise: Promise<TinesTeamObject[]> | undefined;
  private rolesPromise: Promise<TinesRoleObject[]> | undefined;
  private directoryPromise: Promise<{ byEmail: Map<string, TinesUserObject>; byId: Map<number, TinesUserObject> }> | undefined;
  private readonly teamMembersPromises = new Map<number, Promise<TinesTeamMemberObject[]>>();
  /**
   * Teams whose whole member list a resource checked in this deployment manages (a
   * `TinesTeamMembers`, or a `TinesTeam` with `members`), with that resource's type. The engine
   * checks resources one at a time, in registration order, in this one process.
   */
  readonly teamsWithAuthoritativeMembers = new Map<number, AuthoritativeRoster>();
  /** Who each `TinesTeamMembership` checked so far in this deployment adds, by team. */
  readonly membershipsByTeam = new Map<number, string[]>();
  /** Set once this process has changed the tenant. */
  stale = false;
  /** Set once the "could not reach the tenant" warning was given. */
  warnedUnreachable = false;
  /**
   * Names of the custom roles this deployment creates (TinesCustomRole checks add them): they
   * count against the 25-role limit, and a membership may already name one.
   */
  readonly plannedCustomRoles = new Set<string>();

  constructor(
    private readonly client: TinesClient,
    /** The tenant's origin, for messages. */
    readonly tenantUrl: string,
  ) {}

  /** Every team. */
  teams(): Promise<TinesTeamObject[]> {
    return (this.teamsPromise ??= this.client.teams.list({ scope: "all" }));
  }

  /** Every role, default and custom. */
  roles(): Promise<TinesRoleObject[]> {
    return (this.rolesPromise ??= this.client.roles.list());
  }

  /** Every user with their team memberships, indexed once by email and id. */
  private directory(): Promise<{ byEmail: Map<string, TinesUserObject>; byId: Map<number, TinesUserObject> }> {
    return (this.directoryPromise ??= this.client.users.listAll({ includeTeamMemberships: true }).then((users) => ({
      byEmail: new Map(users.map((user) => [user.email.toLowerCase(), user])),
      byId: new Map(users.map((user) => [user.id, user])),
    })));
  }

  /** A team's members, read once (paged, 500 a page). */
  teamMembers(teamId: number): Promise<TinesTeamMemberObject[]> {
    let members = this.teamMembersPromises.get(teamId);
    if (!members) {
      members = this.client.teams.listMembers(teamId);
      this.teamMembersPromises.set(teamId, members);
    }
    return members;
  }

  /** The user with this email (case-insensitive), if any. */
  async userByEmail(email: string): Promise<TinesUserObject | undefined> {
    return (await this.directory()).byEmail.get(email.toLowerCase());
  }

  /** The user with this id, if any. */
  async userById(userId: number): Promise<TinesUserObject | undefined> {
    return (await this.directory()).byId.get(userId);
  }
}

const factsByClient = new WeakMap<TinesClient, TenantFacts>();

/** The facts of a client's tenant, shared by every check of this process. */
export function tenantFactsFor(client: TinesClient): TenantFacts {
  let facts = factsByClient.get(client);
  if (!facts) {
    facts = new TenantFacts(client, client.tenantUrl);
    factsByClient.set(client, facts);
  }
  return facts;
}

/**
 * Runs a resource's tenant check and reports its warnings. A failure to read the tenant (no
 * connection, no rights, a garbled answer) becomes a single warning and no failure.
 */
export async function runTenantCheck(
  facts: TenantFacts,
  check: (facts: TenantFacts) => Promise<TenantCheckFindings>,
): Promise<CheckFailure[]> {
  if (facts.stale) return [];
  let findings: TenantCheckFindings;
  try {
    findings = await check(facts);
  } catch (error) {
    if (!(error instanceof TinesConnectionError || error instanceof TinesApiError || error instanceof TinesResponseError)) throw error;
    if (!facts.warnedUnreachable) {
      facts.warnedUnreachable = true;
      void pulumi.log.warn(`pulumi-tines: preview checks against ${facts.tenantUrl} were skipped, only offline checks ran: ${error.message}`);
    }
    return [];
  }
  for (const warning of findings.warnings) void pulumi.log.warn(`pulumi-tines: ${warning}`);
  return findings.failures;
}
