/**
 * What the Pulumi engine does with a dynamic provider, step by step, over a {@link ProviderHost}:
 * check then create for a new resource; check, diff, then update or replace for a changed one;
 * read for refresh; delete for destroy. Lets tests, the benchmark and the demo run real lifecycles
 * without the Pulumi CLI.
 */
import { availableParallelism } from "node:os";
import type { TinesResourceKind } from "../internals";
import { ConcurrencyLimit } from "./concurrency";
import { ProviderHost, ProviderHostError, resourceUrn, withProvider, type DiffResponse } from "./providerHost";

/** A resource as the engine keeps it in state. */
export interface EngineResourceState {
  kind: TinesResourceKind;
  name: string;
  urn: string;
  id: string;
  /** Checked inputs, `__provider` included. */
  inputs: Record<string, unknown>;
  /** Outputs, `__provider` included. */
  outputs: Record<string, unknown>;
  /** The URN named by the `deletedWith` resource option, as the engine keeps it in state. */
  deletedWith?: string;
  /**
   * The `retainOnDelete` resource option, as the engine keeps it in state: its delete leaves the
   * object in Tines and only drops it from the stack (pkg/resource/deploy/step.go, `DeleteStep.Apply`).
   */
  retainOnDelete?: boolean;
  /** The URNs of the resources this one depends on (its inputs' resources and `dependsOn`), as the engine keeps them in state. */
  dependencies?: string[];
  /**
   * The reference (`<urn>::<id>`) of the explicit provider (a TinesProvider) the resource was
   * managed with, as the engine records it in state; absent for the default provider.
   */
  provider?: string;
  /**
   * Set on the old object of a create-before-delete replacement that is still to be deleted: the
   * engine keeps it in state as `pendingReplacement`/`delete` until its delete succeeds.
   */
  pendingDelete?: boolean;
}

/**
 * A create or update that failed after changing Tines (the provider reported a partial object,
 * ErrorResourceInitFailed): the engine records `recorded` in the state anyway (CreateStep.Apply and
 * UpdateStep.Apply keep a partial failure's outputs), so nothing Tines holds is forgotten.
 */
export class PartialStepError extends ProviderHostError {
  override name = "PartialStepError";
  constructor(
    failure: ProviderHostError,
    /** The resource as the engine records it: the new inputs and the provider's partial outputs. */
    readonly recorded: EngineResourceState,
  ) {
    super(failure.method, failure.message, failure.partialId, failure.partialProperties);
  }
}

/** What `up` did to a resource. */
export type EngineOperation = "create" | "update" | "replace" | "same";

/** Check failed: the engine would stop before any change. */
export class CheckFailedError extends Error {
  override name = "CheckFailedError";
  constructor(
    readonly urn: string,
    readonly failures: Array<{ property: string; reason: string }>,
  ) {
    super(`${urn}: ${failures.map((failure) => `${failure.property}: ${failure.reason}`).join("; ")}`);
  }
}

/** The plan for one resource, as a preview shows it. */
export interface EnginePlan {
  operation: EngineOperation;
  checkedInputs: Record<string, unknown>;
  diff?: DiffResponse;
}

/** What `up` did to one resource. */
export interface EngineStepResult {
  state: EngineResourceState;
  operation: EngineOperation;
  replaces: string[];
  /** With `deferReplacedDelete`: the replaced object, made but not yet deleted. */
  replaced?: EngineResourceState;
}

/** How {@link DynamicProviderEngine.apply} carries out a step. */
export interface EngineApplyOptions {
  /**
   * Leave the old object of a create-before-delete replacement for the caller to delete later, as
   * the engine does: it deletes replaced resources after the steps that depend on them (so a
   * membership moves to a renamed role before the old role goes), with the other deletes
   * (pkg/resource/deploy/step_generator.go, GenerateDeletes and ScheduleDeletes).
   */
  deferReplacedDelete?: boolean;
  /**
   * Asked when the step is about to be planned and again when it is about to run: true stops it
   * there with a {@link NotAttemptedError} (the engine starts no new step after one failed,
   * unless `--continue-on-error`).
   */
  stopped?: () => boolean;
}

/** A step that was not started because an earlier step of the deployment failed: no error of its own. */
export class NotAttemptedError extends Error {
  override name = "NotAttemptedError";
  constructor(
    /** The resource's name. */
    readonly resource: string,
  ) {
    super(`${resource}: not attempted, an earlier step failed`);
  }
}

/** Runs engine steps against one provider host, one resource at a time as the caller asks. */
export class DynamicProviderEngine {
  constructor(
    readonly host: ProviderHost,
    private readonly stack = "dev",
    private readonly project = "pulumi-tines-test",
  ) {}

  /** The URN of a resource. */
  urn(kind: TinesResourceKind, name: string): string {
    return resourceUrn(kind, name, this.stack, this.project);
  }

  /** What `pulumi preview` shows for a resource: check, then diff when it exists. No change is made. */
  async preview(kind: TinesResourceKind, name: string, args: Record<string, unknown>, state?: EngineResourceState): Promise<EnginePlan> {
    const urn = this.urn(kind, name);
    const checked = await this.host.check(urn, state?.inputs ?? {}, withProvider(kind, args));
    if (checked.failures.length > 0) throw new CheckFailedError(urn, checked.failures);
    if (!state) return { operation: "create", checkedInputs: checked.inputs };
    const diff = await this.host.diff(urn, state.id, state.outputs, checked.inputs);
    const operation = diff.replaces.length > 0 ? "replace" : diff.changes === "none" ? "same" : "update";
    return { operation, checkedInputs: checked.inputs, diff };
  }

