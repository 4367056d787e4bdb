import * as pulumi from "pulumi-tines";

// A team the stack does not make, by its exact name (or by id: getTeam({ id: 12 })).
const secops = pulumi.getTeam({ name: "Security Operations" });

export const secopsTeamId = secops.then((team) => team.id);
