import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { startTinesSimulator, seedTenant, seededOwnerEmail, type SimulatorRequestLogEntry, type TinesSimulator, type TinesSimulatorOptions } from "../../src/simulator";
import { DynamicProviderEngine, type EngineResourceState } from "../../tools/runner/engine";
export { runConcurrently } from "../../tools/runner/concurrency";
import { reliabilityReportDirectory, type ReliabilityFigures } from "../../tools/bench/reliabilityReport";
import type { ProviderHost } from "../../tools/runner/providerHost";
import { repositoryRoot, startHost } from "../helpers/host";

/**
 * Records a row of figures, one file per fault class (test files run in parallel workers);
 * `npm run reliability` turns them into the README's table.
 */
export function recordFigures(row: ReliabilityFigures): void {
  mkdirSync(reliabilityReportDirectory, { recursive: true });
  const file = `${row.faultClass.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, 80)}.json`;
  writeFileSync(join(reliabilityReportDirectory, file), JSON.stringify({ ...row, recordedAt: new Date().toISOString() }, null, 2));
}

/**
 * Compares the tenant with the stack's state: `duplicated` counts objects beyond one per declared
 * resource (users by email, memberships by team and user, templates by name), `lost` counts
 * objects in the tenant that no state names plus states whose object is not in the tenant.
 */
export function auditTenant(simulator: TinesSimulator, states: EngineResourceState[]): { duplicated: number; lost: number } {
  const data = simulator.state.snapshot();
  const users = data.users.filter((user) => user.email !== seededOwnerEmail && user.pending_deletion_at === null);
  const memberships = Object.entries(data.memberships).flatMap(([teamId, members]) =>
    Object.keys(members).map((userId) => `${teamId}/${userId}`),
  );
  const ownerId = data.users.find((user) => user.email === seededOwnerEmail)?.id;
  const managedMemberships = memberships.filter((id) => !id.endsWith(`/${ownerId}`));
  const count = (values: string[]) => values.reduce((map, value) => map.set(value, (map.get(value) ?? 0) + 1), new Map<string, number>());
  let duplicated = 0;
  for (const copies of count(users.map((user) => user.email.toLowerCase())).values()) duplicated += copies - 1;
  for (const copies of count(data.templates.map((template) => template.name)).values()) duplicated += copies - 1;
  const inState = new Set(states.map((state) => `${state.kind}:${state.id}`));
  // A user invited by email belongs to the membership that invited them, not to a TinesUser.
  const invited = new Set(states.filter((state) => state.kind === "TeamMembership").map((state) => state.outputs.userId));
  const inTenant = new Set([
    ...users.filter((user) => !invited.has(user.id)).map((user) => `User:${user.id}`),
    ...managedMemberships.map((id) => `TeamMembership:${id}`),
    ...data.templates.map((template) => `PrivateTemplate:${template.id}`),
  ]);
  let lost = 0;
  for (const key of inTenant) if (!inState.has(key)) lost += 1;
  for (const key of inState) if (!inTenant.has(key)) lost += 1;
  return { duplicated, lost };
}

/**
 * Everything a user could see of one run: the states it recorded, the errors it met, what its
 * provider host printed, and the simulator's log of its requests. What a key scan searches.
 */
export interface ObservedRun {
  /** Each recorded state, as JSON. */
  states: string[];
  /** Each error's message and stack. */
  errors: string[];
  /** What the run's own provider host printed. */
  hostOutput: { stdout: string; stderr: string };
  /** The requests of the run (the log starts empty at the run's reset). */
  requestLog: SimulatorRequestLogEntry[];
}

/** What a scenario hands back to {@link useReliabilityHarness}'s `observe`. */
export interface ScenarioOutcome {
  states: EngineResourceState[];
  errors: Error[];
}

/**
 * Asserts that the API key appears nowhere in `run`, and first that there was something to search:
 * states, errors, host output (the host prints the errors of check, diff, read and delete) and
 * requests the key authenticated. A scan of nothing would pass whatever the provider printed.
 */
export function expectApiKeyNowhere(run: ObservedRun, apiKey: string): number {
  expect(run.states.length, "states to scan").toBeGreaterThan(0);
  expect(run.errors.length, "errors to scan").toBeGreaterThan(0);
  expect(run.hostOutput.stderr, "host errors to scan").not.toBe("");
  expect(run.requestLog.filter((entry) => entry.key === "owner").length, "requests made with the key").toBeGreaterThan(0);
  const texts = [...run.states, ...run.errors, run.hostOutput.stdout, run.hostOutput.stderr, JSON.stringify(run.requestLog)];
  for (const text of texts) expect(text).not.toContain(apiKey);
  return texts.length;
}

/**
 * A simulator with a unique tenant-owner key and hosts started per scenario; `observe` runs a
 * scenario on a fresh tenant and a host of its own and returns what a user could see of it, so a
 * key scan searches what its own run produced whichever tests ran before it.
 */
export function useReliabilityHarness(options: TinesSimulatorOptions = {}) {
  const apiKey = `reliability-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-secret`;
  let simulator: TinesSimulator | undefined;
  const hosts: ProviderHost[] = [];
  beforeAll(async () => {
    simulator = await startTinesSimulator({ apiKey, userDeletionDelayMs: 0, seed: 11, ...options });
  });
  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await simulator?.stop();
  });
  const startEngine = async (environment: Record<string, string>): Promise<DynamicProviderEngine> => {
    const host = await startHost(environment);
    hosts.push(host);
    await host.configure({ "tines:tenant": simulator!.url, "tines:apiKey": apiKey });
    return new DynamicProviderEngine(host);
  };
  const harness = {
    apiKey,
    get simulator(): TinesSimulator {
      return simulator!;
    },
    /** Resets the tenant to an owner with two teams and clears faults, limits and the log. */
    reset(): void {
      simulator!.reset();
      simulator!.setRateLimits({ enabled: true, perMinute: 5000, adminUsersPerMinute: 500, timeScale: 1, sendRetryAfter: true });
      seedTenant(simulator!.state, ["Security Operations", "IT Operations"]);
    },
    /** A fresh host configured through `configure` (its first calls race it), with extra settings in the environment. */
    engine(environment: Record<string, string> = {}): Promise<DynamicProviderEngine> {
      return startEngine(environment);
    },
    /**
     * Resets the tenant, runs `scenario` on a host of its own (extra settings in `environment`)
     * and returns everything a user could see of that run.
     */
    async observe(environment: Record<string, string>, scenario: (engine: DynamicProviderEngine) => Promise<ScenarioOutcome>): Promise<ObservedRun> {
      harness.reset();
      const engine = await startEngine(environment);
      const outcome = await scenario(engine);
      simulator!.setFaults({});
      return {
        states: outcome.states.map((state) => JSON.stringify(state)),
        errors: outcome.errors.map((error) => `${error.message}\n${error.stack}`),
        hostOutput: { stdout: engine.host.stdout, stderr: engine.host.stderr },
        requestLog: [...simulator!.log],
      };
    },
  };
  return harness;
}
