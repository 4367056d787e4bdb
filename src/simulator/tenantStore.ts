/**
 * What the simulated tenant's rules work on: its data, the file it is kept in, its clock, the
 * settings tests may change at any time, and whether lists show a new object yet. The rules of
 * each resource family work on a store; {@link TenantState} composes them. Operations throw
 * {@link SimulatorHttpError} with the status and body Tines would send; the server turns that into
 * the answer.
 */
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import type { SimulatedAuditLogEntry } from "./auditLogState";
import type { SimulatedRole, SimulatedStory } from "./roleState";
import type { SimulatedScimMapping } from "./scimState";
import type { SimulatedMembership, SimulatedTeam } from "./teamState";
import type { SimulatedTemplate } from "./templateState";
import type { SimulatedInvitation, SimulatedSignIn, SimulatedUser } from "./userState";

/** An error answer: status and the JSON body to send. */
export class SimulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${status} ${JSON.stringify(body)}`);
  }
}

/** Everything the tenant holds, as persisted to the state file. */
export interface TenantData {
  nextUserId: number;
  nextTeamId: number;
  nextTemplateId: number;
  nextSignInId: number;
  users: SimulatedUser[];
  teams: SimulatedTeam[];
  /** team id → user id → membership. */
  memberships: Record<string, Record<string, SimulatedMembership>>;
  templates: SimulatedTemplate[];
  customRoles: SimulatedRole[];
  outbox: SimulatedInvitation[];
  signIns: SimulatedSignIn[];
  nextRoleId: number;
  nextStoryId: number;
  stories: SimulatedStory[];
  /** Whether the plan has custom roles (an Enterprise feature). */
  customRolesFeature: boolean;
  /**
   * The tenant-owner API key the simulator answers to, kept so a restart with the same state file
   * keeps it (null until the server stores one).
   */
  ownerApiKey: string | null;
  /** The user who owns that key: the tenant owner, whose name the audit log writes (null: none made yet). */
  ownerUserId: number | null;
  /** Whether people come from SCIM: user creates and updates, and invitations of new emails, are refused (tines-api.md, "SCIM"). */
  scimEnabled: boolean;
  /** The SCIM user group mapping: identity-provider group → team and role. */
  scimMapping: SimulatedScimMapping;
  /** The audit log, oldest first (tines-api.md, "Audit logs"). */
  auditLogs: SimulatedAuditLogEntry[];
  nextAuditLogId: number;
}

function emptyData(): TenantData {
  return {
    nextUserId: 1,
    nextTeamId: 1,
    nextTemplateId: 472463921472463,
    nextSignInId: 1,
    users: [],
    teams: [],
    memberships: {},
    templates: [],
    customRoles: [],
    outbox: [],
    signIns: [],
    nextRoleId: 100,
    nextStoryId: 1,
    stories: [],
    customRolesFeature: true,
    ownerApiKey: null,
    ownerUserId: null,
    scimEnabled: false,
    scimMapping: { mappings: [], tenant_owners_group: null },
    auditLogs: [],
    nextAuditLogId: 1,
  };
}

/**
 * Ways a real tenant may store or echo a value in another form than the one sent (tines-api.md
 * leaves each open), so tests can show that none becomes a perpetual diff or a false failure.
 * Every switch is off by default.
 */
export interface SimulatorNormalisation {
  /** Store emails in lower case. */
  lowerCaseEmails?: boolean;
  /** Echo unset fields as null: empty names, an empty description or permission list, an action input's missing description, data and default. */
  nullForUnset?: boolean;
  /** Return nested JSON (a template's `agent_options`, an action input's `data`) with its keys in reverse order. */
  reorderJsonKeys?: boolean;
  /** Return the numbers inside a template (`agent_options` values, action input `default_value`) as numeric strings. */
  numbersAsStrings?: boolean;
  /** The tenant permissions this tenant supports: others are dropped without an error. All when absent. */
  supportedTenantPermissions?: string[];
  /** Leave `tenant_owners_group` out of the SCIM mapping's answers (tines-api.md: whether Tines lists it is not documented). */
  omitTenantOwnersGroup?: boolean;
  /**
   * Trim surrounding whitespace from the names an API write stores: a team's, a custom role's, a
   * template's name, vendor and product, a user's first and last name, the SCIM mapping's names.
   * tines-api.md does not say whether Tines trims, so by default the simulator stores what it is
   * given, and the provider must work either way.
   */
  trimNames?: boolean;
}

/** The settings tests may change at any time ({@link TenantState} holds them); the store reads them at each use. */
export interface TenantSettings {
  /** How the tenant normalises what it stores and echoes. */
  normalisation: SimulatorNormalisation;
  /** How long a new object stays out of lists, in ms. */
  listingDelayMs: number;
  /** How long a new object answers 404 to every read, direct ones included, in ms. */
  readAfterWriteDelayMs: number;
  /** How long a deleted user stays visible, in ms. */
  userDeletionDelayMs: number;
}

/** The tenant's data with its file, its clock and its settings. */
export class TenantStore {
  /** Everything the tenant holds; {@link reset} replaces it, so read it anew at each use. */
  data: TenantData;
  /** When each object that lists may not show yet was created, by `user:<id>`, `template:<id>`, `member:<team>/<user>`. */
  private readonly createdAtMs = new Map<string, number>();

  /**
   * @param statePath JSON file to load now and save after every change, if any.
   * @param now The clock.
   * @param settings Where the tenant's settings are read.
   */
  constructor(
    private readonly statePath: string | undefined,
    readonly now: () => number,
    readonly settings: TenantSettings,
  ) {
    this.data = emptyData();
    if (this.statePath) {
      try {
        this.data = { ...emptyData(), ...(JSON.parse(readFileSync(this.statePath, "utf8")) as TenantData) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }

  /** Forgets everything (the file too, when persisted). */
  reset(): void {
    this.replace(emptyData());
  }

  /** Holds `data` in place of everything (the file too, when persisted). */
  replace(data: TenantData): void {
    this.data = data;
    this.createdAtMs.clear();
    this.save();
  }

  /** Writes the data to the state file, when persisted. */
  save(): void {
    if (!this.statePath) return;
    const temporary = `${this.statePath}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data, null, 2));
    renameSync(temporary, this.statePath);
  }

  /** The clock's time as the API writes it. */
  timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** Notes a new object's creation, for {@link listed} and {@link shown}. */
  created(key: string): void {
    if (this.settings.listingDelayMs > 0 || this.settings.readAfterWriteDelayMs > 0) this.createdAtMs.set(key, this.now());
  }

  /**
   * Whether lists show this object yet: not until `listingDelayMs` (lists only) and
   * `readAfterWriteDelayMs` (every read) have passed since its creation.
   */
  listed(key: string): boolean {
    const at = this.createdAtMs.get(key);
    return at === undefined || this.now() - at >= Math.max(this.settings.listingDelayMs, this.settings.readAfterWriteDelayMs);
  }

  /** Whether a direct read (a GET by id) shows this object yet: not until `readAfterWriteDelayMs` has passed since its creation. */
  shown(key: string): boolean {
    const at = this.createdAtMs.get(key);
    return at === undefined || this.now() - at >= this.settings.readAfterWriteDelayMs;
  }
}
