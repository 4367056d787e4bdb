import { getRole } from "pulumi-tines";

// One of Tines' own roles or a custom role, by name.
const reviewer = getRole({ name: "DETECTION_REVIEWER" });

export const reviewerPermissions = reviewer.then((role) => role.permissions);
