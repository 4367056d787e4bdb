/**
 * The registry of resource kinds: one entry per resource, and the only list of them. The provider
 * entry point (`pulumi-tines/provider`, which every stored `__provider` stub loads), the CLI-free
 * runner's delete order, the benchmark and the docs generator all read it, so adding a resource is
 * its folder (definition, Tines calls, class, docs source) plus one line here.
 *
 * Each entry loads its resource on demand, so the entry point stays cheap and free of import
 * cycles: a refresh of users never loads the template code.
 */
import type { ImplementedResource } from "../provider/lifecycle";

/** Every resource kind, by the last part of its type token (`pulumi-nodejs:dynamic/tines:<kind>`). */
export const tinesResourceRegistry = {
  User: (): ImplementedResource => (require("./user/lifecycle") as typeof import("./user/lifecycle")).tinesUserResource,
  CustomRole: (): ImplementedResource => (require("./customRole/lifecycle") as typeof import("./customRole/lifecycle")).tinesCustomRoleResource,
  TeamMembership: (): ImplementedResource =>
    (require("./teamMembership/lifecycle") as typeof import("./teamMembership/lifecycle")).tinesTeamMembershipResource,
  PrivateTemplate: (): ImplementedResource =>
    (require("./privateTemplate/lifecycle") as typeof import("./privateTemplate/lifecycle")).tinesPrivateTemplateResource,
  Team: (): ImplementedResource => (require("./team/lifecycle") as typeof import("./team/lifecycle")).tinesTeamResource,
  TeamMembers: (): ImplementedResource => (require("./teamMembers/lifecycle") as typeof import("./teamMembers/lifecycle")).tinesTeamMembersResource,
  ScimGroupMapping: (): ImplementedResource =>
    (require("./scimGroupMapping/lifecycle") as typeof import("./scimGroupMapping/lifecycle")).tinesScimGroupMappingResource,
} as const;

/** A resource kind this package registers. */
export type RegisteredKind = keyof typeof tinesResourceRegistry;
