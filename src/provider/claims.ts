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
export function claimFailures(
  implementation: ResourceImplementation,
  inputs: Record<string, unknown>,
  resourceName: unknown,
  deployment: TenantDeployment,
  olds: Record<string, unknown> = {},
): CheckFailure[] {
  if (typeof resourceName !== "string" || !implementation.identity || implementation.kind === undefined) return [];
  const identity = implementation.identity(inputs, deployment.knownUsers);
  // A key built from a value not known yet (a team made by this up) names no object yet.
  if (identity === undefined || identity.key.includes(unknownValue)) return [];
  const keys = [identity.key, ...(identity.aliases ?? [])];
  const claimed = deployment.claims.claimWith(implementation.kind, keys, resourceName, {
    held: heldKeys(implementation, olds, deployment).filter((key) => !keys.includes(key)),
    adopting: inputs.adoptExisting === true,
  });
  if (claimed === undefined) return [];
  const className = implementation.className ?? implementation.kind;
  return [{ property: identity.property, reason: claimed.adoption ? adoptionConflictReason(className, resourceName, claimed.holder) : claimConflictReason(className, resourceName, claimed.holder, identity) }];
}

/**
 * The keys an existing resource's object holds in Tines until this `up` updates it: those of its
 * previous inputs (`olds` in `check` are the inputs the stack recorded; pulumi-dynamic-providers.md).
 * None for a new resource, or previous inputs of another shape (an older release's).
 */
function heldKeys(implementation: ResourceImplementation, olds: Record<string, unknown>, deployment: TenantDeployment): string[] {
  if (Object.keys(olds).filter((key) => key !== "__provider").length === 0) return [];
  let held;
  try {
    held = implementation.identity!(olds, deployment.knownUsers);
  } catch {
    return [];
  }
  return held === undefined ? [] : [held.key, ...(held.aliases ?? [])].filter((key) => !key.includes(unknownValue));
}

/**
 * Why resource `name` may not be checked beside `other`: one of them adopts (adoptExisting) the
 * object the other manages under the name this `up` changes, and would take it over if its create
 * ran before the other's update (the engine runs them in parallel).
 */
export function adoptionConflictReason(className: string, name: string, other: string): string {
  return (
    `${className} "${name}" and ${className} "${other}" name one Tines object in this \`pulumi up\`: one adopts (adoptExisting) what the other ` +
    "manages now under the name the other changes, and would take it over if its create ran first, leaving two resources managing one object. " +
    "Apply the change in a `pulumi up` of its own first, or declare the adopting resource without adoptExisting"
  );
}

/** Why resource `name` may not name the object `identity` that resource `holder` of the same class names. */
export function claimConflictReason(className: string, name: string, holder: string, identity: ObjectIdentity): string {
  return (
    `${className} "${name}" and ${className} "${holder}" both name ${identity.label}; ` +
    "two resources managing one Tines object overwrite each other at every `pulumi up` (adoptExisting never lets a second resource take over what another of this stack manages). " +
    `Keep one of them, or give "${name}" another ${identity.property}`
  );
}
