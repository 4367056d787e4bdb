/**
 * Runs a real Pulumi program without the Pulumi CLI: the program executes in this process under
 * `pulumi.runtime.setMocks`, so the SDK's real serializer registers its resources, and each
 * registration of a pulumi-tines resource is carried out through the real dynamic-provider host by
 * {@link EngineDeployment}, scheduled as the engine would (check and diff one at a time, then
 * create/update/replace at the engine's default parallelism).
 * Explicit providers (a `TinesProvider`) run as under the engine: one host process each,
 * configured with that provider's inputs, every resource sent to its provider's process, and the
 * state recording which provider each resource used (tools/runner/providers.ts).
 * State is kept in a JSON file between runs; resources no longer declared are deleted, memberships
 * first, and a resource declared `deletedWith` another that is deleted in the same run only leaves
 * the state, as under the engine. One run at a time per process: the Pulumi runtime is global, so
 * `runProgramInChildProcess` is the entry point for callers (it runs each in a runner process of its
 * own, kept for the next run: tools/runner/runnerProcesses.ts).
 *
 * It exists so the tests, the benchmark and the demo can run real programs where the Pulumi CLI is
 * not installed; a user's own programs run with the Pulumi CLI. Where a program fails it does what
 * the engine does: the run fails with the program's error, and nothing is deleted, because what the
 * program did not get to declare is not known to be unwanted.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { kindOfTypeToken, takeoverDirectoryVariable, tinesResourceRegistry, unknownValue, type TinesResourceKind } from "../internals";
import { NotAttemptedError, PartialStepError, type EngineDeployment, type EngineOperation, type EngineResourceState } from "./engine";
import { resourceUrn } from "./providerHost";
import { explicitProviderType, ProviderProcesses, providerUrnOf, type ProviderState } from "./providers";
import { runInRunnerProcess } from "./runnerProcesses";

/** What to run. */
export interface ProgramRunOptions {
  /** The program's directory (its `index.ts` or `index.js` is run). */
  programDirectory: string;
  /** The JSON file holding the stack's state between runs. */
  statePath: string;
  /** Stack config, with namespaced keys (`tines:tenant`, `<project>:roster`). */
  config: Record<string, string>;
  /** Config keys that are secrets. */
  secretKeys?: string[];
  /** Preview only: plan, change nothing. */
  preview?: boolean;
  /** Destroy everything in the state instead of running the program, each resource through the provider recorded for it. */
  destroy?: boolean;
  /**
   * Go on starting steps after one failed, as `pulumi up --continue-on-error` does. Default false:
   * like `pulumi up`, the first failure stops new steps from starting (those under way finish),
   * and the result lists what was not attempted.
   */
  continueOnError?: boolean;
  /**
   * Refresh every resource in the state instead of running the program (`pulumi refresh`): each is
   * read through the `__provider` its state holds and the provider the state recorded for it (with
   * that provider's settings as recorded at the last `up`), and the state takes what the reads
   * return. A step says `same` when the read gave back the recorded id, inputs and outputs,
   * `update` when it gave something else, `delete` when the object is gone.
   */
  refresh?: boolean;
  /** Pulumi project name. Default `tines-bootstrap`. */
  projectName?: string;
  /** Stack name. Default `dev`. */
  stackName?: string;
}

/** One resource's step. */
export interface ProgramStep {
  urn: string;
  kind: TinesResourceKind;
  name: string;
  operation: EngineOperation | "delete";
  /** For replacements, the properties that force them. */
  replaces?: string[];
  /** For a refresh that changed a resource, what changed in its outputs: `property: recorded -> read`. */
  changes?: string[];
  /** The error, when the step failed. */
  error?: string;
}

