import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startTinesSimulator, seedTenant, seededOwnerEmail, type TinesSimulator, type TinesSimulatorOptions } from "../../src/simulator";
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
 * A simulator with a unique tenant-owner key, hosts started per scenario, and a record of
 * everything a user could see (states, errors, host output) so the key can be searched for.
 */
export function useReliabilityHarness(options: TinesSimulatorOptions = {}) {
  const apiKey = `reliability-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-secret`;
  let simulator: TinesSimulator | undefined;
  const hosts: ProviderHost[] = [];
  const seen: string[] = [];
  beforeAll(async () => {
    simulator = await startTinesSimulator({ apiKey, userDeletionDelayMs: 0, seed: 11, ...options });
  });
  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await simulator?.stop();
  });
  return {
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
    async engine(environment: Record<string, string> = {}): Promise<DynamicProviderEngine> {
      const host = await startHost(environment);
      hosts.push(host);
      await host.configure({ "tines:tenant": simulator!.url, "tines:apiKey": apiKey });
      return new DynamicProviderEngine(host);
    },
    /** Remembers what a user would see, for the secrets check. */
    see(...values: unknown[]): void {
      for (const value of values) seen.push(typeof value === "string" ? value : value instanceof Error ? `${value.message}\n${value.stack}` : JSON.stringify(value));
    },
    /** Everything seen so far, with every host's output and the simulator's request log. */
    everythingSeen(): string[] {
      return [...seen, ...hosts.flatMap((host) => [host.stdout, host.stderr]), JSON.stringify(simulator!.log)];
    },
  };
}
