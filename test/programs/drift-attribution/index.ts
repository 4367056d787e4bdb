/**
 * One resource of each kind on one team, changed outside Pulumi by the test and then refreshed:
 * test/audit/driftAttribution.test.ts, through the CLI-free program runner.
 */
import { TinesCustomRole, TinesPrivateTemplate, TinesTeam, TinesTeamMembership, TinesUser } from "pulumi-tines";

const team = new TinesTeam("detection", { name: "Detection" });
const bob = new TinesUser("bob", { email: "bob@acme.com", firstName: "Bob", lastName: "Builder" });
new TinesTeamMembership("bob-detection", { teamId: team.teamId, userId: bob.userId, role: "EDITOR" });
new TinesCustomRole("reviewer", { name: "REVIEWER", description: "Reviews stories", permissions: ["STORY_READ"] });
new TinesPrivateTemplate("lookup", {
  name: "Look up",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com" },
  teamId: team.teamId,
});