/** What a run did. */
export interface ProgramRunResult {
  steps: ProgramStep[];
  /** The program's exports, resolved (unknown in a preview of new resources: null). */
  outputs: Record<string, unknown>;
  /** Errors that stopped resources (check failures, Tines refusals) or the program; empty on success. */
  errors: string[];
  /** The warnings the provider logged (preview checks' findings, for example), once each. */
  warnings: string[];
  /** The steps not started because an earlier one failed (see {@link ProgramRunOptions.continueOnError}), as `<operation> <name>`. */
  notAttempted: string[];
  /** The runner process's exit code, set by {@link runProgramInChildProcess}: non-zero when the run failed. */
  exitCode?: number;
}

interface StackState {
  resources: EngineResourceState[];
  /** The explicit providers (TinesProvider) its resources were managed with. */
  providers?: ProviderState[];
}

/**
 * Between resources that do not depend on each other (which the engine deletes side by side), the
 * order they are deleted in one at a time here: a membership or a roster before the users and
 * teams it names, teams before roles, so the members that go with a team no longer hold a role.
 * Also the whole order for a state written before dependencies were recorded.
 */
function deletionTier(kind: TinesResourceKind): number {
  return tinesResourceRegistry[kind]().definition.deletionTier;
}

/**
 * Destroy order as the engine schedules deletes (pkg/resource/deploy/step_generator.go,
 * ScheduleDeletes): a resource goes only once everything that depends on it has gone, a
 * `deletedWith` target counting as a dependency (pkg/resource/graph/dependency_graph.go); ties in
 * {@link deletionTier} (each kind's definition says it). A TinesTeam whose `members` name users depends on them, so it goes first.
 */
export function inDeletionOrder(resources: readonly EngineResourceState[]): EngineResourceState[] {
  const remaining = [...resources].sort((a, b) => deletionTier(a.kind) - deletionTier(b.kind));
  const ordered: EngineResourceState[] = [];
  while (remaining.length > 0) {
    const needed = (resource: EngineResourceState) =>
      remaining.some((other) => other !== resource && ((other.dependencies ?? []).includes(resource.urn) || other.deletedWith === resource.urn));
    // A cycle cannot come from a program; should a state hold one, the tie order breaks it.
    const index = Math.max(0, remaining.findIndex((resource) => !needed(resource)));
    ordered.push(...remaining.splice(index, 1));
  }
  return ordered;
}

/**
 * The engine's `deletedWith` rule (pkg/resource/deploy/step.go, `isDeletedWith` in
 * `DeleteStep.Apply`): a resource whose `deletedWith` resource is itself planned for deletion in
 * the same operation is not deleted through its provider; it only leaves the state.
 */
function isDeletedWith(resource: EngineResourceState, plannedDeletions: ReadonlySet<string>): boolean {
  return resource.deletedWith !== undefined && resource.deletedWith !== "" && plannedDeletions.has(resource.deletedWith);
}

/**
 * Runs one program update, preview or destroy in this process. One at a time: the runtime's
 * settings are global, and `setMocks` resets them for each run.
 */
