import { join } from "node:path";
import { afterAll, beforeEach } from "vitest";
import { startTinesSimulator, type TinesSimulator, type TinesSimulatorOptions } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import { ProviderHost } from "../../tools/runner/providerHost";

/** The repository root: its node_modules/pulumi-tines links back to it, as a user's program would resolve the package. */
export const repositoryRoot = join(__dirname, "../..");

/** How the tests start a host: in the repository root, with the given environment. */
function hostOptions(environment: Record<string, string> = {}) {
  return { programDirectory: repositoryRoot, environment };
}

/** Starts a host in the repository root with the given environment. */
export function startHost(environment: Record<string, string> = {}): Promise<ProviderHost> {
  return ProviderHost.start(hostOptions(environment));
}

/**
 * Starts a host in the repository root with the given environment and configures it with `config`;
 * a host whose configure fails is stopped (ProviderHost.startConfigured).
 */
export function startConfiguredHost(config: Record<string, string>, environment: Record<string, string> = {}): Promise<ProviderHost> {
  return ProviderHost.startConfigured(hostOptions(environment), config);
}

/**
 * An engine on a provider host of its own, configured for `simulator` with preview checks on (and
 * `config` on top, e.g. another key): one deployment, as one `pulumi` command's provider process.
 * The caller stops its host.
 */
export async function engineFor(simulator: TinesSimulator, config: Record<string, string> = {}): Promise<DynamicProviderEngine> {
  return new DynamicProviderEngine(
    await startConfiguredHost({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines:previewChecks": "true", ...config }),
  );
}

/**
 * One simulator and one configured provider host for a test file (the host runs the compiled
 * package, as the engine would), with the simulator reset before each test. `config` adds stack
 * config (e.g. `"tines:previewChecks": "false"`).
 */
export function useProviderHost({ config, ...options }: TinesSimulatorOptions & { config?: Record<string, string> } = {}) {
  let simulator: TinesSimulator | undefined;
  let host: ProviderHost | undefined;
  const ready = (async () => {
    simulator = await startTinesSimulator({ userDeletionDelayMs: 0, ...options });
    host = await startConfiguredHost({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, ...config }, { TINES_MAX_ATTEMPTS: "3" });
  })();
  beforeEach(async () => {
    await ready;
    simulator!.reset();
    for (const name of options.seedTeams ?? []) simulator!.state.createTeam(name);
  });
  const freshHosts: ProviderHost[] = [];
  afterAll(async () => {
    await ready.catch(() => undefined);
    await Promise.all(freshHosts.map((each) => each.stop()));
    await host?.stop();
    await simulator?.stop();
  });
  return {
    /**
     * An engine on a host of its own, configured for the simulator with preview checks on (and
     * `config` on top, e.g. another key): a host reads the tenant's facts once per process (a
     * deployment), so each preview that must see the tenant as it is now gets a fresh one.
     * Stopped after the file's tests.
     */
    async freshEngine(config: Record<string, string> = {}): Promise<DynamicProviderEngine> {
      const fresh = await engineFor(simulator!, config);
      freshHosts.push(fresh.host);
      return fresh;
    },
    get simulator(): TinesSimulator {
      return simulator!;
    },
    get host(): ProviderHost {
      return host!;
    },
    get engine(): DynamicProviderEngine {
      return new DynamicProviderEngine(host!);
    },
  };
}

export { failureOf } from "./failure";
