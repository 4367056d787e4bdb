/**
 * A stack that makes a team and every one of its members (test program for the CLI-free runner).
 * Config `shape` says how the members are declared:
 * - `members` (default): in the team's own roster, `TinesTeam.members`;
 * - `deletedWith`: one `TinesTeamMembership` each, declared `deletedWith: team`;
 * - `plain`: one `TinesTeamMembership` each, without resource options;
 * - `mixed`: in the team's roster, and a `TinesTeamMembership` on the same team too (a mistake).
 * Config `deletionMode` is the users' (default `delete`), `forceDestroy` the team's.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesTeam, TinesTeamMembership, TinesUser } from "pulumi-tines";

const config = new pulumi.Config();
const shape = config.get("shape") ?? "members";
const deletionMode = (config.get("deletionMode") ?? "delete") as "delete" | "deactivate";
const people = ["ada@example.com", "grace@example.com"].map((email) => new TinesUser(`user-${email}`, { email, deletionMode }));
const roles = ["TEAM_ADMIN", "EDITOR"] as const;
const team = new TinesTeam("detection", {
  name: "Detection Engineering",
  forceDestroy: config.getBoolean("forceDestroy") ?? false,
  ...(shape === "members" || shape === "mixed" ? { members: people.map((user, index) => ({ userId: user.userId, role: roles[index] })) } : {}),
});
const memberships =
  shape === "members"
    ? []
    : shape === "mixed"
      ? [new TinesTeamMembership("extra", { teamId: team.teamId, email: "extra@example.com", role: "VIEWER" })]
    : people.map(
        (user, index) =>
          new TinesTeamMembership(
            `membership-${index}`,
            { teamId: team.teamId, userId: user.userId, role: roles[index] },
            shape === "deletedWith" ? { deletedWith: team } : {},
          ),
      );

export const teamId = team.teamId;
export const members = team.resolvedMembers;
export const membershipIds = pulumi.all(memberships.map((membership) => membership.id));
