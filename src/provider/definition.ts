/**
 * One declaration per resource. A {@link ResourceDefinition} holds the resource's inputs as a zod
 * schema (each property with its TSDoc, which TypeScript carries into the types below), what each
 * property does when it changes, and the outputs Tines computes. Everything else follows from it:
 * the `Args` and outputs types users see in their editor ({@link ArgsOf}, {@link OutputsOf}),
 * `check`'s validation with property-named errors, `diff`'s replace rules, the outputs registered
 * on every new resource, and the reference docs (`npm run docs` reads the same declaration).
 * The pattern is pulumi-go-provider's `infer` (a resource's inputs are declared once, with their
 * descriptions and `replaceOnChanges` tags), in zod.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { AuditedObject } from "../audit/entries";
import type { KnownUsers } from "../deployment/claims";
import type { CheckFailure, CrossFieldFailure } from "./inputs";

/**
 * What changing a property does:
 * - `"replace"`: Tines cannot change it in place; a new value replaces the resource.
 * - `"update"`: sent to Tines by an in-place update.
 * - `"provider"`: changes only what the provider does (e.g. `adoptExisting`, `deletionMode`); an
 *   update that changes nothing else makes no request.
 */
export type OnChange = "replace" | "update" | "provider";

/** How one input property is compared with what the stack recorded. */
export interface PropertyComparison {
  /**
   * Text Tines may store in another letter case (emails: tines-api.md does not say whether Tines
   * lower-cases them), so a case-only difference is no change.
   */
  caseInsensitive?: boolean;
  /**
   * Text compared exactly, surrounding whitespace included. By default text is compared without
   * it, since Tines may trim what it stores (provider/names.ts); set for JSON Tines stores as
   * given (a template's `agent_options`), where a trailing newline can be part of a payload.
   */
  exactText?: boolean;
  /**
   * `"keep"`: an omitted value means "leave what Tines has", so only a declared value is compared
   * (and verified after a write). Default: an omitted value is compared as unset.
   */
  whenOmitted?: "keep";
  /**
   * Whether a write's result is checked for this property (by meaning, as `caseInsensitive` says).
   * Default: true for properties sent to Tines without an `unchanged` of their own. Off for
   * properties whose recorded value is not what was sent; on for one whose `unchanged` only
   * decides when it is compared (a membership's email, compared only when no user id is declared).
   */
  verify?: boolean;
  /**
   * A comparison of its own, for a property whose meaning spans several recorded values (a roster:
   * declared members against those recorded). Returns true when nothing changed.
   */
  unchanged?: (recorded: Record<string, unknown>, declared: Record<string, unknown>) => boolean;
}

/**
 * The Tines object a resource's inputs name, by its natural key: two resources of one deployment
 * that name the same object would overwrite each other (and, with `adoptExisting`, both take it
 * over), so `check` refuses the second one (see `ObjectClaims`, deployment/claims.ts).
 */
export interface ObjectIdentity {
  /** The natural key, compared as Tines matches it (an email without regard to letter case). */
  key: string;
  /** The input that names the object, which a failure names. */
  property: string;
  /**
   * The object's other natural keys, as far as the deployment knows them: a membership named by
   * email is also the membership of that user's id, once the deployment knows the user.
   */
  aliases?: string[];
  /** How messages name the object: `the user ada@example.com`. */
  label: string;
}

/** The declaration of one resource kind. */
export interface ResourceDefinition<
  Kind extends string = string,
  InputShape extends z.ZodRawShape = z.ZodRawShape,
  OutputShape extends z.ZodRawShape = z.ZodRawShape,
  ProviderInput extends string = string,
