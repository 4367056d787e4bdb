/**
 * What every resource needs besides its own Tines calls, written once: the tenant guard on every
 * existing object, `diff` from the definition's replace rules, updates that change only provider
 * inputs making no request, writes verified against what Tines holds, the provider inputs and the
 * tenant added to every result, and a refresh's inputs rebuilt from what Tines holds. A resource's
 * own code ({@link ResourceLifecycle}) is then only its create, read, update and delete, and its
 * tenant checks.
 */
import {
  comparisonOf,
  onChangeOf,
  providerInputValues,
  type AnyResourceDefinition,
  type DeclaredOf,
  type RecordedOf,
  type TinesOutputsOf,
} from "./definition";
import { checkInputs, sameMeaning, unappliedWrite, unknownValue } from "./inputs";
import { PartialCreateError, PartialUpdateError, assertSameTenant, tenantChanged, type ProviderContext, type ResourceImplementation } from "./runtime";
import { claimTokenOutput } from "./registration";
import { randomUUID } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { engineLog } from "../engineLog";
import { isDeepStrictEqual } from "node:util";
import type { DriftFinding } from "../audit/attribution";
import { deploymentFor } from "../deployment/registry";
import type { TenantCheckFindings, TenantDeployment } from "../deployment";
import type { KnownUsers } from "../deployment/claims";
import { writtenAtOutput } from "../deployment/sharedReads";

/** A resource's own code: its Tines calls and its tenant checks, in the engine's order. */
export interface ResourceLifecycle<D extends AnyResourceDefinition> {
  /**
   * With preview checks on, after the offline checks passed: what the tenant says about the inputs
   * (values unknown in preview still hold the placeholder). `olds` are the recorded inputs
   * (CheckRequest.olds), empty for a new resource.
   */
  checkAgainstTenant?(inputs: DeclaredOf<D>, isNew: boolean, facts: TenantDeployment, olds: Record<string, unknown>): Promise<TenantCheckFindings>;
  /** Makes (or adopts) the object; a failure after it exists throws a {@link PartialCreateError}. */
  create(inputs: DeclaredOf<D>, context: ProviderContext): Promise<{ id: string; outputs: TinesOutputsOf<D> }>;
  /**
   * What Tines holds now, or undefined when the object is gone (confirmed). `inputs` only when they
   * are not simply the recorded inputs' values as Tines holds them.
   */
  read(
    id: string,
    recorded: Partial<RecordedOf<D>>,
    context: ProviderContext,
  ): Promise<{ id?: string; outputs: TinesOutputsOf<D>; inputs?: Record<string, unknown> } | undefined>;
  /** Sends changed inputs to Tines; called only when an input sent to Tines changed. */
  update?(id: string, recorded: RecordedOf<D>, inputs: DeclaredOf<D>, context: ProviderContext): Promise<TinesOutputsOf<D>>;
  /** Deletes the object; already gone is success. */
  delete(id: string, recorded: RecordedOf<D>, context: ProviderContext): Promise<void>;
}

/** The inputs, among `keys`, whose declared value differs from the recorded one (unknown always differs). */
export function changedInputs(definition: AnyResourceDefinition, recorded: Record<string, unknown>, declared: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((key) => {
    const comparison = comparisonOf(definition, key);
    if (comparison.whenOmitted === "keep" && declared[key] === undefined) return false;
    if (comparison.unchanged) return !comparison.unchanged(recorded, declared);
    if (declared[key] === unknownValue) return true;
    return !sameMeaning(recorded[key], declared[key], { ignoreCase: comparison.caseInsensitive ?? false, exact: comparison.exactText ?? false });
  });
}

/**
 * What a refresh found changed: the inputs (provider inputs aside) whose recorded value differs,
 * by the definition's comparisons, from the one Tines holds now, or undefined when none did. A
 * property the state does not record (a state from before it existed) is no change.
 */
export function driftOf(definition: AnyResourceDefinition, recordedOutputs: Record<string, unknown>, outputs: Record<string, unknown>): DriftFinding | undefined {
  const keys = Object.keys(definition.inputs).filter(
    (key) => onChangeOf(definition, key) !== "provider" && recordedOutputs[key] !== undefined && !isDeepStrictEqual(recordedOutputs[key], outputs[key]),
  );
  const changed = changedInputs(definition, recordedOutputs, outputs, keys);
  if (changed.length === 0) return undefined;
  return { gone: false, changes: changed.map((property) => ({ property, before: recordedOutputs[property], after: outputs[property] ?? null })) };
}

