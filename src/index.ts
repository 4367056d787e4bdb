/**
 * pulumi-tines: Pulumi dynamic resources that manage a Tines tenant as code.
 *
 * Resources: {@link TinesUser}, {@link TinesTeamMembership}, {@link TinesTeamMembers}, {@link TinesPrivateTemplate}.
 * The REST client and the local simulator are exported for programs and tests that need them.
 */
export * from "./resources/user";
export * from "./resources/teamMembership";
export * from "./resources/teamMembers";
export * from "./resources/privateTemplate";
export * from "./lookups";
export { TinesClient } from "./client";
export * from "./client/errors";
export { tinesActionInputTypes, tinesAgentTypes, tinesDefaultRoles, tinesReadAccessValues } from "./client/schemas";
export type { TinesConnectionSettings } from "./client/settings";
export type { TransportOptions } from "./client/transport";
