import { resourceClass } from "../../provider/resourceClass";
import { tinesTeamMembershipDefinition, type TinesTeamMembershipArgs, type TinesTeamMembershipOutputs } from "./definition";

export type { TinesTeamMembershipArgs, TinesTeamMembershipInputs, TinesTeamMembershipOutputs } from "./definition";
// Exported by the package since 0.1.0: how a membership's id is made and read.
export { membershipId, parseMembershipId } from "./definition";

/**
 * A user's membership of a Tines team, with a role. Its id is `"<teamId>/<userId>"`. Tines refuses
 * to remove a team's last member, so for a team this stack makes (a `TinesTeam`), declare its
 * people in the team's `members` instead: one `pulumi destroy` then deletes the team with them.
 * Needs a tenant-owner key, or a Team key with team-admin rights on the team.
 *
 * @example
 * ```ts
 * new TinesTeamMembership("ada-secops", { teamId: secops.id, userId: ada.userId, role: "EDITOR" });
 * ```
 */
export class TinesTeamMembership extends resourceClass<TinesTeamMembershipArgs, TinesTeamMembershipOutputs>(tinesTeamMembershipDefinition) {}
