/**
 * One object, one resource, as `check` applies it: the failure when another resource of the
 * deployment names the same Tines object (deployment/claims.ts keeps who claimed what).
 */
import type { TenantDeployment } from "../deployment/tenantDeployment";
import type { ObjectIdentity } from "./definition";
import { unknownValue, type CheckFailure } from "./inputs";
import type { ResourceImplementation } from "./runtime";

/**
 * The failure when another resource of the deployment, checked earlier, names the same Tines object
 * as these inputs, under any name the deployment knows for it (a membership's person by id or by
 * email): the two would overwrite each other at every `up` (and with adoptExisting both take it
 * over), so the second fails the preview, naming both. Nothing when the resource carries no name
 * (registered without the class) or its key is not known yet.
 */
export function claimFailures(implementation: ResourceImplementation, inputs: Record<string, unknown>, resourceName: unknown, deployment: TenantDeployment): CheckFailure[] {
  if (typeof resourceName !== "string" || !implementation.identity || implementation.kind === undefined) return [];
  const identity = implementation.identity(inputs, deployment.knownUsers);
  // A key built from a value not known yet (a team made by this up) names no object yet.
  if (identity === undefined || identity.key.includes(unknownValue)) return [];
  const holder = deployment.claims.claim(implementation.kind, [identity.key, ...(identity.aliases ?? [])], resourceName);
  if (holder === undefined) return [];
  return [{ property: identity.property, reason: claimConflictReason(implementation.className ?? implementation.kind, resourceName, holder, identity) }];
}

/** Why resource `name` may not name the object `identity` that resource `holder` of the same class names. */
export function claimConflictReason(className: string, name: string, holder: string, identity: ObjectIdentity): string {
  return (
    `${className} "${name}" and ${className} "${holder}" both name ${identity.label}; ` +
    "two resources managing one Tines object overwrite each other at every `pulumi up` (adoptExisting never lets a second resource take over what another of this stack manages). " +
    `Keep one of them, or give "${name}" another ${identity.property}`
  );
}
