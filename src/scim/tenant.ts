/**
 * Tenants whose people come from SCIM (tines-api.md, "SCIM"). Tines' docs: "If you enable SCIM for
 * your tenant, users can only be added and modified via SCIM. Regular methods of inviting and
 * modifying users (via the UI or the API) will be disabled." Such a tenant refuses a user create or
 * update, and an invitation by email of someone without an account, with a bare refusal that does
 * not say why (its status and body are not documented; the simulator answers a bare 403). Tines
 * says nowhere whether a tenant uses SCIM, so it is inferred: SCIM-provisioned users carry a
 * non-null `scim_uid`, and a tenant with at least one such user is taken to use SCIM. The
 * inference only ever explains a refusal (or warns in a preview): it never stops a request.
 *
 * The user group mapping assigns team roles at each SCIM sync, so a membership managed through the
 * API on a team the mapping names can be changed back by the next sync: {@link scimGovernedTeamWarning}.
 */
import { TinesApiError, TinesError } from "../client";
import type { TenantDeployment } from "../deployment/tenantDeployment";
import { holdsName, sameText } from "../provider/names";

/**
 * A write that a SCIM-managed tenant refused (a user create or update, or an invitation by email of
 * someone without an account): the refusal was a 403 and the tenant has users provisioned through
 * SCIM. Nothing was changed in Tines. `cause` is Tines' own refusal.
 */
export class TinesScimManagedError extends TinesError {
  override name = "TinesScimManagedError";
  declare readonly cause: TinesApiError;

  constructor(
    /** What was refused, as messages say it: `create user ada@example.com`. */
    readonly action: string,
    /** The tenant's origin. */
    readonly tenant: string,
    /** How many of the tenant's users carry a `scim_uid` (the sign that it uses SCIM). */
    readonly scimUserCount: number,
    cause: TinesApiError,
  ) {
    super(
      `${tenant} refused to ${action} (${cause.method} ${cause.path} answered ${cause.status}): this tenant provisions its users through SCIM ` +
        `(${scimUserCount} of its users carry a scim_uid), and Tines then takes user changes only from the identity provider ` +
        `("users can only be added and modified via SCIM"). Make this change in the identity provider (Okta, Entra ID, ...) instead, ` +
        "and manage which group gets which team and role with TinesScimGroupMapping (see docs/guides/tenants-with-scim.md). Nothing was changed in Tines.",
      { cause },
    );
  }
}

/**
 * The error to throw for a failed write of `action`: a {@link TinesScimManagedError} when Tines
 * refused it with a 403 and the tenant has SCIM-provisioned users (the user directory, read once
 * per deployment), otherwise `error` itself. A directory that cannot be read leaves `error` as it is.
 */
export async function explainScimRefusal(deployment: TenantDeployment, error: unknown, action: string): Promise<unknown> {
  if (!(error instanceof TinesApiError && error.isForbidden)) return error;
  const scimUsers = await deployment.scimProvisionedUserCount().catch(() => 0);
  return scimUsers > 0 ? new TinesScimManagedError(action, deployment.tenantUrl, scimUsers, error) : error;
}

/**
 * With preview checks on: the warning that `action` will likely be refused because the tenant
 * provisions users through SCIM (inferred from users carrying a `scim_uid`), or undefined when the
 * tenant shows no sign of SCIM. A warning, not a failure: the sign is an inference, and a tenant
 * that turned SCIM off keeps its SCIM-provisioned users.
 */
export async function scimManagedWarning(deployment: TenantDeployment, action: string): Promise<string | undefined> {
  const scimUsers = await deployment.scimProvisionedUserCount();
  if (scimUsers === 0) return undefined;
  return (
    `${action} will likely be refused: ${deployment.tenantUrl} provisions its users through SCIM (${scimUsers} of its users carry a scim_uid), ` +
    "and Tines then takes user changes only from the identity provider. Make this change there; TinesScimGroupMapping manages which group gets which team and role"
  );
}

/**
 * With preview checks on: the warning for a membership managed through the API on team `teamName`
 * when the SCIM user group mapping maps a group to that team (the mapping this deployment declares,
 * if one was checked already, else the one Tines holds on a tenant with SCIM-provisioned users): SCIM
 * may change the membership back at its next sync (tines-api.md, "SCIM"). Undefined otherwise, and
 * when the mapping cannot be read (a tenant without SCIM, a key that may not read it).
 */
export async function scimGovernedTeamWarning(deployment: TenantDeployment, teamName: string, what: string): Promise<string | undefined> {
  const declared = deployment.scimMappingDeclared();
  // Tines' mapping is read only on a tenant that shows SCIM (the directory, which these checks
  // read anyway), so a preview elsewhere costs no request more.
  const governed =
    (declared === undefined ? undefined : holdsName(declared, teamName)) ??
    ((await deployment.scimProvisionedUserCount().catch(() => 0)) > 0 &&
      (await deployment.scimMapping().then(
        (mapping) => mapping.mappings.some((line) => sameText(line.team_name, teamName)),
        () => false,
      )));
  if (!governed) return undefined;
  return (
    `${what}: team "${teamName}" is in the SCIM user group mapping, which sets its members' roles at every SCIM sync, ` +
    "so the identity provider may change this membership back; manage it through the group mapping (TinesScimGroupMapping) instead"
  );
}