> {
  /** The last part of the type token, `pulumi-nodejs:dynamic/tines:<kind>`. Never changes: state records it. */
  kind: Kind;
  /** The exported class's name, e.g. `TinesUser`. */
  className: string;
  /** How messages name one object of this kind, before its id: `User`, `Custom role`. */
  subject: string;
  /**
   * The inputs, each a zod schema that `check` applies (no other input is accepted). Each
   * property's TSDoc is what users read in their editor and in the docs. An exported object of
   * its own, so the TSDoc survives into the published declaration files.
   */
  inputs: InputShape;
  /**
   * What the resource records besides its inputs (and `tenant`): values Tines computes, and inputs
   * recorded as Tines holds them (a property here overrides the input's output type).
   */
  outputs: OutputShape;
  /** Inputs whose change replaces the resource (Tines cannot change them in place). */
  replaceOnChanges: readonly (keyof InputShape & string)[];
  /** Inputs that only change what the provider does: nothing is sent to Tines when they change. */
  providerInputs: readonly ProviderInput[];
  /** Inputs compared in a way of their own (see {@link PropertyComparison}); the others by meaning (`sameMeaning`). */
  comparisons?: { [K in keyof InputShape]?: PropertyComparison };
  /**
   * Inputs `check` validates with a function of the resource's own instead of their schemas (which
   * still give their types, TSDoc and defaults): a list whose entries are checked one by one, so
   * that one entry unknown in preview leaves the others checked and normalised (a team's roster).
   * `check` gets the raw inputs and returns the checked values of `keys` (a key it leaves out is
   * not recorded) and their failures, listed after the schemas' own.
   */
  checkedApart?: {
    keys: readonly (keyof InputShape & string)[];
    check(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] };
  };
  /** Rules across properties, run by `check` on the values that passed alone (see `checkInputs`). */
  crossField?: (values: Partial<InputsOf<InputShape>>, unknownKeys: ReadonlySet<string>) => CrossFieldFailure[];
  /**
   * Defaults that depend on other inputs (Tines' own, e.g. a template's access follows its team),
   * applied by `check` to the properties left undefined once every input is valid, so the stack
   * records (and diffs) the value Tines will hold.
   */
  derivedDefaults?(inputs: InputsOf<InputShape>): Partial<InputsOf<InputShape>>;
  /**
   * The Tines object the (valid) inputs name, by its natural key, or undefined when they name none
   * that another resource could also name. A key holding the preview's unknown placeholder is skipped.
   * `users` are the users the deployment knows, for an object named through a user (a membership's
   * person by id or by email: see `ObjectIdentity.aliases`).
   */
  identity?(inputs: InputsOf<InputShape>, users?: KnownUsers): ObjectIdentity | undefined;
  /**
   * Whether a replacement deletes the old object first (Pulumi's `deleteBeforeReplace`), given the
   * properties that force it. Default: the new object is made first.
   */
  deleteBeforeReplace?: (replaces: readonly string[]) => boolean;
  /**
   * Between resources that do not depend on each other, lower tiers are deleted first in a
   * destroy (the CLI-free runner's tie order): memberships before the users and teams they name,
   * teams before roles.
   */
  deletionTier: number;
  /**
   * The Tines objects one resource is, from its id and recorded outputs, as the audit logs name
   * them (ids and emails): a refresh that finds the resource changed or gone attributes it to the
   * latest audit-log entry that touched all of them (deployment/driftAttribution.ts).
   */
  audited(id: string, recorded: Record<string, unknown>): AuditedObject[];
  /**
   * Inputs of one object and a change of them, for the benchmark's requests-per-operation table.
   * Must be valid in a new simulated tenant (where team 1 exists).
   */
  sample: { create: Record<string, unknown>; update: Record<string, unknown> };
}

/** A declared resource: its definition and the strict schema `check` applies. */
export type DefinedResource<
  Kind extends string = string,
  InputShape extends z.ZodRawShape = z.ZodRawShape,
  OutputShape extends z.ZodRawShape = z.ZodRawShape,
  ProviderInput extends string = string,
> = ResourceDefinition<Kind, InputShape, OutputShape, ProviderInput> & {
  /** The inputs as one strict object: a property not declared fails `check`, named. */
  readonly inputSchema: z.ZodObject<InputShape, z.core.$strict>;
};

/** Any declared resource. */
export type AnyResourceDefinition = DefinedResource<string, z.ZodRawShape, z.ZodRawShape, string>;

/** Declares a resource: returns the definition with its input schema, after checking that it is consistent. */
export function defineResource<
  Kind extends string,
  InputShape extends z.ZodRawShape,
  OutputShape extends z.ZodRawShape,
  const ProviderInput extends keyof InputShape & string,
