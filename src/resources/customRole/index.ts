import { resourceClass } from "../../provider/resourceClass";
import { tinesCustomRoleDefinition, type TinesCustomRoleArgs, type TinesCustomRoleOutputs } from "./definition";

export type { TinesCustomRoleArgs, TinesCustomRoleInputs, TinesCustomRoleOutputs } from "./definition";

/**
 * A custom role of a Tines tenant (an Enterprise feature; at most 25 per tenant). A membership
 * uses it by name: `role: reviewer.name`. Needs a tenant-owner API key.
 *
 * @example
 * ```ts
 * const reviewer = new TinesCustomRole("reviewer", { name: "DETECTION_REVIEWER", permissions: ["STORY_READ"] });
 * new TinesTeamMembership("ada-detection", { teamId: detection.teamId, userId: ada.userId, role: reviewer.name });
 * ```
 */
export class TinesCustomRole extends resourceClass<TinesCustomRoleArgs, TinesCustomRoleOutputs>(tinesCustomRoleDefinition) {}
