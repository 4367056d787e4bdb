import { TinesTeam, TinesUser } from "pulumi-tines";

const ada = new TinesUser("ada", { email: "ada@example.com" });

// A team that holds its whole member list: one destroy deletes the team with its members.
export const detection = new TinesTeam("detection", {
  name: "Detection Engineering",
  members: [
    { userId: ada.userId, role: "TEAM_ADMIN" },
    { email: "oncall@example.com", role: "EDITOR" },
  ],
});

export const detectionTeamId = detection.teamId;
