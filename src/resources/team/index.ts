import { resourceClass } from "../../provider/resourceClass";
import { tinesTeamDefinition, type TinesTeamArgs, type TinesTeamOutputs } from "./definition";

export type { TinesTeamArgs, TinesTeamInputs, TinesTeamOutputs } from "./definition";

/**
 * A team of a Tines tenant. Memberships and templates take its `teamId` (or `id`). For a team this
 * stack makes, declare its people in `members`: one `pulumi destroy` then deletes the team with
 * them, and a delete refused because the team holds stories keeps them all in the stack (Tines
 * refuses to remove a team's last member, so separate memberships could not all be removed).
 * Deleting a team that still holds stories needs `forceDestroy`, because Tines does not say what
 * happens to a deleted team's stories, credentials and resources (tines-api.md: assume they go).
 *
 * @example
 * ```ts
 * const detection = new TinesTeam("detection", {
 *   name: "Detection Engineering",
 *   members: [{ userId: ada.userId, role: "TEAM_ADMIN" }, { email: "oncall@example.com", role: "EDITOR" }],
 * });
 * ```
 */
export class TinesTeam extends resourceClass<TinesTeamArgs, TinesTeamOutputs>(tinesTeamDefinition) {}
