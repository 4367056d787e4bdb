import { getTeam, TinesTeamMembers, TinesUser } from "pulumi-tines";

const ada = new TinesUser("ada", { email: "ada@example.com" });
const secops = getTeam({ name: "Security Operations" });

// The whole member list of a team the stack does not make: anyone not declared (or ignored) is removed.
new TinesTeamMembers("secops", {
  teamId: secops.then((team) => team.id),
  members: [{ userId: ada.userId, role: "TEAM_ADMIN" }, { email: "oncall@example.com" }],
  ignoredMembers: ["break-glass@example.com"],
});