export async function runProgram(options: ProgramRunOptions, onStep: (step: ProgramStep) => void = () => {}): Promise<ProgramRunResult> {
  const project = options.projectName ?? "tines-bootstrap";
  const stack = options.stackName ?? "dev";
  // Every provider process of the run shares one takeover directory, as the provider processes of
  // one machine do under the engine (src/deployment/takeovers.ts), and no other run's.
  const environment = { [takeoverDirectoryVariable]: mkdtempSync(join(tmpdir(), "pulumi-tines-takeovers-")) };
  let pulumi: typeof import("@pulumi/pulumi");
  let previous: StackState;
  try {
    pulumi = require(require.resolve("@pulumi/pulumi", { paths: [options.programDirectory] })) as typeof import("@pulumi/pulumi");
    previous = existsSync(options.statePath) ? (JSON.parse(readFileSync(options.statePath, "utf8")) as StackState) : { resources: [] };
  } catch (error) {
    rmSync(environment[takeoverDirectoryVariable]!, { recursive: true, force: true });
    throw error;
  }
  // Keyed by URN; the old object of a replacement still to be deleted has a key of its own.
  const keyOf = (resource: EngineResourceState) => (resource.pendingDelete ? `${resource.urn}#pending-delete#${resource.id}` : resource.urn);
  const next = new Map(previous.resources.map((resource) => [keyOf(resource), resource] as const));
  const registered = new Set<string>();
  const steps: ProgramStep[] = [];
  const errors: string[] = [];
  const notAttempted: string[] = [];
  // Once a step failed, no new one starts (unless continueOnError), as under `pulumi up`.
  const stopped = () => errors.length > 0 && !options.continueOnError;
  const record = (step: ProgramStep) => {
    steps.push(step);
    onStep(step);
  };

  const processes = new ProviderProcesses({ programDirectory: options.programDirectory, projectName: project, stackName: stack, environment, config: options.config });
  // Explicit providers by URN: as the state recorded them, and as this run's program declares them.
  const providersBefore = new Map((previous.providers ?? []).map((provider) => [provider.urn, provider] as const));
  const providersNow = new Map<string, ProviderState>();
  // A provider declared by the program is configured with its inputs of this run; one only in the
  // state (refresh, destroy, the old objects of a program that dropped it) with the recorded ones.
  const providerOf = (reference: string | undefined) =>
    processes.for(reference, () => {
      const urn = providerUrnOf(reference!);
      return (providersNow.get(urn) ?? providersBefore.get(urn))?.inputs;
    });
  // As under the Pulumi CLI, a promise the program leaves rejected fails the program. Listened to
  // until the run ends, and no longer: a runner process may be given another run.
  const programFailed = (error: unknown) => {
    if (!(error instanceof NotAttemptedError)) errors.push((error as Error)?.message ?? String(error));
  };
  try {
    let outputs: Record<string, unknown> = {};

    if (options.refresh) {
      await refreshAll((resource) => providerOf(resource.provider).then(({ deployment }) => deployment), next, keyOf, record, errors);
    } else if (!options.destroy) {
      process.on("unhandledRejection", programFailed);
      process.on("uncaughtException", programFailed);
      pulumi.runtime.setAllConfig(options.config, options.secretKeys);
      const pending = new Set<Promise<unknown>>();
      // The mock monitor hands `newResource` no resource options: read `deletedWith`,
      // `retainOnDelete`, the dependencies and the parent from the registration request itself, as
      // the engine records them in state.
      const deletedWithOf = new Map<string, string>();
      const retainOnDeleteOf = new Map<string, boolean>();
      const dependenciesOf = new Map<string, string[]>();
      const parentOf = new Map<string, string>();
      const installMonitorTap = () => {
        const monitor = pulumi.runtime.getMonitor() as unknown as {
          registerResource(
            request: {
              getType(): string;
              getName(): string;
              getDeletedwith(): string;
              getRetainondelete(): boolean | undefined;
              getDependenciesList(): string[];
              getParent(): string;
            },
            callback: unknown,
          ): void;
        };
        const registerResource = monitor.registerResource.bind(monitor);
        monitor.registerResource = (request, callback) => {
          deletedWithOf.set(`${request.getType()}::${request.getName()}`, request.getDeletedwith());
          retainOnDeleteOf.set(`${request.getType()}::${request.getName()}`, request.getRetainondelete() === true);
          dependenciesOf.set(`${request.getType()}::${request.getName()}`, request.getDependenciesList());
          parentOf.set(`${request.getType()}::${request.getName()}`, request.getParent());
          registerResource(request, callback);
        };
      };
      pulumi.runtime.setMocks(
        {
          newResource: (args) => {
            if (args.type === explicitProviderType) {
              // The URN the SDK's mock monitor gives it, which its resources' references name.
              const parent = parentOf.get(`${args.type}::${args.name}`);
              const qualifiedType = parent ? `${parent.split("::")[2]!.split("$").pop()}$${args.type}` : args.type;
              const urn = `urn:pulumi:${stack}::${project}::${qualifiedType}::${args.name}`;
              // A provider keeps its id while its URN stays: a change of its inputs updates it in place.
              const id = providersBefore.get(urn)?.id ?? randomUUID();
              providersNow.set(urn, { urn, id, inputs: args.inputs });
              return { id, state: args.inputs };
            }
            const work = (async () => {
              const kind = kindOfTypeToken(args.type);
              if (!kind) return { id: `${args.name}-id`, state: args.inputs };
              const urn = resourceUrn(kind, args.name, stack, project);
              registered.add(urn);
              const recorded = next.get(urn);
              // A resource moved to another provider is replaced: created through its new provider,
              // its old object deleted through the old one (pkg/resource/deploy/step_generator.go,
              // `providerChanged`: a change to or from an explicit provider is a replacement).
              const provider = args.provider ? args.provider : undefined;
              const movedFrom = recorded !== undefined && (recorded.provider ? providerUrnOf(recorded.provider) : undefined) !== (provider ? providerUrnOf(provider) : undefined) ? recorded : undefined;
              const before = movedFrom ? undefined : recorded;
              const inputs = withUnknownPlaceholders(args.inputs, pulumi.isUnknown) as Record<string, unknown>;
              try {
                // After a failed step no new one starts: not even its provider's process.
                if (!options.preview && stopped()) throw new NotAttemptedError(args.name);
                const { deployment } = await providerOf(provider);
                if (options.preview) {
                  const plan = await deployment.preview(kind, args.name, inputs, before);
                  const operation = movedFrom ? "replace" : plan.operation;
                  const replaces = movedFrom ? ["provider"] : (plan.diff?.replaces ?? []);
                  record({ urn, kind, name: args.name, operation, ...(replaces.length ? { replaces } : {}) });
                  const state = plan.operation === "same" ? before!.outputs : { ...(plan.operation === "create" ? {} : before!.outputs), ...plan.checkedInputs };
                  return { id: before?.id ?? "", state };
                }
                const result = await deployment.up(kind, args.name, inputs, before, { deferReplacedDelete: true, stopped });
                if (result.replaced) next.set(keyOf(result.replaced), result.replaced);
                if (movedFrom) next.set(keyOf({ ...movedFrom, pendingDelete: true }), { ...movedFrom, pendingDelete: true });
                const deletedWith = deletedWithOf.get(`${args.type}::${args.name}`);
                const dependencies = dependenciesOf.get(`${args.type}::${args.name}`) ?? [];
                const retainOnDelete = retainOnDeleteOf.get(`${args.type}::${args.name}`) === true;
                const { deletedWith: _previous, retainOnDelete: _retained, dependencies: _before, provider: _provider, ...current } = result.state;
                next.set(urn, {
                  ...current,
                  ...(provider ? { provider } : {}),
                  ...(deletedWith ? { deletedWith } : {}),
                  ...(retainOnDelete ? { retainOnDelete } : {}),
                  ...(dependencies.length > 0 ? { dependencies } : {}),
                });
                const operation = movedFrom ? "replace" : result.operation;
                const replaces = movedFrom ? ["provider"] : result.replaces;
                record({ urn, kind, name: args.name, operation, ...(replaces.length ? { replaces } : {}) });
                return { id: result.state.id, state: result.state.outputs };
              } catch (error) {
                if (error instanceof NotAttemptedError) {
                  notAttempted.push(`${before ? "update" : "create"} ${args.name}`);
                  throw error;
                }
                const message = (error as Error).message;
                // As the engine does, a create or update that changed Tines before it failed is
                // recorded with what the provider says Tines holds.
                if (error instanceof PartialStepError) {
                  next.set(urn, {
                    ...error.recorded,
                    ...(provider ? { provider } : {}),
                    ...(before?.deletedWith ? { deletedWith: before.deletedWith } : {}),
                    ...(retainOnDeleteOf.get(`${args.type}::${args.name}`) ? { retainOnDelete: true } : {}),
                  });
                }
                // A check failure already starts with the resource's URN: name it once.
                errors.push(message.startsWith(urn) ? message : `${args.name}: ${message}`);
                record({ urn, kind, name: args.name, operation: before ? "update" : "create", error: message });
                throw error;
              }
            })();
            pending.add(work);
            return work;
          },
          call: () => ({}),
        },
        project,
        stack,
        options.preview ?? false,
      );
      installMonitorTap();
      outputs = await executeProgram(options.programDirectory, pending, pulumi).catch((error: Error) => {
        if (!(error instanceof NotAttemptedError)) errors.push(error.message);
        return {};
      });
    }

    // Whatever is in the state but no longer declared goes, dependants first, and so do the old
    // objects of replacements, once what depended on them has moved to their replacements.
    const leftovers = inDeletionOrder([...next.values()].filter((resource) => options.destroy || resource.pendingDelete || !registered.has(resource.urn)));
    if (errors.length > 0 && !options.refresh && !options.preview) notAttempted.push(...leftovers.map((resource) => `delete ${resource.name}`));
    if (errors.length === 0 && !options.refresh) {
      const plannedDeletions = new Set(leftovers.filter((resource) => !resource.pendingDelete).map((resource) => resource.urn));
      for (const [index, resource] of leftovers.entries()) {
        if (options.preview) {
          record({ urn: resource.urn, kind: resource.kind, name: resource.name, operation: "delete" });
          continue;
        }
        try {
          // Deleted through the provider it was managed with; a resource retained on delete, or
          // deleted with another that goes in this run, is only dropped from the state
          // (pkg/resource/deploy/step.go, `DeleteStep.Apply`).
          if (!resource.retainOnDelete && !isDeletedWith(resource, plannedDeletions)) await (await providerOf(resource.provider)).engine.destroy(resource);
          next.delete(keyOf(resource));
          record({ urn: resource.urn, kind: resource.kind, name: resource.name, operation: "delete" });
        } catch (error) {
          // Like Pulumi: a failed delete stops the run, so nothing it depends on is deleted under it.
          const message = (error as Error).message;
          errors.push(`${resource.name}: ${message}`);
          record({ urn: resource.urn, kind: resource.kind, name: resource.name, operation: "delete", error: message });
          notAttempted.push(...leftovers.slice(index + 1).map((each) => `delete ${each.name}`));
          break;
        }
      }
    }
    if (!options.preview) writeFileSync(options.statePath, JSON.stringify(stateOf(next, providersBefore, providersNow), null, 2));
    const hosts = await processes.hosts();
    return { steps, outputs, errors: groupedErrors(rootErrors(errors)), warnings: [...new Set(hosts.flatMap((each) => warningsOf(each.stderr)))], notAttempted };
  } finally {
    await processes.stop();
    process.off("unhandledRejection", programFailed);
    process.off("uncaughtException", programFailed);
    rmSync(environment[takeoverDirectoryVariable]!, { recursive: true, force: true });
  }
}

