/**
 * What the Pulumi engine does with a dynamic provider, step by step, over a {@link ProviderHost}:
 * check then create for a new resource; check, diff, then update or replace for a changed one;
 * read for refresh; delete for destroy. Lets tests, the benchmark and the demo run real lifecycles
 * without the Pulumi CLI.
 */
import type { TinesResourceKind } from "../provider/registration";
import { ProviderHost, resourceUrn, withProvider, type DiffResponse } from "./providerHost";

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

/** Runs engine steps against one provider host. */
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
  ): Promise<{ state: EngineResourceState; operation: EngineOperation; replaces: string[] }> {
    const urn = this.urn(kind, name);
    const plan = await this.preview(kind, name, args, state);
    const created = async () => {
      const result = await this.host.create(urn, plan.checkedInputs);
      return { kind, name, urn, id: result.id, inputs: plan.checkedInputs, outputs: result.outputs };
    };
    const replaces = plan.diff?.replaces ?? [];
    if (!state) return { state: await created(), operation: "create", replaces };
    if (plan.operation === "same") return { state, operation: "same", replaces };
    if (plan.operation === "update") {
      const outputs = await this.host.update(urn, state.id, state.outputs, plan.checkedInputs);
      return { state: { ...state, inputs: plan.checkedInputs, outputs }, operation: "update", replaces };
    }
    if (plan.diff?.deleteBeforeReplace) {
      await this.host.delete(urn, state.id, state.outputs);
      return { state: await created(), operation: "replace", replaces };
    }
    const replacement = await created();
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
