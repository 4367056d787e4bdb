/**
 * The declaration of `TinesTeam`: a team of the tenant (`/api/v1/teams`), made, renamed and
 * deleted by the stack, and, with `members`, its whole member list (the roster of src/membership/,
 * which `TinesTeamMembers` uses too). Tines renames a team in place (`PUT /teams/{id}` takes the
 * name; tines-api.md, "Teams and membership"), so no input replaces it.
 *
 * Why a team holds its own roster: Tines refuses to remove a team's last member, and the engine
 * deletes a team's memberships before the team. `deletedWith: team` lets them go with the team,
 * but the engine drops them from the state before it calls the team's delete
 * (pkg/resource/deploy/step.go, `isDeletedWith` in `DeleteStep.Apply`), so a team delete then
 * refused (it holds stories) would leave members in Tines that the stack forgot. One resource has
 * no such gap: its delete either removes the team with its members, or fails and keeps them all.
 */
import { z } from "zod";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type OutputsOf } from "../../provider/definition";
import { flag, requiredText } from "../../provider/inputs";
import { comparableText } from "../../provider/names";
import { checkRoster, ignoredMemberList, rosterChanged, rosterMemberList, rosterOutputFields } from "../../membership";

/** The inputs of a {@link TinesTeam}: each a zod schema that `check` applies, with the TSDoc users read. */
export const tinesTeamInputs = {
  /**
   * The team's name, sent as given (no length limit: Tines documents none). Changing it renames the
   * team in place; a name another team holds is refused (two teams of one name could not be told
   * apart by `getTeam` or the export).
   */
  name: requiredText,
  /**
   * When a team with this name already exists, take it over instead of failing (two teams with the
   * name: fails, naming both). With `members`, its member list is taken over too: anyone on it
   * neither declared nor ignored is removed.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
  /**
   * Delete the team even when it still holds stories (which Tines deletes with it). Otherwise a
   * team with stories is not deleted, and the error says how many it holds. Takes effect once a
   * `pulumi up` has recorded it.
   *
   * @defaultValue `false`
   */
  forceDestroy: flag(false),
  /**
   * The team's whole member list, authoritative as a `TinesTeamMembers`' is: the team holds
   * exactly these members (plus `ignoredMembers`), and anyone else is removed by `pulumi up`. Each
   * user once, at least one. The way to give a team this stack makes its members: `pulumi
   * destroy` then deletes the team with its members in one delete, and a delete refused (stories)
   * keeps them all in the stack. Someone Tines puts on a team it makes (its docs do not say who)
   * is removed once the declared members are on it, unless ignored. Without it, the members are
   * not managed here (use `TinesTeamMembership` or `TinesTeamMembers`).
   */
  members: rosterMemberList.optional(),
  /**
   * With `members`: members (emails or user ids) never added, removed or re-roled, such as an IdP
   * sync's or a break-glass account. Default none.
   */
  ignoredMembers: ignoredMemberList.optional(),
};

/** What a {@link TinesTeam} records besides its inputs and `tenant`. */
export const tinesTeamOutputs = {
  /** The Tines team id (the resource id is the same number as a string). */
  teamId: z.number(),
  /** With `members`: each managed member (as `members` lists them) with user id, email, role and invitation state. */
  resolvedMembers: rosterOutputFields.resolvedMembers.optional(),
  /** With `members`: members on the team neither declared nor ignored, as last read (the next `up` removes them). */
  unmanagedMembers: rosterOutputFields.unmanagedMembers.optional(),
};

/** The inputs of a {@link TinesTeam}. */
export type TinesTeamArgs = ArgsOf<typeof tinesTeamInputs>;
/** The validated inputs of a {@link TinesTeam}, as `check` returns them. */
export type TinesTeamInputs = InputsOf<typeof tinesTeamInputs>;
/**
 * What a {@link TinesTeam} records: every input plus the team id, and with `members` the roster's
 * outputs (`members` as Tines holds them, `resolvedMembers`, `unmanagedMembers`).
 */
export type TinesTeamOutputs = OutputsOf<typeof tinesTeamInputs, typeof tinesTeamOutputs>;

/** Whether the roster differs: declared or dropped, or changed (membership/roster.ts). */
export function membersChanged(recorded: Record<string, unknown>, declared: Record<string, unknown>): boolean {
  if (declared.members === undefined) return recorded.members !== undefined;
  return recorded.members === undefined || rosterChanged(recorded, declared);
}

/** Why `ignoredMembers` without `members` fails. */
const ignoredWithoutMembers = "needs members: it names members a team's roster leaves alone, and this team declares no roster";

/** The definition of {@link TinesTeam}. */
export const tinesTeamDefinition = defineResource({
  kind: "Team",
  className: "TinesTeam",
  subject: "Team",
  inputs: tinesTeamInputs,
  outputs: tinesTeamOutputs,
  replaceOnChanges: [],
  providerInputs: ["adoptExisting", "forceDestroy"],
  comparisons: {
    // The roster compares as a whole, by meaning: order-free, emails in any letter case, and a
    // refresh's unmanaged members count as a change (membership/roster.ts, `rosterChanged`).
    members: { unchanged: (recorded, declared) => !membersChanged(recorded, declared) },
    ignoredMembers: { unchanged: (recorded, declared) => !membersChanged(recorded, declared) },
  },
  checkedApart: {
    keys: ["members", "ignoredMembers"],
    check({ members, ignoredMembers }) {
      if (members === undefined && ignoredMembers === undefined) return { inputs: {}, failures: [] };
      if (members === undefined) return { inputs: {}, failures: [{ property: "ignoredMembers", reason: ignoredWithoutMembers }] };
      // Every problem at once: a name that is empty does not hide a member declared twice.
      const roster = checkRoster({ members, ignoredMembers });
      return { inputs: { members: roster.members, ignoredMembers: roster.ignoredMembers }, failures: roster.failures };
    },
  },
  // Adoption takes the team of this name (lifecycle.ts), so the name is the team's natural key:
  // "Ops" and "Ops " may be one team, on a tenant that trims names (provider/names.ts).
  identity: (inputs) => ({ key: comparableText(inputs.name), property: "name", label: `the team "${inputs.name}"` }),
  // After the memberships, templates and users; before the custom roles its members hold.
  deletionTier: 4,
  audited: (id, recorded) => [auditedObject("team", [id, recorded.teamId], [], recorded.name)],
  sample: {
    create: { name: "Bench team" },
    update: { name: "Bench team renamed" },
  },
});