/**
 * The state to write: the resources, and the explicit providers as the engine keeps them: those the
 * program declared, with this run's inputs, and those it dropped that a resource left in the state
 * still names (to delete it later with the settings it was made with).
 */
function stateOf(
  resources: Map<string, EngineResourceState>,
  providersBefore: Map<string, ProviderState>,
  providersNow: Map<string, ProviderState>,
): StackState {
  const named = new Set([...resources.values()].flatMap((resource) => (resource.provider ? [providerUrnOf(resource.provider)] : [])));
  const providers = new Map(providersNow);
  for (const [urn, provider] of providersBefore) if (!providers.has(urn) && named.has(urn)) providers.set(urn, provider);
  return { resources: [...resources.values()], ...(providers.size > 0 ? { providers: [...providers.values()] } : {}) };
}

/**
 * `pulumi refresh`: every resource of the state read at once through the step executor, as the
 * engine schedules a refresh's reads, each with its recorded outputs and inputs (so through the
 * `__provider` text the state holds, on the process of the provider the state recorded). A read that fails leaves the resource as recorded.
 */
async function refreshAll(
  /** The deployment on the provider process the state recorded for a resource. */
  deploymentOf: (resource: EngineResourceState) => Promise<EngineDeployment>,
  next: Map<string, EngineResourceState>,
  keyOf: (resource: EngineResourceState) => string,
  record: (step: ProgramStep) => void,
  errors: string[],
): Promise<void> {
  await Promise.all(
    [...next.values()].map(async (resource) => {
      const step = { urn: resource.urn, kind: resource.kind, name: resource.name };
      try {
        const read = await (await deploymentOf(resource)).refresh(resource);
        if (!read) {
          next.delete(keyOf(resource));
          return record({ ...step, operation: "delete" });
        }
        next.set(keyOf(resource), read);
        const unchanged = read.id === resource.id && isDeepStrictEqual(read.outputs, resource.outputs) && isDeepStrictEqual(read.inputs, resource.inputs);
        record(unchanged ? { ...step, operation: "same" } : { ...step, operation: "update", changes: changedOutputs(resource.outputs, read.outputs) });
      } catch (error) {
        const message = (error as Error).message;
        errors.push(`${resource.name}: ${message}`);
        record({ ...step, operation: "update", error: message });
      }
    }),
  );
}

