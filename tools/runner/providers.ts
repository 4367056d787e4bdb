/**
 * The provider processes of one run, as the engine keeps them: one dynamic-provider host for the
 * default provider, configured with the stack config, once a resource uses it, and one for each
 * explicit provider (a TinesProvider, type `pulumi:providers:pulumi-nodejs`), configured with that provider's inputs
 * only (pulumi-dynamic-providers.md, "Explicit providers"). A resource goes to the process of the
 * provider it names. Refresh and destroy configure a provider from the inputs the state recorded
 * for it at the last `up`, not from the program (pkg/resource/deploy/providers/registry.go,
 * `EnsureProvider` from state; pulumi-dynamic-providers.md, "Refresh and destroy use the provider
 * configuration recorded in the state").
 */
import { ConcurrencyLimit } from "./concurrency";
import { defaultEngineParallelism, DynamicProviderEngine, EngineDeployment } from "./engine";
import { ProviderHost } from "./providerHost";

/** The type token of an explicit provider of dynamic resources. */
export const explicitProviderType = "pulumi:providers:pulumi-nodejs";

/** The SDK's marks of a secret value in a property map (`sdk/nodejs/runtime/rpc.ts`, `specialSecretSig`). */
const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** An explicit provider as the state records it. */
export interface ProviderState {
  /** The provider's URN. */
  urn: string;
  /** The id the engine gave it; with the URN, the reference its resources record (`<urn>::<id>`). */
  id: string;
  /**
   * Its inputs, secrets still marked as secrets (the engine encrypts them; this runner has no
   * encryption, so they are marked, not hidden: a test state file only).
   */
  inputs: Record<string, unknown>;
}

/** Whether a property value is the SDK's secret wrapper. */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSignatureKey] === secretSignature;
}

/** The names of a provider's inputs that are secrets. */
export function secretInputNames(inputs: Record<string, unknown>): string[] {
  return Object.keys(inputs).filter((key) => isSecretValue(inputs[key]));
}

/**
 * A provider's inputs as its process's `configure` receives them: secrets decrypted (the host
 * unwraps them, `rpc.unwrapRpcSecret`), values as the strings TinesProvider registers.
 */
export function configurationOf(inputs: Record<string, unknown>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [key, raw] of Object.entries(inputs)) {
    const value = isSecretValue(raw) ? raw.value : raw;
    if (value !== undefined && value !== null) config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

/** The URN part of a provider reference `<urn>::<id>`. */
export function providerUrnOf(reference: string): string {
  return reference.slice(0, reference.lastIndexOf("::"));
}

/** A provider process of the run, and its view of the deployment's schedulers. */
export interface RunningProvider {
  host: ProviderHost;
  engine: DynamicProviderEngine;
  deployment: EngineDeployment;
}

/**
 * The provider processes of one run: the default one and one per explicit provider, each started
 * and configured on first use. The engine, too, loads the default provider only when a resource
 * needs it (pkg/resource/deploy, `defaultProviders.getDefaultProviderRef`), so a
 * program whose resources all name a TinesProvider never configures the stack's `tines:*` settings.
 */
export class ProviderProcesses {
  /** By provider URN; the default provider under "". */
  private readonly running = new Map<string, Promise<RunningProvider>>();
  /** One step generator and one step executor serve every provider of a deployment, as in the engine. */
  private readonly schedulers = { stepGenerator: new ConcurrencyLimit(1), stepExecutor: new ConcurrencyLimit(defaultEngineParallelism) };

  constructor(
    private readonly start: {
      programDirectory: string;
      projectName: string;
      stackName: string;
      environment?: Record<string, string>;
      /** The stack config, which the default provider is configured with. */
      config: Record<string, string>;
    },
  ) {}

  /**
   * The process of the provider `reference` (undefined: the default provider), configured, when it
   * starts, with the stack config (the default provider) or `inputs()`: the provider's inputs in
   * this run, or as the state recorded them.
   */
  for(reference: string | undefined, inputs: () => Record<string, unknown> | undefined): Promise<RunningProvider> {
    const urn = reference === undefined ? "" : providerUrnOf(reference);
    let running = this.running.get(urn);
    if (running === undefined) {
      running = (async () => {
        let config = this.start.config;
        if (urn !== "") {
          const settings = inputs();
          if (settings === undefined) throw new Error(`the provider ${urn} is neither declared by the program nor recorded in the state`);
          config = configurationOf(settings);
        }
        const host = await ProviderHost.startConfigured(
          { programDirectory: this.start.programDirectory, projectName: this.start.projectName, environment: this.start.environment },
          config,
        );
        const engine = new DynamicProviderEngine(host, this.start.stackName, this.start.projectName);
        return { host, engine, deployment: new EngineDeployment(engine, defaultEngineParallelism, this.schedulers) };
      })();
      this.running.set(urn, running);
    }
    return running;
  }

  /** Every host started, the default one first. */
  async hosts(): Promise<ProviderHost[]> {
    const started = await Promise.allSettled([...this.running.entries()].sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : 0)).map(([, each]) => each));
    return started.flatMap((result) => (result.status === "fulfilled" ? [result.value.host] : []));
  }

  /** Stops every host started. */
  async stop(): Promise<void> {
    await Promise.all((await this.hosts()).map((host) => host.stop()));
  }
}
