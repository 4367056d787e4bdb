/**
 * The declaration of `TinesTeamMembers`: the whole member list of a team, authoritative. Tines has
 * no member-list endpoint that writes: members are read from `GET /teams/{id}/members` and changed
 * one by one with `invite_member` and `remove_member`; no endpoint changes a role, so a role change
 * is remove then invite; the last member of a team cannot be removed (tines-api.md, "Teams and
 * membership"). The roster's inputs, checks and comparisons are src/membership/roster.ts', shared
 * with `TinesTeam`'s `members`.
 */
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { flag, positiveIntegerId } from "../../provider/inputs";
import { checkRoster, ignoredMemberList, rosterComparisons, rosterMemberList, rosterOutputFields, type TeamMember } from "../../membership";

/** The inputs of a {@link TinesTeamMembers}: each a zod schema, with the TSDoc users read. */
export const tinesTeamMembersInputs = {
  /**
   * The team's id (a number or a numeric string); also the resource's id. Another team is another
   * roster: its create takes that team over, as a new resource's does (see `adoptExisting`).
   */
  teamId: positiveIntegerId,
  /**
   * Every member the team holds besides the ignored ones: each user once, at least one. Anyone
   * else on the team is removed by `pulumi up`; a changed role is a remove then an invite.
   */
  members: rosterMemberList,
  /**
   * Members (emails or user ids) this resource never adds, removes or re-roles: an IdP sync's members, a break-glass account.
   *
   * @defaultValue `[]`
   */
  ignoredMembers: ignoredMemberList.default([]),
  /**
   * When the team already has members that are neither declared nor ignored, remove them on
   * create instead of failing: taking over a team is a decision, not a side effect.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
};

/** What a {@link TinesTeamMembers} records besides its inputs and `tenant`: the roster as Tines holds it. */
export const tinesTeamMembersOutputs = rosterOutputFields;

/** A member as Tines holds it. */
export type TinesTeamMember = TeamMember;
/** The inputs of a {@link TinesTeamMembers}. */
export type TinesTeamMembersArgs = ArgsOf<typeof tinesTeamMembersInputs>;
/** The validated inputs of a {@link TinesTeamMembers}, as `check` returns them. */
export type TinesTeamMembersInputs = InputsOf<typeof tinesTeamMembersInputs>;
/** What a {@link TinesTeamMembers} records: every input plus the roster as Tines holds it. */
export type TinesTeamMembersOutputs = OutputsOf<typeof tinesTeamMembersInputs, typeof tinesTeamMembersOutputs>;

/** The definition of {@link TinesTeamMembers}. */
export const tinesTeamMembersDefinition = defineResource({
  kind: "TeamMembers",
  className: "TinesTeamMembers",
  subject: "Team members of team",
  inputs: tinesTeamMembersInputs,
  outputs: tinesTeamMembersOutputs,
  // The resource's id is the team's: another team is another roster.
  replaceOnChanges: ["teamId"],
  // Only a create takes a team over (removes the undeclared members), so a change of it alone sends nothing.
  providerInputs: ["adoptExisting"],
  comparisons: rosterComparisons,
  // Each member entry is checked alone (one unknown in preview leaves the others checked), and
  // repeats among the entries that passed are still reported: membership/roster.ts.
  checkedApart: {
    keys: ["members", "ignoredMembers"],
    check(news) {
      const { failures, ...checked } = checkRoster(news);
      // A missing list is reported, not recorded: the engine's struct has no `undefined`.
      return { inputs: Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== undefined)), failures };
    },
  },
  // One member list per team: two rosters of one team would each remove the other's members.
  identity: (inputs) => ({ key: String(inputs.teamId), property: "teamId", label: `the member list of team ${inputs.teamId}` }),
  // Deleted first among resources that do not depend on each other: it names users and a team.
  deletionTier: 0,
  // A roster is its team's member list: the team's member operations change it.
  audited: (id, recorded) => [auditedObject("team", [id, recorded.teamId])],
  sample: {
    // Team 1 of a new simulated tenant holds its owner, ignored here so the sample changes only its own member.
    create: { teamId: 1, members: [{ email: "bench.roster@example.com" }], ignoredMembers: ["owner@example.com"] },
    update: { teamId: 1, members: [{ email: "bench.roster@example.com", role: "EDITOR" }], ignoredMembers: ["owner@example.com"] },
  },
});