/** What a refresh changed in a resource's outputs, one `property: recorded -> read` each (the provider's own `__provider` left out). */
function changedOutputs(recorded: Record<string, unknown>, read: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(read)])].filter((key) => key !== "__provider");
  return keys.filter((key) => !isDeepStrictEqual(recorded[key], read[key])).map((key) => `${key}: ${JSON.stringify(recorded[key])} -> ${JSON.stringify(read[key])}`);
}

/** The resource name and the message of an error recorded as `<name>: <message>` or `<urn>: <message>`. */
const resourceError = /^(?:urn:pulumi:\S*::)?([^\s:]+): ([\s\S]+)$/;

/**
 * Errors that say the same of several resources, once: `3 resources (m1, m2, m3): <message>`
 * (a tenant that stopped answering mid-up fails every step under way in the same words).
 */
function groupedErrors(errors: readonly string[]): string[] {
  const groups = new Map<string, { names: string[]; first: string }>();
  const result: Array<string | { message: string }> = [];
  for (const error of errors) {
    const match = resourceError.exec(error);
    if (!match) {
      result.push(error);
      continue;
    }
    const group = groups.get(match[2]!);
    if (group) group.names.push(match[1]!);
    else {
      groups.set(match[2]!, { names: [match[1]!], first: error });
      result.push({ message: match[2]! });
    }
  }
  return result.map((entry) => {
    if (typeof entry === "string") return entry;
    const { names, first } = groups.get(entry.message)!;
    if (names.length === 1) return first;
    const shown = names.length > 5 ? `${names.slice(0, 5).join(", ")} and ${names.length - 5} more` : names.join(", ");
    return `${names.length} resources (${shown}): ${entry.message}`;
  });
}