>(definition: ResourceDefinition<Kind, InputShape, OutputShape, ProviderInput>): DefinedResource<Kind, InputShape, OutputShape, ProviderInput> {
  const inputKeys = Object.keys(definition.inputs);
  const named = [
    ...definition.replaceOnChanges,
    ...definition.providerInputs,
    ...Object.keys(definition.comparisons ?? {}),
    ...(definition.checkedApart?.keys ?? []),
  ];
  const unknown = named.filter((key) => !inputKeys.includes(key));
  if (unknown.length > 0) throw new Error(`${definition.className}: ${unknown.join(", ")} ${unknown.length === 1 ? "is not an input" : "are not inputs"}`);
  return { ...definition, inputSchema: z.strictObject(definition.inputs) };
}

/** What changing input `key` of a resource does. */
export function onChangeOf(definition: AnyResourceDefinition, key: string): OnChange {
  if (definition.replaceOnChanges.includes(key)) return "replace";
  return definition.providerInputs.includes(key) ? "provider" : "update";
}

/** How input `key` is compared (see {@link PropertyComparison}). */
export function comparisonOf(definition: AnyResourceDefinition, key: string): PropertyComparison {
  return (definition.comparisons as Record<string, PropertyComparison> | undefined)?.[key] ?? {};
}

/** A value a program may pass for a property of type `T`: the value, a promise or an output, at every level. */
export type InputValue<T> = pulumi.Input<
  [T] extends [readonly (infer Item)[]] ? InputValue<Item>[] : [T] extends [Record<string, unknown>] ? { [K in keyof T]: InputValue<T[K]> } : T
>;

/** The validated inputs of a resource, as `check` returns them (defaults applied), from its input shape. */
export type InputsOf<InputShape extends z.ZodRawShape> = z.output<z.ZodObject<InputShape, z.core.$strict>>;

/** What a program passes to a resource's constructor, from its input shape: each property's TSDoc is the shape's. */
export type ArgsOf<InputShape extends z.ZodRawShape> = {
  [K in keyof z.input<z.ZodObject<InputShape, z.core.$strict>>]: InputValue<Exclude<z.input<z.ZodObject<InputShape, z.core.$strict>>[K], undefined>>;
};

/** What a resource records: every input (as Tines holds it), what Tines computes, and the tenant. */
export type OutputsOf<InputShape extends z.ZodRawShape, OutputShape extends z.ZodRawShape> = Omit<InputsOf<InputShape>, keyof OutputShape> &
  z.output<z.ZodObject<OutputShape>> & {
    /** The origin of the tenant the object lives in, e.g. `https://example.tines.com`. */
    tenant: string;
  };

/** What a declared resource records. */
export type RecordedOf<D extends AnyResourceDefinition> = OutputsOf<D["inputs"], D["outputs"]>;

/** The validated inputs of a declared resource. */
export type DeclaredOf<D extends AnyResourceDefinition> = InputsOf<D["inputs"]>;

/** What a resource's own code returns as its outputs: the engine adds the provider inputs and `tenant`. */
export type TinesOutputsOf<D extends AnyResourceDefinition> = Omit<RecordedOf<D>, "tenant" | D["providerInputs"][number]>;

/** The output properties of a resource object, as a program reads them. */
export type OutputProperties<Outputs> = { readonly [K in keyof Outputs]-?: pulumi.Output<Outputs[K]> };

/** Every output a resource records: its inputs, its computed outputs and `tenant`. */
export function outputNames(definition: AnyResourceDefinition): string[] {
  return [...new Set([...Object.keys(definition.inputs), ...Object.keys(definition.outputs), "tenant"])];
}

/**
 * The provider inputs' values in `values`, their defaults where missing (a state written before
 * an input existed holds none: that is its default, not a change).
 */
export function providerInputValues(definition: AnyResourceDefinition, values: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of definition.providerInputs) {
    const value = values[key] ?? defaultValueOf(definition.inputs[key] as z.ZodType);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/**
 * The default a property's schema applies when the value is omitted, or undefined when it has
 * none (read from zod's definition, so the docs and the runtime use the same value).
 */
export function defaultValueOf(schema: z.ZodType): unknown {
  let current: z.ZodType | undefined = schema;
  // Defaults can sit under pipes and refinements (`.default(x).superRefine(...)` or `.transform`).
  for (let depth = 0; current && depth < 10; depth += 1) {
    const def = (current as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === "default" || def.type === "prefault") {
      const value = def.defaultValue;
      return typeof value === "function" ? (value as () => unknown)() : value;
    }
    current = (def.innerType ?? def.in) as z.ZodType | undefined;
  }
  return undefined;
}
