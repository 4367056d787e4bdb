/**
 * A stack that makes a team and every one of its members (test program for the CLI-free runner):
 * with `deletedWith: team` (config `deletedWith`, default true), one `pulumi destroy` removes it all.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesTeam, TinesTeamMembership, TinesUser } from "pulumi-tines";

const config = new pulumi.Config();
const deletedWith = config.getBoolean("deletedWith") ?? true;
const team = new TinesTeam("detection", { name: "Detection Engineering", forceDestroy: config.getBoolean("forceDestroy") ?? false });
const people = ["ada@example.com", "grace@example.com"].map((email) => new TinesUser(`user-${email}`, { email }));
const memberships = people.map(
  (user, index) =>
    new TinesTeamMembership(
      `membership-${index}`,
      { teamId: team.teamId, userId: user.userId, role: index === 0 ? "TEAM_ADMIN" : "EDITOR" },
      deletedWith ? { deletedWith: team } : {},
    ),
);

export const teamId = team.teamId;
export const membershipIds = pulumi.all(memberships.map((membership) => membership.id));
