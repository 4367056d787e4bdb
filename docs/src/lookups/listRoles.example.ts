import { listRoles } from "pulumi-tines";

// Tines' own roles and the tenant's custom roles.
export const customRoles = listRoles().then((roles) => roles.filter((role) => role.type === "custom").map((role) => role.name));
