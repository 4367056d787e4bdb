/**
 * Tines users: one created fresh, one already in the tenant taken over with adoptExisting (the
 * way to adopt existing users, since `pulumi import` does not work with dynamic resources), and a
 * contractor who is deactivated rather than deleted when removed from the stack.
 */
import { TinesUser } from "pulumi-tines";

const ada = new TinesUser("ada", {
  email: "ada.lovelace@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  tenantPermissions: ["AUDIT_LOG_READ"],
});

// Already in the tenant (invited by hand, or by SCIM): manage it from now on.
const owner = new TinesUser("owner", {
  email: "it-owner@example.com",
  admin: true,
  adoptExisting: true,
});

// `pulumi destroy` (or deleting this block) sets is_active to false instead of deleting the user.
const contractor = new TinesUser("contractor", {
  email: "contractor@example.net",
  deletionMode: "deactivate",
});

export const userIds = { ada: ada.userId, owner: owner.userId, contractor: contractor.userId };
