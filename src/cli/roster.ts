/**
 * The roster `pulumi-tines export` writes: the shape of examples/bootstrap/roster.yaml (teams,
 * custom roles, people with their teams and roles, templates, the SCIM user group mapping), and
 * what to export. export.ts reads a tenant into it.
 */
/** What to export. */
export interface ExportOptions {
  /** Only these teams (by name), their members and their templates. Default: every team. */
  teams?: string[];
  /** Also export deactivated users (as `isActive: false`). Default false. */
  includeDeactivated?: boolean;
  /** Leave out users whose email matches one of these globs (`*` any run of characters, `?` one), case-insensitive. */
  excludeEmails?: string[];
  /** Also export private templates. Default false. */
  templates?: boolean;
  /** Told about progress (pages read, users found), one line at a time. */
  onProgress?: (message: string) => void;
}

/** One team of the exported roster: always an existing team, looked up by name. */
export interface ExportedTeam {
  name: string;
  existing: true;
}

/** One custom role of the exported roster. */
export interface ExportedCustomRole {
  name: string;
  description: string;
  permissions: string[];
  adoptExisting: true;
}

/** One person of the exported roster. */
export interface ExportedPerson {
  email: string;
  firstName?: string;
  lastName?: string;
  admin?: true;
  tenantPermissions?: string[];
  isActive?: false;
  /** Written for tenant owners: destroying the stack, or removing them from the roster, only deactivates them. */
  deletionMode?: "deactivate";
  adoptExisting: true;
  /** Team name → role. */
  teams: Record<string, string>;
}

/** One private template of the exported roster. */
export interface ExportedTemplate {
  name: string;
  description: string;
  vendor: string;
  product: string;
  team?: string;
  agentType: string;
  agentOptions: Record<string, unknown>;
  readAccess?: string;
  sharedTeamSlugs?: string[];
  actionInputs: Array<Record<string, unknown>>;
  adoptExisting: true;
}

/** The SCIM user group mapping of the exported roster (a `TinesScimGroupMapping`'s inputs). */
export interface ExportedScimGroupMapping {
  /** Every line, sorted by group, team and role. */
  mappings: Array<{ group: string; team: string; role: string }>;
  /** Written when Tines reports one. */
  tenantOwnersGroup?: string;
  adoptExisting: true;
}

/** The exported roster, in the bootstrap example's format. */
export interface ExportedRoster {
  teams: ExportedTeam[];
  customRoles: ExportedCustomRole[];
  people: ExportedPerson[];
  templates?: ExportedTemplate[];
  /** Written when the tenant has a SCIM user group mapping that holds anything. */
  scimGroupMapping?: ExportedScimGroupMapping;
}

/** What the export found and left out. */
export interface ExportSummary {
  tenant: string;
  users: number;
  teams: number;
  memberships: number;
  customRoles: number;
  /** Custom roles left out: Tines listed no permissions for them, so a roster cannot declare them. */
  skippedCustomRoles: string[];
  templates: number;
  /** Lines of the SCIM user group mapping exported (undefined when none was). */
  scimMappingLines?: number;
  /** Users left out: deactivated (without `includeDeactivated`), excluded by pattern, or on none of the `teams` asked for. */
  skippedDeactivated: number;
  skippedExcluded: number;
  skippedNotOnTeams: number;
}
