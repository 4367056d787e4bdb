import * as pulumi from "@pulumi/pulumi";
import { TinesUser } from "pulumi-tines";

// A person of the tenant. Creating them makes Tines email an invitation.
const ada = new TinesUser("ada", {
  email: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  tenantPermissions: ["AUDIT_LOG_READ"],
});

// Someone who already has a user: taken over, and kept (deactivated, not deleted) on destroy.
const owner = new TinesUser("owner", {
  email: "owner@example.com",
  admin: true,
  adoptExisting: true,
  deletionMode: "deactivate",
});

export const adaUserId: pulumi.Output<number> = ada.userId;
export const ownerIsActive = owner.isActive;
