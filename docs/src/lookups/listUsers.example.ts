import { listUsers } from "pulumi-tines";

// Every user, with the teams each is on.
const users = listUsers({ includeTeamMemberships: true });

export const owners = users.then((all) => all.filter((user) => user.admin).map((user) => user.email));
