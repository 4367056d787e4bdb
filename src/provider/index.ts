/**
 * The entry point the stored `__provider` stub loads: `require("pulumi-tines/provider")
 * .resourceProvider(kind)`. Kept stable across releases, because state written by one release is
 * refreshed and deleted by later ones.
 */
// First: on a Node.js too old, fail with one clear sentence before any dependency loads.
import "../nodeVersion";
// The host that loads this runs the program's @pulumi/pulumi: one older than 3.139 never calls
// `configure`, so say so here too, before a resource fails for want of its settings.
import "../pulumiVersion";
import type * as pulumi from "@pulumi/pulumi";
import type { TinesResourceKind } from "./registration";
import { tinesResourceRegistry } from "../resources/registry";
import { createResourceProvider, type ResourceImplementation } from "./runtime";

/**
 * A new provider instance for a resource kind. The host calls this once per distinct `__provider`
 * text and caches the result; instances share the connection pool and rate limiter per tenant.
 */
export function resourceProvider(kind: TinesResourceKind): pulumi.dynamic.ResourceProvider {
  return createResourceProvider(implementationOf(kind));
}

function implementationOf(kind: TinesResourceKind): ResourceImplementation {
  // Loaded on demand so this module stays cheap and free of import cycles with the resources.
  switch (kind) {
    case "User":
      return tinesResourceRegistry.User().implementation;
    case "TeamMembership":
      return tinesResourceRegistry.TeamMembership().implementation;
    case "PrivateTemplate":
      return tinesResourceRegistry.PrivateTemplate().implementation;
    case "Team":
      return tinesResourceRegistry.Team().implementation;
    case "CustomRole":
      return tinesResourceRegistry.CustomRole().implementation;
    case "TeamMembers":
      return tinesResourceRegistry.TeamMembers().implementation;
    default:
      throw new Error(`pulumi-tines has no resource kind "${String(kind)}": upgrade the pulumi-tines package`);
  }
}

export { providerStubText, type TinesResourceKind } from "./registration";