/** The inputs sent to Tines by a write of `operation`, whose result is verified. */
function verifiedInputs(definition: AnyResourceDefinition, operation: "create" | "update"): string[] {
  return Object.keys(definition.inputs).filter((key) => {
    const onChange = onChangeOf(definition, key);
    const comparison = comparisonOf(definition, key);
    const verified = comparison.verify ?? comparison.unchanged === undefined;
    if (onChange === "provider" || !verified) return false;
    return operation === "create" || onChange === "update";
  });
}

/**
 * The error for a write Tines answered without applying all of it (see `unappliedWrite`), or
 * undefined when Tines holds every verified input that was declared.
 */
function unapplied(definition: AnyResourceDefinition, operation: "create" | "update", inputs: Record<string, unknown>, outputs: Record<string, unknown>) {
  const keys = verifiedInputs(definition, operation).filter((key) => !(comparisonOf(definition, key).whenOmitted === "keep" && inputs[key] === undefined));
  const caseInsensitive = keys.filter((key) => comparisonOf(definition, key).caseInsensitive);
  const exactText = keys.filter((key) => comparisonOf(definition, key).exactText);
  return unappliedWrite(operation, inputs, outputs, keys, { caseInsensitive, exactText });
}

/** A resource as the engine runs it: its declaration and its engine-facing behaviour. */
export interface ImplementedResource {
  definition: AnyResourceDefinition;
  implementation: ResourceImplementation;
}

/** A resource ready for the registry: its definition, and the engine-facing behaviour built from it and its own code. */
export function implementResource<D extends AnyResourceDefinition>(definition: D, lifecycle: ResourceLifecycle<D>): ImplementedResource {
  return { definition, implementation: engineBehaviour(definition, lifecycle) };
}

