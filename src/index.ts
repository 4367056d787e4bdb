/**
 * pulumi-tines: Pulumi dynamic resources that manage a Tines tenant as code.
 *
 * Resources: {@link TinesUser}, {@link TinesTeamMembership}, {@link TinesTeamMembers}, {@link TinesPrivateTemplate},
 * {@link TinesTeam}, {@link TinesCustomRole}, {@link TinesScimGroupMapping}; {@link TinesProvider} points any of them at a tenant of its own.
 * The REST client and the local simulator are exported for programs and tests that need them.
 */
// First: on a Node.js too old, fail with one clear sentence before any dependency loads.
import "./nodeVersion";
// Then, on an @pulumi/pulumi too old to configure a dynamic provider, fail as clearly.
import "./pulumiVersion";
export { TinesProvider, type TinesProviderArgs } from "./provider/tinesProvider";
export * from "./resources/user";
export * from "./resources/teamMembership";
export * from "./resources/teamMembers";
export * from "./resources/privateTemplate";
export * from "./resources/team";
export * from "./resources/customRole";
export * from "./resources/scimGroupMapping";
export { TinesScimManagedError } from "./scim";
export * from "./lookups";
export { TinesClient } from "./client";
export * from "./client/errors";
export { tinesActionInputTypes, tinesAgentTypes, tinesDefaultRoles, tinesReadAccessValues } from "./client/schemas";
export type { TinesDefaultRole, TinesRoleName } from "./client/schemas";
export type { TinesConnectionSettings } from "./client/settings";
export type { TransportOptions } from "./client/transport";
