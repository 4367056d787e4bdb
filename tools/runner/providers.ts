/**
 * The provider processes of one run, as the engine keeps them: one dynamic-provider host for the
 * default provider, configured with the stack config, and one for each explicit provider (a
 * TinesProvider, type `pulumi:providers:pulumi-nodejs`), configured with that provider's inputs
 * only (pulumi-dynamic-providers.md, "Explicit providers"). A resource goes to the process of the
 * provider it names. Refresh and destroy configure a provider from the inputs the state recorded
 * for it at the last `up`, not from the program (pkg/resource/deploy/providers/registry.go,
 * `EnsureProvider` from state; pulumi-dynamic-providers.md, "Refresh and destroy use the provider
 * configuration recorded in the state").
 */
import { DynamicProviderEngine, type EngineDeployment } from "./engine";
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

/** The provider processes of one run: the default one, and one per explicit provider, started on first use. */
export class ProviderProcesses {
  private readonly explicit = new Map<string, Promise<RunningProvider>>();

  constructor(
    private readonly defaultProvider: RunningProvider,
    private readonly start: { programDirectory: string; projectName: string; stackName: string; environment?: Record<string, string> },
  ) {}

  /**
   * The process of the provider `reference` (undefined: the default provider), configured, when it
   * starts, with `inputs()`: the provider's inputs in this run, or as the state recorded them.
   */
  for(reference: string | undefined, inputs: () => Record<string, unknown> | undefined): Promise<RunningProvider> {
    if (reference === undefined) return Promise.resolve(this.defaultProvider);
    const urn = providerUrnOf(reference);
    let running = this.explicit.get(urn);
    if (running === undefined) {
      running = (async () => {
        const settings = inputs();
        if (settings === undefined) throw new Error(`the provider ${urn} is neither declared by the program nor recorded in the state`);
        const host = await ProviderHost.start({ programDirectory: this.start.programDirectory, projectName: this.start.projectName, environment: this.start.environment });
        try {
          await host.configure(configurationOf(settings));
        } catch (error) {
          await host.stop();
          throw error;
        }
        const engine = new DynamicProviderEngine(host, this.start.stackName, this.start.projectName);
        return { host, engine, deployment: this.defaultProvider.deployment.on(engine) };
      })();
      this.explicit.set(urn, running);
    }
    return running;
  }

  /** Every host started, the default one first. */
  async hosts(): Promise<ProviderHost[]> {
    const explicit = await Promise.allSettled(this.explicit.values());
    return [this.defaultProvider.host, ...explicit.flatMap((result) => (result.status === "fulfilled" ? [result.value.host] : []))];
  }

  /** Stops every explicit provider's host (the default one is its caller's). */
  async stopExplicit(): Promise<void> {
    const explicit = await Promise.allSettled(this.explicit.values());
    await Promise.all(explicit.map((result) => (result.status === "fulfilled" ? result.value.host.stop() : undefined)));
  }
}
