import { resourceClass } from "../../provider/resourceClass";
import { tinesScimGroupMappingDefinition, type TinesScimGroupMappingArgs, type TinesScimGroupMappingOutputs } from "./definition";

export type { TinesScimGroupMappingArgs, TinesScimGroupMappingInputs, TinesScimGroupMappingLine, TinesScimGroupMappingOutputs } from "./definition";

/**
 * The SCIM user group mapping of a Tines tenant: which identity-provider group gets which team and
 * role at each SCIM sync, and which group's members are tenant owners. One per tenant: it manages
 * the whole mapping, since Tines only takes it whole. Needs a tenant-owner API key on a tenant that
 * provisions users through SCIM (an Enterprise feature). Destroying it leaves the mapping in Tines
 * unless `clearOnDestroy: true`.
 *
 * @example
 * ```ts
 * const detection = new TinesTeam("detection", { name: "Detection" });
 * new TinesScimGroupMapping("scim", {
 *   mappings: [{ group: "okta-detection", team: detection.name, role: "EDITOR" }],
 *   tenantOwnersGroup: "okta-tines-admins",
 * });
 * ```
 */
export class TinesScimGroupMapping extends resourceClass<TinesScimGroupMappingArgs, TinesScimGroupMappingOutputs>(tinesScimGroupMappingDefinition) {}
