/**
 * How a resource registers the provider that Pulumi stores in state as `__provider`.
 *
 * Pulumi's `dynamic.Resource` serializes the provider object it is given, by value, into every
 * resource's inputs and outputs. A serialized seven-method provider costs 2 KB or more per copy and
 * freezes the code of the release that created the resource. Instead, each resource stores this
 * one-line stub, which the dynamic-provider host evaluates as `requireFromString(text).handler()`:
 * it loads the provider from the installed package, so refresh and delete always run the installed
 * code. The stub's text is a compatibility contract: later releases must keep
 * `require("pulumi-tines/provider").resourceProvider(<kind>)` working.
 */
import { tinesResourceRegistry, type RegisteredKind } from "../resources/registry";

/** The resource kinds this package registers, as the last part of their type tokens: the registry's. */
export const tinesResourceKinds = Object.keys(tinesResourceRegistry) as readonly TinesResourceKind[];

/** A resource kind this package registers. */
export type TinesResourceKind = RegisteredKind;

/** The module part of this package's type tokens, as handed to `dynamic.Resource`. */
export const tinesTypeModule = "tines";

/** The type token Pulumi gives a kind: `pulumi-nodejs:dynamic/tines:<kind>`. */
export function tinesTypeToken(kind: TinesResourceKind): string {
  return `pulumi-nodejs:dynamic/${tinesTypeModule}:${kind}`;
}

/** The kind of a type token, or undefined for a resource of another package. */
export function kindOfTypeToken(type: string): TinesResourceKind | undefined {
  return tinesResourceKinds.find((kind) => tinesTypeToken(kind) === type);
}

/** The `__provider` text stored for a resource kind. */
export function providerStubText(kind: TinesResourceKind): string {
  return `exports.handler = function () { return require("pulumi-tines/provider").resourceProvider(${JSON.stringify(kind)}); };\n`;
}

/**
 * What `dynamic.Resource` is handed as its provider object. Its serialization is computed by the
 * SDK and then discarded by {@link withProviderStub}; it holds nothing.
 */
export const registrationPlaceholder = {} as never;

/**
 * The hidden input in which a resource carries its own Pulumi name. The dynamic-provider host gives
 * `check` no URN and may check one resource more than once in a process
 * (pulumi-dynamic-providers.md, "Runtime facts"), so only the name tells a second check of one
 * resource from a second resource naming the same Tines object. `check` takes it out of the
 * inputs it returns, so the state records no such input and a state without it (written by an
 * older release, or by a resource registered without the class) makes no diff.
 */
export const resourceNameInput = "__resourceName";

/**
 * The hidden output in which a resource records which create took its object over: a token made
 * by each create, so a delete can tell the resource that holds the object now from an older
 * resource that held it before (a replacement with adoptExisting; see `TenantDeployment.claimTakenOver`).
 * Not read by programs; a state without it is a resource no create of this deployment made.
 */
export const claimTokenOutput = "__claimToken";

/**
 * Returns `props` with a `__provider` property that reads as the stub text once the dynamic
 * resource constructor has assigned its own serialization (which is dropped). Reading it before
 * that assignment gives `undefined`, as the constructor's "must not define __provider" check wants.
 */
export function withProviderStub<Props extends object>(kind: TinesResourceKind, props: Props): Props {
  let assigned = false;
  Object.defineProperty(props, "__provider", {
    enumerable: true,
    configurable: true,
    get: () => (assigned ? providerStubText(kind) : undefined),
    set: () => {
      assigned = true;
    },
  });
  return props;
}
