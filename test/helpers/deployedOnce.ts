import { readFileSync, writeFileSync } from "node:fs";
import type { TenantData, TinesSimulator } from "../../src/simulator";

/**
 * A deployment that the tests of a file start from, made once: `deploy` runs (for the first test
 * that asks, on the tenants and the state file that test set up), then each test that asks gets
 * the tenants and the stack state as `deploy` left them, copied into its own state file, with the
 * request logs emptied. So no test depends on another having run, and the deploy is paid once.
 *
 * @param tenants The simulators the deployment touches.
 * @param statePath The state file of the test under way.
 * @param deploy Runs the program (or programs) and returns what the tests assert on.
 */
export function deployedOnce<T>(tenants: () => TinesSimulator[], statePath: () => string, deploy: () => Promise<T>): () => Promise<T> {
  let made: Promise<{ result: T; tenants: TenantData[]; state: string }> | undefined;
  return async () => {
    made ??= (async () => {
      const result = await deploy();
      return { result, tenants: tenants().map((simulator) => simulator.state.snapshot()), state: readFileSync(statePath(), "utf8") };
    })();
    const { result, tenants: saved, state } = await made;
    tenants().forEach((simulator, index) => simulator.state.restore(saved[index]!));
    writeFileSync(statePath(), state);
    await Promise.all(tenants().map((simulator) => fetch(`${simulator.url}/_simulator/requests`, { method: "DELETE", headers: { authorization: `Bearer ${simulator.apiKey}` } })));
    return result;
  };
}
