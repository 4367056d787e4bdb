/**
 * What one provider process shares about one configured tenant: a {@link TenantDeployment}.
 *
 * One host process serves every dynamic resource of a deployment, and resources whose provider
 * text is identical share one provider (pulumi-dynamic-providers.md, "Runtime facts"); every
 * provider of the process configured for the same tenant, key and options shares one client
 * (deployment/registry.ts), so one deployment object per client is one per deployment. Everything
 * that must outlive a single resource operation lives here, and only here:
 *
 * - the tenant facts preview checks read (teams, roles, the user directory with memberships, team
 *   member lists, the SCIM user group mapping), each read at most once; a few users are looked up
 *   by email one request each instead of reading the directory ({@link TenantDeployment.userByEmail});
 * - the shared directory through which adoption looks users and memberships up
 *   (deployment/sharedDirectory.ts);
 * - the reads of a refresh, which share list requests, and the writes that keep them honest
 *   (deployment/sharedReads.ts);
 * - what the checks declared: the rosters (`TinesTeamMembers`, `TinesTeam.members`), the
 *   `TinesTeamMembership` resources by team, the custom roles this deployment creates, the names
 *   its teams take, and the teams its SCIM user group mapping governs;
 * - the teams this deployment made, and which roster wrote each one's member list;
 * - which resource names which Tines object, and the users it has seen (deployment/claims.ts);
 * - the users this process deleted or deactivated (deployment/pendingDeletions.ts);
 * - whether this process has changed the tenant (then the facts are stale and tenant checks stop),
 *   and whether the "tenant unreachable" warning was given.
 *
 * The declarations are correct because the engine checks resources one at a time, in registration
 * order, in this one process ("Scheduling" in pulumi-dynamic-providers.md); writes run in parallel
 * but only ever add to the sets and maps, so no write depends on another's ordering.

 * Tenant checks, and what they cost: deployment/tenantFacts.ts.
 */
import { engineLog } from "../engineLog";
import {
  TinesApiError,
  TinesConnectionError,
  TinesResponseError,
  type TinesClient,
  type TinesUserObject,
} from "../client";
import type { CheckFailure } from "../provider/inputs";
import type { AuthoritativeRoster } from "../membership/members";
import { ObjectClaims } from "./claims";
import { DriftAttribution } from "./driftAttribution";
import { SharedDirectory } from "./sharedDirectory";
import { SharedReads } from "./sharedReads";
import { TakeoverLedger } from "./takeovers";
import { TenantFacts } from "./tenantFacts";
import { WarningsAfterDiff } from "./warningsAfterDiff";

export { assumedUserDirectoryPages } from "./tenantFacts";

/** What a resource's tenant check found. */
export interface TenantCheckFindings {
  /** Problems that would fail the deploy: each names its property. */
  failures: CheckFailure[];
  /** Things that will happen but are no error. */
  warnings: string[];
}

/** A user as the deletion records know it: its id, and its creation time (see {@link TenantDeployment.recordUserDeleted}). */
export type UserIdentity = Pick<TinesUserObject, "id" | "created_at">;

/** What one provider process shares about one configured tenant (see the file comment). Obtained with `deploymentFor(client)`. */
export class TenantDeployment extends TenantFacts {
  /** Which resource of the deployment names which Tines object (one object, one resource: deployment/claims.ts). */
  readonly claims = new ObjectClaims();
  /** Warnings a check leaves for its resource's diff, which decides their words (deployment/warningsAfterDiff.ts). */
  readonly afterDiff = new WarningsAfterDiff();
  /** Adoption's lookups, sharing this deployment's snapshot of the user directory. */
  readonly directory: SharedDirectory;
  /** Refresh's reads, sharing list requests when that is cheaper (deployment/sharedReads.ts). */
  readonly reads: SharedReads;
  /** Who changed what a refresh finds changed, from the audit logs read once for the refresh (deployment/driftAttribution.ts). */
  readonly driftAttribution: DriftAttribution;
  /**
   * Which create last made or took over each object, shared with the other provider processes of
   * the tenant, so a delete never removes an object another resource took over (deployment/takeovers.ts).
   */
  readonly takeovers: TakeoverLedger;

