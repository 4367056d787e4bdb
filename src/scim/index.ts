/**
 * SCIM-managed tenants, wherever they touch other resources: refusals explained, preview warnings,
 * and a team's rename carried into the SCIM user group mapping. The mapping itself is the
 * `TinesScimGroupMapping` resource (resources/scimGroupMapping).
 */
export { TinesScimManagedError, explainScimRefusal, scimGovernedTeamWarning, scimManagedWarning } from "./tenant";
export { carryScimMappingToRenamedTeam, renameTeamCarryingScimMapping } from "./rename";
