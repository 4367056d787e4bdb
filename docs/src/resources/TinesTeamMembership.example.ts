import { getTeam, TinesTeamMembership, TinesUser } from "pulumi-tines";

const ada = new TinesUser("ada", { email: "ada@example.com" });
// A team the stack does not make: memberships suit teams it only looks up.
const secops = getTeam({ name: "Security Operations" });

new TinesTeamMembership("ada-secops", {
  teamId: secops.then((team) => team.id),
  userId: ada.userId,
  role: "EDITOR",
});

// Someone who is not a user yet: Tines invites them by email.
new TinesTeamMembership("oncall-secops", {
  teamId: secops.then((team) => team.id),
  email: "oncall@example.com",
  role: "VIEWER",
});
