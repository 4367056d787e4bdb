/**
 * Team memberships: by user id (from a TinesUser), by email (which invites, creating the user if
 * needed), and a custom role. Changing a role replaces the membership: Tines has no role update.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesTeamMembership, TinesUser, getTeam } from "pulumi-tines";

const secops = pulumi.output(getTeam({ name: "Security Operations" }));

const grace = new TinesUser("grace", { email: "grace.hopper@example.com", firstName: "Grace" });

new TinesTeamMembership("grace-secops", { teamId: secops.id, userId: grace.userId, role: "EDITOR" });

// Invites by email: if no such user exists, Tines creates one and emails an invitation.
new TinesTeamMembership("oncall-secops", { teamId: secops.id, email: "oncall@example.com" });

// Any role name works, custom roles included (`listRoles()` shows the tenant's).
const config = new pulumi.Config();
new TinesTeamMembership("responder-secops", {
  teamId: secops.id,
  email: "responder@example.com",
  role: config.get("responderRole") ?? "CASE_MANAGER",
});
