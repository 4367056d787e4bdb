import { listTeams } from "pulumi-tines";

export const teamNames = listTeams().then((teams) => teams.map((team) => team.name));
