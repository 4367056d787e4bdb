/**
 * A custom role that a membership and a team roster use by name (test program for the CLI-free
 * runner). Renaming the role (config `roleName`) replaces it: the new role is made, the membership
 * and the roster move to it, and only then is the old role deleted, as the engine orders it.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesCustomRole, TinesTeamMembers, TinesTeamMembership, TinesUser } from "pulumi-tines";

const config = new pulumi.Config();
const role = new TinesCustomRole("reviewer", { name: config.require("roleName"), permissions: ["STORY_READ"] });
const ada = new TinesUser("ada", { email: "ada@example.com" });
const membership = new TinesTeamMembership("ada-secops", { teamId: config.requireNumber("membershipTeam"), userId: ada.userId, role: role.name });
const roster = new TinesTeamMembers("it-operations", {
  teamId: config.requireNumber("rosterTeam"),
  members: [
    { email: "owner@example.com", role: "TEAM_ADMIN" },
    { email: "grace@example.com", role: role.name },
  ],
  adoptExisting: true,
});

export const roleId = role.roleId;
export const membershipRole = membership.role;
export const rosterRoles = roster.resolvedMembers.apply((members) => members.map((member) => `${member.email} ${member.role}`));