  /** What `pulumi up` does for a resource: creates, updates or replaces it. */
  async up(
    kind: TinesResourceKind,
    name: string,
    args: Record<string, unknown>,
    state?: EngineResourceState,
  ): Promise<EngineStepResult> {
    return this.apply(kind, name, await this.preview(kind, name, args, state), state);
  }

  /** Carries out a plan from {@link preview}: the step the engine's step executor runs. */
  async apply(
    kind: TinesResourceKind,
    name: string,
    plan: EnginePlan,
    state?: EngineResourceState,
    options: EngineApplyOptions = {},
  ): Promise<EngineStepResult> {
    const urn = this.urn(kind, name);
    const recordingPartial = async <T>(step: Promise<T>, previous?: EngineResourceState): Promise<T> => {
      try {
        return await step;
      } catch (error) {
        if (!(error instanceof ProviderHostError) || error.partialId === undefined || error.partialProperties === undefined) throw error;
        const outputs = { __provider: plan.checkedInputs.__provider, ...error.partialProperties };
        throw new PartialStepError(error, { ...(previous ?? {}), kind, name, urn, id: error.partialId, inputs: plan.checkedInputs, outputs });
      }
    };
    const created = async () => {
      const result = await recordingPartial(this.host.create(urn, plan.checkedInputs));
      return { kind, name, urn, id: result.id, inputs: plan.checkedInputs, outputs: result.outputs };
    };
    const replaces = plan.diff?.replaces ?? [];
    if (!state) return { state: await created(), operation: "create", replaces };
    if (plan.operation === "same") return { state, operation: "same", replaces };
    if (plan.operation === "update") {
      const outputs = await recordingPartial(this.host.update(urn, state.id, state.outputs, plan.checkedInputs), state);
      return { state: { ...state, inputs: plan.checkedInputs, outputs }, operation: "update", replaces };
    }
    if (plan.diff?.deleteBeforeReplace) {
      await this.host.delete(urn, state.id, state.outputs);
      return { state: await created(), operation: "replace", replaces };
    }
    const replacement = await created();
    if (options.deferReplacedDelete) return { state: replacement, operation: "replace", replaces, replaced: { ...state, pendingDelete: true } };
    await this.host.delete(urn, state.id, state.outputs);
    return { state: replacement, operation: "replace", replaces };
  }

  /** What `pulumi refresh` does: the resource as Tines has it, or undefined when it is gone. */
  async refresh(state: EngineResourceState): Promise<EngineResourceState | undefined> {
    const result = await this.host.read(state.urn, state.id, state.outputs, state.inputs);
    if (result.id === "") return undefined;
    return { ...state, id: result.id, outputs: result.outputs, inputs: result.inputs ?? state.inputs };
  }

  /** What `pulumi destroy` does for a resource. */
  async destroy(state: EngineResourceState): Promise<void> {
    await this.host.delete(state.urn, state.id, state.outputs);
  }
}

/** The engine's default `--parallel`: 4 per CPU. */
export const defaultEngineParallelism = 4 * availableParallelism();

/**
 * A whole deployment scheduled the way the Pulumi engine schedules one. Its step generator takes
 * resource registrations one at a time, in arrival order, and calls Check (and Diff) itself, so
 * those never run side by side (pkg/resource/deploy/step_generator.go; pulumi/pulumi#12351, "Step
 * generation is done sequentially"). Its step executor runs the resulting steps (create, update,
 * replace, delete, and refresh's reads) at most `parallelism` at once, while the generator goes on
 * checking the next registrations.
 */
export class EngineDeployment {
  private readonly stepGenerator: ConcurrencyLimit;
  private readonly stepExecutor: ConcurrencyLimit;

  constructor(
    readonly engine: DynamicProviderEngine,
    /** The engine's `--parallel`; see {@link defaultEngineParallelism}. */
    parallelism: number,
    /**
     * The schedulers of a deployment with several provider processes: one step generator and one
     * step executor serve them all, as in the engine, whatever provider process a step goes to.
     */
    shared?: { stepGenerator: ConcurrencyLimit; stepExecutor: ConcurrencyLimit },
  ) {
    this.stepGenerator = shared?.stepGenerator ?? new ConcurrencyLimit(1);
    this.stepExecutor = shared?.stepExecutor ?? new ConcurrencyLimit(parallelism);
  }

  /** Registers a resource in a preview: check, then diff when it exists, in the step generator. */
  preview(kind: TinesResourceKind, name: string, args: Record<string, unknown>, state?: EngineResourceState): Promise<EnginePlan> {
    return this.stepGenerator.run(() => this.engine.preview(kind, name, args, state));
  }

  /** Registers a resource in an update: planned by the step generator, then run by the step executor. */
  async up(
    kind: TinesResourceKind,
    name: string,
    args: Record<string, unknown>,
    state?: EngineResourceState,
    options: EngineApplyOptions = {},
  ): Promise<EngineStepResult> {
    const notStopped = () => {
      if (options.stopped?.()) throw new NotAttemptedError(name);
    };
    const plan = await this.stepGenerator.run(() => {
      notStopped();
      return this.engine.preview(kind, name, args, state);
    });
    return this.stepExecutor.run(() => {
      notStopped();
      return this.engine.apply(kind, name, plan, state, options);
    });
  }

  /** A refresh step: read, in the step executor. */
  refresh(state: EngineResourceState): Promise<EngineResourceState | undefined> {
    return this.stepExecutor.run(() => this.engine.refresh(state));
  }

  /** A delete step, in the step executor. */
  destroy(state: EngineResourceState): Promise<void> {
    return this.stepExecutor.run(() => this.engine.destroy(state));
  }
}