  /** Teams whose whole member list a checked roster manages, with the roster's kind. */
  private readonly rosters = new Map<number, AuthoritativeRoster>();
  /** Who each checked `TinesTeamMembership` adds, by team. */
  private readonly memberships = new Map<number, string[]>();
  /** Names of the custom roles this deployment creates. */
  private readonly customRoles = new Set<string>();
  /** Names teams take in this deployment: teams it creates, and the new names of teams it renames. */
  private readonly teamNames = new Set<string>();
  /** The teams the checked `TinesScimGroupMapping` maps groups to, by name. */
  private scimMappingTeams: ReadonlySet<string> | undefined;
  /** Teams this deployment made, with the roster that wrote a made team's member list, if any. */
  private readonly teamsMade = new Map<number, AuthoritativeRoster | undefined>();
  /** Users this process deleted, as `<user id> <created_at>`. */
  private readonly deletedUsers = new Set<string>();
  /** Users this process deactivated without deleting them, keyed as {@link deletedUsers}. */
  private readonly deactivatedUsers = new Set<string>();
  /** The owner changes, and the SCIM user group mapping changes, of this deployment: each kind one at a time. */
  private readonly changeQueues = { owner: Promise.resolve<unknown>(undefined), scimMapping: Promise.resolve<unknown>(undefined) };
  private changedTenant = false;
  private warnedUnreachable = false;

  constructor(client: TinesClient) {
    super(client);
    this.reads = new SharedReads(client);
    this.takeovers = new TakeoverLedger(client.tenantUrl);
    this.directory = new SharedDirectory(client, this);
    this.driftAttribution = new DriftAttribution(client, () => this.teams());
  }

  // What the checks declared ----------------------------------------------------------------------

  /** Records that a checked roster of kind `roster` manages team `teamId`'s whole member list. */
  declareRoster(teamId: number, roster: AuthoritativeRoster): void {
    this.rosters.set(teamId, roster);
  }

  /** The kind of the roster last checked on team `teamId`, if any. */
  rosterDeclaredFor(teamId: number): AuthoritativeRoster | undefined {
    return this.rosters.get(teamId);
  }

  /** Records that a checked `TinesTeamMembership` adds `who` (as messages name them) to team `teamId`. */
  declareMembership(teamId: number, who: string): void {
    this.memberships.set(teamId, [...(this.memberships.get(teamId) ?? []), who]);
  }

  /** Who the `TinesTeamMembership` resources checked so far add to team `teamId`. */
  membershipsDeclaredOn(teamId: number): readonly string[] {
    return this.memberships.get(teamId) ?? [];
  }

  /** Records a custom role this deployment creates: it counts against the tenant's limit, and a membership may already name it. */
  declareCustomRole(name: string): void {
    this.customRoles.add(name);
  }

  /** The custom roles this deployment creates, as checked so far. */
  customRolesDeclared(): ReadonlySet<string> {
    return this.customRoles;
  }

  /** Records a name a team takes in this deployment (a `TinesTeam` created, or renamed to it). */
  declareTeamName(name: string): void {
    this.teamNames.add(name);
  }

  /** The names teams take in this deployment, as checked so far. */
  teamNamesDeclared(): ReadonlySet<string> {
    return this.teamNames;
  }

  /**
   * Records the teams (by name) the checked `TinesScimGroupMapping` maps groups to: Tines holds one
   * mapping per tenant, so the last one checked is the one.
   */
  declareScimMapping(teams: ReadonlySet<string>): void {
    this.scimMappingTeams = teams;
  }

  /** The teams (by name) the checked `TinesScimGroupMapping` maps groups to, if one was checked. */
  scimMappingDeclared(): ReadonlySet<string> | undefined {
    return this.scimMappingTeams;
  }

  // Teams this deployment made --------------------------------------------------------------------
  // A preview cannot see a membership mixed with the roster of a team the same `up` makes (the new
  // team's id is unknown there), but the membership takes the team's id, so it is created after
  // the team: checked here, the mix fails before the membership is written. Teams that existed
  // before the deployment are left to the preview, which sees them.

  /** Records that this deployment made team `teamId`. */
  recordTeamMade(teamId: number): void {
    this.teamsMade.set(teamId, undefined);
  }

  /** Records that `roster` wrote the member list of team `teamId`, if this deployment made that team. */
  recordRosterWrite(teamId: number, roster: AuthoritativeRoster): void {
    if (this.teamsMade.has(teamId)) this.teamsMade.set(teamId, roster);
  }

  /** Forgets team `teamId` (deleted: an id Tines may give again). */
  forgetTeamMade(teamId: number): void {
    this.teamsMade.delete(teamId);
  }

