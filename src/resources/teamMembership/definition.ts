/**
 * The declaration of `TinesTeamMembership`: one user on one team with one role. Tines has no
 * membership object: membership is read from the user's `team_memberships` (or the team's member
 * list) and changed with the team's `invite_member` and `remove_member` actions, and no endpoint
 * changes a role (tines-api.md, "Teams and membership"). So every input but `adoptExisting`
 * replaces the membership; a new role removes the member before inviting them again.
 */
import { z } from "zod";
import { TinesError, type TinesRoleName } from "../../client";
import { auditedObject } from "../../audit/entries";
import { defineResource, type ArgsOf, type InputsOf, type ObjectIdentity, type OutputsOf } from "../../provider/definition";
import type { KnownUsers } from "../../deployment/claims";
import { emailAddress, flag, positiveIntegerId, sameMeaning, teamRole, unknownValue } from "../../provider/inputs";

/** The inputs of a {@link TinesTeamMembership}: give exactly one of `userId` and `email`. */
export const tinesTeamMembershipInputs = {
  /** The team's id (a number or a numeric string). Changing it makes the new membership, then removes the old one. */
  teamId: positiveIntegerId,
  /**
   * The user's id: a number or numeric string, so both `user.id` and `user.userId` work. Changing
   * it makes the new membership, then removes the old one.
   */
  userId: positiveIntegerId.optional(),
  /**
   * The user's email: invites by email, creating the tenant user (and an invitation email) if
   * needed. Compared without regard to letter case; changing it makes the new membership, then
   * removes the old one.
   */
  email: emailAddress.optional(),
  // Typed as taking a role name, so editors complete Tines' own roles (the schema takes any text).
  /**
   * The role on the team: `VIEWER`, `EDITOR`, `TEAM_ADMIN`, `CASE_MANAGER` or a custom role's name.
   * Tines' own roles are upper case: `"editor"` fails the check ("did you mean EDITOR?"). Tines has
   * no role update: a change removes the member, then invites them again with the new role.
   *
   * @defaultValue `"VIEWER"`
   */
  role: teamRole("VIEWER") as unknown as z.ZodDefault<z.ZodType<string, TinesRoleName>>,
  /**
   * When the user is already on the team, take the membership over (changing the role if needed) instead of failing.
   *
   * @defaultValue `false`
   */
  adoptExisting: flag(false),
};

/** What a {@link TinesTeamMembership} records besides its inputs and `tenant`. */
export const tinesTeamMembershipOutputs = {
  /** The user's id, resolved by Tines when the membership was declared by email. */
  userId: z.number(),
  /** The user's email as Tines holds it, resolved when the membership was declared by id. */
  email: z.string(),
  /** Whether the user accepted the team invitation (as of the last create or member-list read). */
  invitationAccepted: z.boolean(),
};

/** The inputs of a {@link TinesTeamMembership}. */
export type TinesTeamMembershipArgs = ArgsOf<typeof tinesTeamMembershipInputs>;
/** The validated inputs of a {@link TinesTeamMembership}, as `check` returns them. */
export type TinesTeamMembershipInputs = InputsOf<typeof tinesTeamMembershipInputs>;
/** What a {@link TinesTeamMembership} records: every input plus what Tines computes. */
export type TinesTeamMembershipOutputs = OutputsOf<typeof tinesTeamMembershipInputs, typeof tinesTeamMembershipOutputs>;

/** The definition of {@link TinesTeamMembership}. */
export const tinesTeamMembershipDefinition = defineResource({
  kind: "TeamMembership",
  className: "TinesTeamMembership",
  subject: "Team membership",
  inputs: tinesTeamMembershipInputs,
  outputs: tinesTeamMembershipOutputs,
  replaceOnChanges: ["teamId", "userId", "email", "role"],
  providerInputs: ["adoptExisting"],
  // The user is compared the way it was declared, by id or by email: the other is only recorded.
  comparisons: {
    userId: { whenOmitted: "keep" },
    email: {
      whenOmitted: "keep",
      // Whether Tines stores emails as given or lower-cased is not documented (tines-api.md).
      caseInsensitive: true,
      // A declared userId names the user, even one still unknown in preview (check allows both
      // then, and fails once both are known): the email is then not compared.
      unchanged: (recorded, declared) =>
        declared.userId !== undefined || (declared.email !== unknownValue && sameMeaning(recorded.email, declared.email, { ignoreCase: true })),
      // Still checked after a create: Tines must hold the email the membership was declared with.
      verify: true,
    },
  },
  crossField(values, unknownKeys) {
    // Either may be unknown in preview; then it will be checked once known.
    if (unknownKeys.has("userId") || unknownKeys.has("email")) return [];
    const given = [values.userId, values.email].filter((value) => value !== undefined).length;
    return given === 1 ? [] : [{ property: "userId", reason: "give exactly one of userId and email" }];
  },
  // Same team and user with a new role: the old membership must go before the new one can be made
  // (no role update: membership/operations.ts). A different team or user: the new one comes first.
  deleteBeforeReplace: (replaces) => replaces.every((key) => key === "role"),
  // One membership per team and person: by user id, or by email without letter case, and by both
  // once the deployment knows the user (deployment/claims.ts), so the same person named by id in
  // one and by email in another is one membership.
  identity: (inputs, users) => membershipIdentity(inputs, users),
  // Before everything a membership names: its user, its team, its role.
  deletionTier: 1,
  // A membership is its user on its team: an entry is about it when it names both.
  audited: (id, recorded) => {
    const { teamId, userId } = parseMembershipId(id);
    return [auditedObject("user", [userId, recorded.userId], [recorded.email]), auditedObject("team", [teamId, recorded.teamId])];
  },
  sample: {
    create: { teamId: 1, email: "bench.member@example.com", role: "VIEWER" },
    update: { teamId: 1, email: "bench.member@example.com", role: "VIEWER", adoptExisting: true },
  },
});

/**
 * The membership the inputs name, by team and person: the declared person first (`user <id>`, or
 * the email in lower case), then the other name of that person when `users` know it.
 */
export function membershipIdentity(inputs: Pick<TinesTeamMembershipInputs, "teamId" | "userId" | "email">, users?: KnownUsers): ObjectIdentity | undefined {
  const team = String(inputs.teamId);
  const byId = inputs.userId !== undefined;
  if (!byId && inputs.email === undefined) return undefined;
  const email = byId ? users?.emailOf(inputs.userId!) : inputs.email!.toLowerCase();
  const userId = byId ? inputs.userId : users?.idOf(inputs.email!);
  const declared = byId ? `user ${userId}` : email!;
  const other = byId ? email : userId === undefined ? undefined : `user ${userId}`;
  const known = userId !== undefined && email !== undefined && !String(inputs.userId ?? inputs.email).includes(unknownValue);
  return {
    key: JSON.stringify([team, declared]),
    aliases: other === undefined ? [] : [JSON.stringify([team, other])],
    property: byId ? "userId" : "email",
    label: `the membership of ${known ? `user ${userId} (${email})` : declared} in team ${inputs.teamId}`,
  };
}

/** The resource id of a membership: `"<teamId>/<userId>"`. */
export function membershipId(teamId: number, userId: number): string {
  return `${teamId}/${userId}`;
}

/** Splits a membership's resource id into team and user ids. */
export function parseMembershipId(id: string): { teamId: number; userId: number } {
  const match = /^(\d+)\/(\d+)$/.exec(id);
  if (!match) throw new TinesError(`"${id}" is not a team membership id (expected "<teamId>/<userId>")`);
  return { teamId: Number(match[1]), userId: Number(match[2]) };
}