/** The engine-facing behaviour of a resource: the shared machinery around its own code. */
function engineBehaviour<D extends AnyResourceDefinition>(definition: D, lifecycle: ResourceLifecycle<D>): ResourceImplementation {
  const inputKeys = Object.keys(definition.inputs);
  const sentToTines = inputKeys.filter((key) => onChangeOf(definition, key) === "update");
  const subject = (id: string) => `${definition.subject} ${id}`;
  /**
   * Every result the stack records carries the provider inputs, the tenant, and the token of the
   * create that took the object over (kept from `before`, the recorded outputs, once made).
   */
  const recorded = (outputs: object, inputs: Record<string, unknown>, context: ProviderContext, claimToken: unknown, writtenAt?: unknown): Record<string, unknown> => ({
    ...outputs,
    ...providerInputValues(definition, inputs),
    tenant: context.tenantUrl(),
    ...(typeof claimToken === "string" ? { [claimTokenOutput]: claimToken } : {}),
    // When this package last wrote the object, so a refresh in a later process waits out Tines' lag after it.
    ...(typeof writtenAt === "string" ? { [writtenAtOutput]: writtenAt } : {}),
  });
  const now = () => new Date().toISOString();
  /** A partial write records the same, so the next `up` compares like with like. */
  const completed = (error: unknown, inputs: Record<string, unknown>, context: ProviderContext, claimToken: unknown) => {
    if (error instanceof PartialCreateError || error instanceof PartialUpdateError) {
      Object.assign(error.properties, recorded({}, inputs, context, claimToken, now()));
    }
    if (error instanceof PartialCreateError && typeof claimToken === "string") deploymentFor(context.client()).takeovers.record(definition.kind, error.id, claimToken);
    return error;
  };
  const identity = definition.identity as ((inputs: Record<string, unknown>, users?: KnownUsers) => ReturnType<NonNullable<AnyResourceDefinition["identity"]>>) | undefined;

  // The schema checks every input but those checked apart (a required one would be reported missing).
  const keysApart = definition.checkedApart?.keys ?? [];
  const checkedBySchema = keysApart.length ? definition.inputSchema.omit(Object.fromEntries(keysApart.map((key) => [key, true])) as never) : definition.inputSchema;

  return {
    className: definition.className,
    kind: definition.kind,
    identity,
    check(_olds, news) {
      const apart = definition.checkedApart;
      const given = apart ? Object.fromEntries(Object.entries(news).filter(([key]) => !apart.keys.includes(key))) : news;
      const result = checkInputs(checkedBySchema, given, definition.crossField as never);
      if (apart) {
        const own = apart.check(news);
        Object.assign(result.inputs, own.inputs);
        result.failures.push(...own.failures);
      }
      if (definition.derivedDefaults && result.failures.length === 0) {
        for (const [key, value] of Object.entries(definition.derivedDefaults(result.inputs as never))) {
          if (result.inputs[key] === undefined) result.inputs[key] = value;
        }
      }
      return result;
    },
    checkAgainstTenant: lifecycle.checkAgainstTenant
      ? (inputs, isNew, facts, olds) => lifecycle.checkAgainstTenant!(inputs as DeclaredOf<D>, isNew, facts, olds)
      : undefined,
    diff(_id, olds, news, context): pulumi.dynamic.DiffResult {
      if (tenantChanged(olds, context)) return { changes: true, replaces: ["tenant"], ...(definition.deleteBeforeReplace ? { deleteBeforeReplace: false } : {}) };
      const changed = changedInputs(definition, { ...providerInputValues(definition, olds), ...olds }, news, inputKeys);
      const replaces = changed.filter((key) => onChangeOf(definition, key) === "replace");
      if (!definition.deleteBeforeReplace) return { changes: changed.length > 0, replaces };
      return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && definition.deleteBeforeReplace(replaces) };
    },
    async create(inputs, context) {
      // This create now holds the object, made or adopted: a delete of an older resource that
      // recorded the same object must leave it alone (see `TakeoverLedger.takenOverByAnother`, deployment/takeovers.ts).
      const claimToken = randomUUID();
      try {
        const { id, outputs } = await lifecycle.create(inputs as DeclaredOf<D>, context);
        deploymentFor(context.client()).takeovers.record(definition.kind, id, claimToken);
        const outs = recorded(outputs, inputs, context, claimToken, now());
        const error = unapplied(definition, "create", inputs, outs);
        if (error) throw new PartialCreateError(id, outs, error);
        return { id, outs };
      } catch (error) {
        throw completed(error, inputs, context, claimToken);
      }
    },
    async read(id, props, context) {
      assertSameTenant(props.tenant, context, subject(id));
      // Every refresh read passes here: what it finds changed or gone is attributed from the audit
      // logs, read once for all the reads of the refresh (deployment/driftAttribution.ts).
      const attribution = deploymentFor(context.client()).driftAttribution;
      const reading = attribution.readStarted();
      try {
        const result = await lifecycle.read(id, props as Partial<RecordedOf<D>>, context);
        const outputs = result === undefined ? undefined : recorded(result.outputs, props, context, props[claimTokenOutput], props[writtenAtOutput]);
        const finding: DriftFinding | undefined = outputs === undefined ? { gone: true } : driftOf(definition, props, outputs);
        if (finding) {
          // The latest write the state knows of: this package's own (every kind records it), or Tines' timestamps.
          const written = [props[writtenAtOutput], props.updatedAt, props.createdAt].map((time) => (typeof time === "string" ? Date.parse(time) : NaN)).filter((ms) => !Number.isNaN(ms));
          const lastWrittenAt = written.length === 0 ? undefined : Math.max(...written);
          await attribution.report({ objects: definition.audited(id, props), finding, readStartedAt: reading.startedAt, ...(lastWrittenAt === undefined ? {} : { lastWrittenAt }) });
        }
        if (result === undefined || outputs === undefined) return undefined;
        // The inputs that would produce these outputs, so a refresh shows only real drift. A recorded
        // null was not declared (no input takes null): it is Tines' "none" (a template's team).
        const inputs = result.inputs ?? Object.fromEntries(inputKeys.filter((key) => props[key] != null).map((key) => [key, outputs[key]]));
        return { id: result.id ?? id, props: outputs, inputs };
      } finally {
        reading.done();
      }
    },
    async update(id, olds, news, context) {
      assertSameTenant(olds.tenant, context, subject(id));
      // Only provider inputs changed: nothing to tell Tines.
      const claimToken = olds[claimTokenOutput];
      if (!lifecycle.update || changedInputs(definition, olds, news, sentToTines).length === 0) return recorded(olds, news, context, claimToken);
      try {
        const outputs = recorded(await lifecycle.update(id, olds as RecordedOf<D>, news as DeclaredOf<D>, context), news, context, claimToken, now());
        const error = unapplied(definition, "update", news, outputs);
        if (error) throw new PartialUpdateError(id, outputs, error);
        return outputs;
      } catch (error) {
        throw completed(error, news, context, claimToken);
      }
    },
    async delete(id, props, context) {
      assertSameTenant(props.tenant, context, subject(id));
      const deployment = deploymentFor(context.client());
      if (deployment.takeovers.takenOverByAnother(definition.kind, id, props[claimTokenOutput])) {
        // A replacement (`pulumi up --replace`, or a rename without an alias) of a resource with
        // adoptExisting: the new resource adopted this very object before the engine deletes the
        // old one. Deleting it would delete what the stack now manages through the new resource.
        void engineLog.warn(
          `${subject(id)} is now managed by the ${definition.className} that replaced this one (it adopted the object), ` +
            "so removing the old resource from the stack leaves the object in Tines",
        );
        return;
      }
      await lifecycle.delete(id, props as RecordedOf<D>, context);
      deployment.takeovers.forget(definition.kind, id);
      const deleted = identity?.(props);
      if (deleted !== undefined) deployment.claims.release(definition.kind, deleted.key);
    },
  };
}
