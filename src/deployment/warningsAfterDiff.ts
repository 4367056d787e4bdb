/**
 * Warnings whose words depend on what `diff` decides: a preview check sees the recorded inputs
 * (CheckRequest.olds), while `diff` sees the recorded outputs, and the engine changes a resource
 * only when diff finds a change (pulumi-dynamic-providers.md, "The contract"). After an `up` that
 * stopped midway, the engine keeps the new inputs with the partial outputs (pkg/resource/deploy/
 * step.go, `UpdateStep.Apply` and a create's ErrorResourceInitFailed): the inputs then equal the
 * program while the outputs do not, and only diff can tell whether this `up` changes Tines. A
 * check leaves such a warning here, and the provider's `diff` of the same resource, which the
 * engine calls right after the check, gives the one that comes true.
 */
import { engineLog } from "../engineLog";

/** A warning with two wordings: one for an `up` that will change the resource, one for an `up` that will not. */
export interface WarningAwaitingDiff {
  /** Whether the `up` changes what the warning is about, from the recorded outputs and the checked inputs, as diff compares them. */
  changes(outputs: Record<string, unknown>, inputs: Record<string, unknown>): boolean;
  /** The warning when it does. */
  whenChanged: string;
  /** The warning when it does not. */
  whenUnchanged: string;
}

/** The warnings this deployment's checks left for the diff of their resource, keyed `<class name> <id>`. */
export class WarningsAfterDiff {
  private readonly pending = new Map<string, WarningAwaitingDiff>();

  /** Leaves `warning` for the diff of resource `id` of class `className`. */
  defer(className: string, id: string, warning: WarningAwaitingDiff): void {
    this.pending.set(`${className} ${id}`, warning);
  }

  /** After the diff of resource `id`: gives the warning left for it, worded for what the `up` does. */
  diffed(className: string, id: string, outputs: Record<string, unknown>, inputs: Record<string, unknown>): void {
    const key = `${className} ${id}`;
    const warning = this.pending.get(key);
    if (warning === undefined) return;
    this.pending.delete(key);
    void engineLog.warn(warning.changes(outputs, inputs) ? warning.whenChanged : warning.whenUnchanged);
  }
}
