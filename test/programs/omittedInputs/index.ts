/**
 * Each resource with only its required inputs, exporting every declared output: each must exist
 * (no `Cannot read properties of undefined`) and resolve to the value Tines holds, its default when
 * omitted. Run by test/outputsFromProgram.test.ts through the CLI-free program runner.
 */
import * as pulumi from "@pulumi/pulumi";
import { TinesPrivateTemplate, TinesTeamMembership, TinesUser } from "pulumi-tines";

const config = new pulumi.Config();
const user = new TinesUser("ada", { email: config.require("email") });
const membership = new TinesTeamMembership("ada-team", { teamId: config.requireNumber("teamId"), userId: user.userId });
const template = new TinesPrivateTemplate("lookup", {
  name: "Look up",
  vendor: "Acme",
  product: "Intel",
  agentType: "Agents::HTTPRequestAgent",
  agentOptions: { url: "https://intel.example.com" },
});

// `.apply` on each output: it throws if the property was never registered.
export const userOutputs = pulumi.all({
  email: user.email.apply((value) => value),
  firstName: user.firstName.apply((value) => value),
  lastName: user.lastName.apply((value) => value),
  admin: user.admin.apply((value) => value),
  tenantPermissions: user.tenantPermissions.apply((value) => value),
  isActive: user.isActive.apply((value) => value),
  deletionMode: user.deletionMode.apply((value) => value),
  adoptExisting: user.adoptExisting.apply((value) => value),
  userId: user.userId.apply((value) => value),
  scimUid: user.scimUid.apply((value) => value),
  tenant: user.tenant.apply((value) => value),
});
export const isActive = user.isActive;
export const tenantPermissions = user.tenantPermissions;
export const membershipOutputs = pulumi.all({
  teamId: membership.teamId.apply((value) => value),
  userId: membership.userId.apply((value) => value),
  email: membership.email.apply((value) => value),
  role: membership.role.apply((value) => value),
  adoptExisting: membership.adoptExisting.apply((value) => value),
  invitationAccepted: membership.invitationAccepted.apply((value) => value),
});
export const templateOutputs = pulumi.all({
  description: template.description.apply((value) => value),
  teamId: template.teamId.apply((value) => value),
  folderId: template.folderId.apply((value) => value),
  readAccess: template.readAccess.apply((value) => value),
  sharedTeamSlugs: template.sharedTeamSlugs.apply((value) => value),
  actionInputs: template.actionInputs.apply((value) => value),
  templateId: template.templateId.apply((value) => value),
});
