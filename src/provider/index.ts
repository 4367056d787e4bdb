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
import type { ImplementedResource } from "./lifecycle";
import { createResourceProvider } from "./runtime";

/**
 * A new provider instance for a resource kind, from the registry of kinds. The host calls this once
 * per distinct `__provider` text and caches the result; instances share one `TenantDeployment`
 * (client, rate limiter, preview-check facts) per tenant and key.
 *
 * @throws Error naming the kind, for a kind this release does not know (a state written by a later release).
 */
export function resourceProvider(kind: TinesResourceKind): pulumi.dynamic.ResourceProvider {
  // Loaded on demand (the registry's entries require their resource), so this module stays cheap.
  const load = (tinesResourceRegistry as Record<string, (() => ImplementedResource) | undefined>)[kind];
  if (!load) throw new Error(`pulumi-tines has no resource kind "${String(kind)}": upgrade the pulumi-tines package`);
  return createResourceProvider(load().implementation, kind);
}

export { providerStubText, type TinesResourceKind } from "./registration";