/**
 * Errors once each, without the SDK's follow-on wrappers ("failed to register new resource ...")
 * of a resource error already reported in its own words.
 */
function rootErrors(errors: string[]): string[] {
  const unique = [...new Set(errors.map(withoutRepeatedWrappers))];
  const roots = unique.filter((error) => !/failed to register new resource/.test(error));
  return roots.length > 0 ? roots : unique;
}

/**
 * A message with the SDK's input wrapper once: it prefixes `error serializing property "<name>": `
 * to the one error object every resource awaiting a failed input shares, once per resource.
 * (pulumi-tines' own errors keep one wrapper themselves; this covers errors of the program's code.)
 */
function withoutRepeatedWrappers(message: string): string {
  return message.replace(/(error serializing property "[^"]*": )(?:error serializing property "[^"]*": )+/g, "$1");
}

/**
 * The warnings the provider logged: the dynamic-provider host has no engine to send them to, so it
 * prints them on its stderr as `warning: [runtime] <text>`.
 */
function warningsOf(hostOutput: string): string[] {
  const warnings: string[] = [];
  let current: string | undefined;
  for (const line of hostOutput.split("\n")) {
    const match = /^warning: (?:\[runtime\] )?(.+)$/.exec(line.trim());
    if (match) {
      current = match[1]!;
      warnings.push(current);
    } else if (current !== undefined && /^\s+\S/.test(line) && !/^\s+at /.test(line)) {
      // A warning of several lines (a TinesTeamMembers preview's list): its indented lines follow it.
      current = `${current}\n${line}`;
      warnings[warnings.length - 1] = current;
    } else {
      current = undefined;
    }
  }
  return [...new Set(warnings)];
}

