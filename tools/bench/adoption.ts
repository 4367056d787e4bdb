/**
 * The cost of taking over a tenant: adopting N users of a tenant of M through the real
 * dynamic-provider host, at the engine's parallelism, with Tines' rate limits time-scaled, next to
 * what the old per-resource lookup cost (each adopted user paged the directory until found, then
 * was always updated). Target: at most N + ceil(M / 500) + a handful of requests.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TenantState, seedTenant } from "pulumi-tines/simulator";
import { DynamicProviderEngine, EngineDeployment } from "../runner/engine";
import { ProviderHost } from "../runner/providerHost";
import { repositoryRoot } from "./paths";
import { startSimulatorThread } from "./simulatorThread";

/** What one adoption run measured. */
export interface AdoptionFigures {
  adoptedUsers: number;
  tenantUsers: number;
  /** Requests made now, all of them GETs when every adopted user already matches. */
  requests: number;
  writes: number;
  /** N + ceil(M / 500) + 5. */
  targetRequests: number;
  /** What the old path made for the same users: pages walked until each was found, plus an update each. */
  previousRequests: number;
  /** Measured, with Tines' limits `timeScale` times faster. */
  seconds: number;
  /** The measured time scaled back to Tines' real limits (an upper estimate: latency does not scale), in minutes. */
  realLimitMinutes: number;
  /** At Tines' real limits (500 a minute on admin/users), now and before: the rate-limit bound in minutes. */
  boundMinutes: number;
  previousBoundMinutes: number;
  failedOperations: number;
}

/**
 * Seeds a tenant of `tenantUsers` users, then adopts `adoptedUsers` of them spread evenly through
 * the directory (as a roster from `pulumi-tines export` would), each declared as Tines holds it.
 */
export async function adoptionCost(
  adoptedUsers: number,
  tenantUsers: number,
  options: { parallelism: number; latencyMs: number; timeScale: number },
): Promise<AdoptionFigures> {
  // Seeded in this thread and handed over as a state file: seeding over HTTP would take the
  // admin/users limit's minutes.
  const directory = mkdtempSync(join(tmpdir(), "pulumi-tines-adoption-"));
  const statePath = join(directory, "tenant.json");
  const seeded = new TenantState();
  seedTenant(seeded, ["Security Operations", "IT Operations"]);
  for (let index = seeded.listUsers().length; index < tenantUsers; index += 1) {
    seeded.createUser({ email: `existing${String(index).padStart(5, "0")}@example.com`, first_name: "First", last_name: `Last${index}` });
  }
  writeFileSync(statePath, JSON.stringify(seeded.snapshot()));
  const users = seeded.listUsers();
  const step = users.length / adoptedUsers;
  const positions = Array.from({ length: adoptedUsers }, (_, index) => Math.floor(index * step + step - 1));

  const simulator = await startSimulatorThread({ statePath, userDeletionDelayMs: 0, rateLimits: { timeScale: options.timeScale } }, []);
  const host = await ProviderHost.start({ programDirectory: repositoryRoot, environment: { TINES_RATE_LIMIT_TIME_SCALE: String(options.timeScale) } });
  try {
    await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey });
    await simulator.setFaults({ latencyMs: options.latencyMs });
    await simulator.takeLog();
    const deployment = new EngineDeployment(new DynamicProviderEngine(host), options.parallelism);
    const started = Date.now();
    const results = await Promise.allSettled(
      positions.map((position) => {
        const user = users[position]!;
        return deployment.up("User", `user-${position}`, { email: user.email, firstName: user.first_name, lastName: user.last_name, adoptExisting: true });
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const log = await simulator.takeLog();
    const writes = log.filter((entry) => entry.method !== "GET").length;
    // The old path: findByEmail walked 500-user pages until the user's page, then always updated.
    const previousRequests = positions.reduce((sum, position) => sum + Math.floor(position / 500) + 1 + 1, 0);
    return {
      adoptedUsers,
      tenantUsers: users.length,
      requests: log.length,
      writes,
      targetRequests: adoptedUsers + Math.ceil(users.length / 500) + 5,
      previousRequests,
      seconds,
      realLimitMinutes: (seconds * options.timeScale) / 60,
      boundMinutes: log.length / 500,
      previousBoundMinutes: previousRequests / 500,
      failedOperations: results.filter((result) => result.status === "rejected").length,
    };
  } finally {
    await host.stop();
    await simulator.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
