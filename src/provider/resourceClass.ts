/**
 * The class a program instantiates, made from a resource's definition: its constructor takes the
 * definition's `Args`, registers every output (so `user.admin` exists on every user and resolves
 * to what Tines holds, its default when the input was omitted), and stores the one-line
 * `__provider` stub (see registration.ts) under the definition's type token.
 */
import * as pulumi from "@pulumi/pulumi";
import { outputNames, type AnyResourceDefinition, type OutputProperties } from "./definition";
import { registrationPlaceholder, resourceNameInput, tinesTypeModule, withProviderStub } from "./registration";

/** The constructor of a resource class made by {@link resourceClass}. */
export type ResourceClass<Args, Outputs> = new (name: string, args: Args, opts?: pulumi.CustomResourceOptions) => pulumi.dynamic.Resource &
  OutputProperties<Outputs>;

/**
 * The base class of a resource:
 * `export class TinesUser extends resourceClass<TinesUserArgs, TinesUserOutputs>(tinesUserDefinition) {}`.
 * The subclass carries the TSDoc users read; this carries the behaviour. The types are named (not
 * inferred from the definition) so the published declarations refer to them, TSDoc included.
 */
export function resourceClass<Args, Outputs>(definition: AnyResourceDefinition): ResourceClass<Args, Outputs> {
  const outputs = outputNames(definition);
  class DefinedResource extends pulumi.dynamic.Resource {
    /**
     * @param name The Pulumi resource name.
     * @param args The resource's inputs.
     * @param opts Resource options (`provider`, `dependsOn`, `protect`, ...).
     */
    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
      // A fresh object per resource: the constructor writes `__provider` into it. The resource's own
      // name rides along, so check can tell two resources naming one Tines object apart (registration.ts).
      const props = { ...Object.fromEntries(outputs.map((key) => [key, undefined])), ...(args as object), [resourceNameInput]: name };
      super(registrationPlaceholder, name, withProviderStub(definition.kind as never, props), opts, tinesTypeModule, definition.kind);
    }
  }
  return DefinedResource as unknown as ResourceClass<Args, Outputs>;
}