/** The engine sends unknown values as a placeholder string; the mock monitor hands them as `unknown`. */
function withUnknownPlaceholders(value: unknown, isUnknown: (value: unknown) => boolean): unknown {
  if (isUnknown(value)) return unknownValue;
  if (Array.isArray(value)) return value.map((item) => withUnknownPlaceholders(item, isUnknown));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withUnknownPlaceholders(item, isUnknown)]));
  }
  return value;
}

/**
 * Loads the program (TypeScript is transpiled on the fly, as Pulumi's own runner does), then waits
 * until its exports are resolved and no registration is under way.
 */
async function executeProgram(
  programDirectory: string,
  pending: Set<Promise<unknown>>,
  pulumi: typeof import("@pulumi/pulumi"),
): Promise<Record<string, unknown>> {
  registerTypeScript(programDirectory);
  const main = existsSync(join(programDirectory, "index.ts")) ? join(programDirectory, "index.ts") : join(programDirectory, "index.js");
  try {
    const loaded = require(resolve(main)) as unknown;
    // As Pulumi's own runner does: a program exported as a function (`export = async () => {...}`)
    // is called, and what it returns is the stack's outputs.
    const exports = loaded instanceof Function ? await (loaded as () => unknown)() : loaded;
    return ((await outputValue(pulumi.output(exports))) ?? {}) as Record<string, unknown>;
  } finally {
    // The program is done only when every registration it started has settled, including those
    // still waiting for an input (a lookup on a slow tenant): the SDK counts them as RPCs under way,
    // and its own runner waits for them the same way before the engine may compute deletes.
    await pulumi.runtime.disconnect().catch(() => undefined);
    // Even when the program failed, let every registration under way finish, as the engine does,
    // so each resource's own error is reported and nothing is cut off mid-request.
    for (let settledCount = -1; settledCount !== pending.size; ) {
      settledCount = pending.size;
      await Promise.allSettled(pending);
      await new Promise((resolvePause) => setTimeout(resolvePause, 50));
    }
  }
}

/** An Output's value; undefined while unknown (in preview). */
function outputValue(output: unknown): Promise<unknown> {
  return (output as { promise(): Promise<unknown> }).promise();
}

function registerTypeScript(programDirectory: string): void {
  const extensions = require.extensions as unknown as Record<string, (module: { _compile(code: string, file: string): void }, file: string) => void>;
  if (extensions[".ts"]) return;
  const ts = require(require.resolve("typescript", { paths: [programDirectory, __dirname] })) as typeof import("typescript");
  // A runner process is kept for the next run of the same program (runnerProcesses.ts), which
  // loads the program afresh: a file whose text has not changed is not transpiled again (about
  // 0.1 s of CPU for the bootstrap example's two files), as the output depends on nothing else.
  const transpiled = new Map<string, { source: string; output: string }>();
  extensions[".ts"] = (module, file) => {
    const source = readFileSync(file, "utf8");
    let known = transpiled.get(file);
    if (known?.source !== source) {
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      known = { source, output: outputText };
      transpiled.set(file, known);
    }
    module._compile(known.output, file);
  };
}

/**
 * Runs {@link runProgram} in a Node process of its own (one kept from an earlier run of the same
 * program directory and environment, when there is one: tools/runner/runnerProcesses.ts), relaying
 * each step as it happens. Resolves with the result, its `exitCode` non-zero when the run failed;
 * rejects when the run threw.
 */
export function runProgramInChildProcess(options: ProgramRunOptions, onStep: (step: ProgramStep) => void = () => {}): Promise<ProgramRunResult> {
  return runInRunnerProcess(options, onStep);
}

