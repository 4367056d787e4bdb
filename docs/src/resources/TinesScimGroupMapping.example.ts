import { TinesCustomRole, TinesScimGroupMapping, TinesTeam } from "pulumi-tines";

const detection = new TinesTeam("detection", { name: "Detection Engineering" });
const reviewer = new TinesCustomRole("reviewer", { name: "DETECTION_REVIEWER", permissions: ["STORY_READ"] });

// The whole mapping of the tenant: identity-provider group → Tines team (by name) and role.
// Teams and roles this stack manages are named by their outputs: a rename of the team carries its
// lines along, and the mapping is written after the team and the role exist.
new TinesScimGroupMapping("scim", {
  mappings: [
    { group: "okta-detection-engineers", team: detection.name, role: "EDITOR" },
    { group: "okta-detection-leads", team: detection.name, role: "TEAM_ADMIN" },
    { group: "okta-soc-reviewers", team: detection.name, role: reviewer.name },
    { group: "okta-soc", team: "Security Operations", role: "VIEWER" },
  ],
  tenantOwnersGroup: "okta-tines-admins",
});
