import { getTeam, TinesCustomRole, TinesTeamMembership, TinesUser } from "pulumi-tines";

// A role that may read stories and nothing else (custom roles are an Enterprise feature).
const reviewer = new TinesCustomRole("reviewer", {
  name: "DETECTION_REVIEWER",
  description: "Reviews detection stories",
  permissions: ["STORY_READ"],
});

const ada = new TinesUser("ada", { email: "ada@example.com" });
const detection = getTeam({ name: "Detection Engineering" });

// A membership names the role by its name, which also makes it wait for the role.
new TinesTeamMembership("ada-detection", {
  teamId: detection.then((team) => team.id),
  userId: ada.userId,
  role: reviewer.name,
});
