import { afterAll, beforeEach } from "vitest";
import { TinesClient, type TransportOptions } from "../../src/client";
import { startTinesSimulator, type TinesSimulator, type TinesSimulatorOptions } from "../../src/simulator";

/** Fast retries for tests: same policy, shorter waits. */
export const fastRetry = { baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000 };

/**
 * Starts one simulator for a test file, resets it before each test, and stops it afterwards.
 * Returns getters because the simulator starts asynchronously.
 */
export function useSimulator(options: TinesSimulatorOptions = {}) {
  let simulator: TinesSimulator | undefined;
  const clients: TinesClient[] = [];
  const ready = startTinesSimulator({ userDeletionDelayMs: 0, ...options }).then((started) => {
    simulator = started;
    return started;
  });
  beforeEach(async () => {
    const started = await ready;
    started.reset();
    for (const name of options.seedTeams ?? []) started.state.createTeam(name);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await (await ready).stop();
  });
  return {
    get simulator(): TinesSimulator {
      if (!simulator) throw new Error("simulator not started");
      return simulator;
    },
    /** A client of the tenant-owner key, closed after the file. */
    client(options: TransportOptions = {}, apiKey?: string): TinesClient {
      const client = new TinesClient(
        { tenantUrl: simulator!.url, apiKey: apiKey ?? simulator!.apiKey },
        { ...options, retry: { ...fastRetry, ...options.retry } },
      );
      clients.push(client);
      return client;
    },
  };
}
