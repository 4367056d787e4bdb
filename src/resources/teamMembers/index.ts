import { resourceClass } from "../../provider/resourceClass";
import { tinesTeamMembersDefinition, type TinesTeamMembersArgs, type TinesTeamMembersOutputs } from "./definition";

export type { TinesTeamMember, TinesTeamMembersArgs, TinesTeamMembersInputs, TinesTeamMembersOutputs } from "./definition";
export type { TinesDeclaredTeamMember, TinesTeamMemberDeclaration } from "../../membership/roster";

/**
 * The whole member list of a Tines team, authoritative: the team holds exactly `members` (plus
 * `ignoredMembers`), and anyone else is removed by `pulumi up`. Where {@link TinesTeamMembership}
 * adds and removes only the member it declares, someone added by hand in the UI is removed by the
 * next `up`, and a refresh shows them; with preview checks, the preview prints who the `up` adds,
 * removes and re-roles before anything changes. Its id is the team id. Do not combine it with
 * {@link TinesTeamMembership} on the same team: they would undo each other. Needs a tenant-owner
 * key, or a Team key with team-admin rights.
 *
 * @example
 * ```ts
 * new TinesTeamMembers("secops", {
 *   teamId: secops.id,
 *   members: [{ userId: ada.userId, role: "TEAM_ADMIN" }, { email: "oncall@example.com" }],
 *   ignoredMembers: ["break-glass@example.com"],
 * });
 * ```
 */
export class TinesTeamMembers extends resourceClass<TinesTeamMembersArgs, TinesTeamMembersOutputs>(tinesTeamMembersDefinition) {}