  /** The roster that wrote the member list of team `teamId`, made by this deployment, if any. */
  rosterWrittenFor(teamId: number): AuthoritativeRoster | undefined {
    return this.teamsMade.get(teamId);
  }

  // Users this process deleted or deactivated -----------------------------------------------------
  // Keyed with the creation time as well as the id, so a tenant that ever gave a new user an old id
  // (a reset simulator does) is not mistaken. See deployment/pendingDeletions.ts for their use.

  /** Records that this process asked Tines to delete a user: until it is gone, it is pending deletion. */
  recordUserDeleted(user: UserIdentity): void {
    this.deletedUsers.add(userKey(user));
  }

  /** Records that this process deactivated a user without deleting it: certainly not being deleted. */
  recordUserDeactivated(user: UserIdentity): void {
    this.deactivatedUsers.add(userKey(user));
  }

  /** Whether this process deleted the user (so it certainly is, or was, pending deletion). */
  deletedByThisProcess(user: UserIdentity): boolean {
    return this.deletedUsers.has(userKey(user));
  }

  /** Whether this process deactivated the user without deleting it. */
  deactivatedByThisProcess(user: UserIdentity): boolean {
    return this.deactivatedUsers.has(userKey(user));
  }

  // Tenant owners ------------------------------------------------------------------------------------

  /**
   * Runs `change` (a write that may remove a tenant owner's access, with its check that another
   * owner remains) after every such change started before it has finished: the engine runs deletes
   * and updates in parallel, and two owners removed at once would each count the other as the
   * owner who remains (resources/user/ownerGuard.ts).
   */
  oneOwnerChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
    return this.oneAtATime("owner", change);
  }

  /**
   * Runs `change` (a write of the SCIM user group mapping, or a team's rename with the rewrite of
   * its lines that follows it) after every such change started before it has finished. Tines only
   * takes the mapping whole (tines-api.md, "SCIM"), so each change reads it and writes it back: two
   * at once, say two teams renamed in parallel, would each write back the other's old team name.
   */
  oneScimMappingChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
    return this.oneAtATime("scimMapping", change);
  }

  private oneAtATime<T>(queue: keyof TenantDeployment["changeQueues"], change: () => Promise<T>): Promise<T> {
    const result = this.changeQueues[queue].then(change);
    this.changeQueues[queue] = result.catch(() => undefined);
    return result;
  }

  // Staleness and tenant checks --------------------------------------------------------------------

  /** Records that this process changed the tenant (a create, update or delete): the facts read so far are stale. */
  recordTenantChanged(): void {
    this.changedTenant = true;
  }

  /**
   * Runs a resource's tenant check against this deployment and reports its warnings. Nothing runs
   * once this process changed the tenant. A failure to read the tenant (no connection, no rights, a
   * garbled answer) becomes a single warning for the deployment, and no failure.
   */
  async runTenantCheck(check: (deployment: TenantDeployment) => Promise<TenantCheckFindings>): Promise<CheckFailure[]> {
    if (this.changedTenant) return [];
    let findings: TenantCheckFindings;
    try {
      findings = await check(this);
    } catch (error) {
      if (!(error instanceof TinesConnectionError || error instanceof TinesApiError || error instanceof TinesResponseError)) throw error;
      // A refused key is an answer, not an outage: the deploy would meet the same refusal.
      if (error instanceof TinesApiError && (error.isUnauthorized || error.isForbidden)) return [refusedKeyFailure(error)];
      if (!this.warnedUnreachable) {
        this.warnedUnreachable = true;
        void engineLog.warn(`preview checks against ${this.tenantUrl} were skipped, only offline checks ran: ${error.message}`);
      }
      return [];
    }
    for (const warning of findings.warnings) void engineLog.warn(warning);
    return findings.failures;
  }
}

/**
 * The check failure for a tenant that refused the API key: 401 (wrong, revoked, or a Personal key
 * whose user is deactivated; the error's own advice names the settings) or 403 (a valid key
 * without the rights: the admin endpoints need a tenant-owner key, tines-api.md "Conventions").
 */
function refusedKeyFailure(error: TinesApiError): CheckFailure {
  const advice = error.isForbidden
    ? " The API key in stack config `tines:apiKey` (or TINES_API_KEY) lacks the rights: users, templates and roles need a tenant-owner key, team memberships a team-admin or tenant-owner key."
    : "";
  return { property: "tines:apiKey", reason: `${error.message}${advice}` };
}

function userKey(user: UserIdentity): string {
  return `${user.id} ${user.created_at ?? ""}`;
}
