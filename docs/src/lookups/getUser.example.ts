import { getUser } from "pulumi-tines";

// A user the stack does not manage, by email (or by id: getUser({ id: 42 })).
const owner = getUser({ email: "owner@example.com" });

export const ownerUserId = owner.then((user) => user.id);
