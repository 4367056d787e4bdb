/**
 * The whole member list of a sensitive team, authoritative: the team holds exactly these members,
 * and anyone added by hand in the UI is removed by the next `pulumi up` (a refresh shows them in
 * `unmanagedMembers` first). A break-glass account managed elsewhere is ignored: never added,
 * removed or re-roled. With preview checks on (the default with an API key), `pulumi preview`
 * lists who the `up` adds, re-roles and removes before anything changes.
 *
 * Do not also declare a TinesTeamMembership on this team: the two would undo each other.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesTeamMembers, TinesUser, getTeam } from "pulumi-tines";

const config = new pulumi.Config();
const team = pulumi.output(getTeam({ name: config.get("team") ?? "Security Operations" }));

const grace = new TinesUser("grace", { email: "grace.hopper@example.com", firstName: "Grace" });

const members = new TinesTeamMembers("secops-members", {
  teamId: team.id,
  members: [
    // A user of this stack, by id; known only once created, so the preview lists it as such.
    { userId: grace.userId, role: "TEAM_ADMIN" },
    // By email: if no such user exists, Tines creates one and emails an invitation.
    { email: "oncall@example.com", role: "EDITOR" },
    { email: "auditor@example.com" },
  ],
  // Managed elsewhere (an IdP sync, a break-glass account): left as they are.
  ignoredMembers: config.getObject<string[]>("ignoredMembers") ?? ["break-glass@example.com"],
  // The team already has members that are not declared: remove them on the first `up` (the preview
  // lists them). Without this, the first `up` fails naming them instead.
  adoptExisting: config.getBoolean("adoptExisting") ?? false,
});

export const teamMembers = members.resolvedMembers.apply((resolved) => resolved.map((member) => `${member.email} ${member.role}`));
export const unmanagedMembers = members.unmanagedMembers.apply((unmanaged) => unmanaged.map((member) => member.email));
