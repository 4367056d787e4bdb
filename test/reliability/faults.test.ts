import { describe, expect, it } from "vitest";
import type { SimulatorFaultAction } from "../../src/simulator";
import type { DynamicProviderEngine, EngineResourceState } from "../../tools/runner/engine";
import { failureOf } from "../helpers/host";
import { auditTenant, expectApiKeyNowhere, recordFigures, runConcurrently, useReliabilityHarness } from "./harness";

const harness = useReliabilityHarness();
const fastRetries = { TINES_MAX_ATTEMPTS: "5" };

function userArgs(index: number) {
  return { email: `fault.user${index}@example.com`, firstName: `User ${index}` };
}

async function createUsers(engine: DynamicProviderEngine, count: number): Promise<EngineResourceState[]> {
  const results = await runConcurrently(Array.from({ length: count }, (_, index) => index), 8, (index) => engine.up("User", `user-${index}`, userArgs(index)));
  return results.map((result) => {
    if (result.status === "rejected") throw result.reason;
    return result.value.state;
  });
}

function settled<R>(results: Array<PromiseSettledResult<R>>): { values: R[]; errors: string[] } {
  return {
    values: results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : [])),
    errors: results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : [])),
  };
}

describe("server errors and dropped connections on reads, updates and deletes", () => {
  const bursts: Array<[string, SimulatorFaultAction]> = [
    ["500", { type: "status", status: 500 }],
    ["502", { type: "status", status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" }],
    ["503", { type: "status", status: 503 }],
    ["reset before processing", { type: "reset", when: "before" }],
    ["reset after processing", { type: "reset", when: "after" }],
  ];

  it("are retried and succeed: refresh, update and delete of 20 users under 30% of each fault", async () => {
    harness.reset();
    const engine = await harness.engine(fastRetries);
    const states = await createUsers(engine, 20);
    let operations = 0;
    let succeeded = 0;
    for (const [, action] of bursts) {
      // Bursts: each request meets the fault up to 3 times running (of 5 attempts), 30% of requests at all.
      harness.simulator.setFaults({
        rules: [
          { method: "GET", action, probability: 0.3, timesPerRequest: 3 },
          { method: "PUT", action, probability: 0.3, timesPerRequest: 3 },
        ],
      });
      const refreshed = settled(await runConcurrently(states, 8, (state) => engine.refresh(state)));
      const updated = settled(
        await runConcurrently(states, 8, (state) => engine.up("User", state.name, { ...userArgs(Number(state.name.split("-")[1])), lastName: `${action.type}` }, state)),
      );
      expect(refreshed.errors).toEqual([]);
      expect(updated.errors).toEqual([]);
      operations += 40;
      succeeded += refreshed.values.length + updated.values.length;
      updated.values.forEach((result, index) => (states[index] = result.state));
    }
    harness.simulator.setFaults({
      rules: [
        { method: "DELETE", action: { type: "reset", when: "after" }, probability: 0.5, timesPerRequest: 1 },
        { method: "DELETE", action: { type: "status", status: 503 }, probability: 0.5, timesPerRequest: 2 },
      ],
    });
    const deleted = settled(await runConcurrently(states, 8, (state) => engine.destroy(state)));
    expect(deleted.errors).toEqual([]);
    operations += states.length;
    succeeded += deleted.values.length;
    const audit = auditTenant(harness.simulator, []);
    expect(audit).toEqual({ duplicated: 0, lost: 0 });
    const faulted = harness.simulator.log.filter((entry) => entry.status !== 200 && entry.status !== 204 && entry.status !== 201).length;
    recordFigures({
      faultClass: "500/502/503 and resets (before and after commit) on 30% of reads, updates and deletes",
      operations,
      succeeded,
      failedClearly: 0,
      ...audit,
      note: `${faulted} requests faulted, all retried`,
    });
  });

  it("when they outlast the retries, the error says what failed after how many attempts, and state still matches the tenant", async () => {
    harness.reset();
    const engine = await harness.engine({ TINES_MAX_ATTEMPTS: "3" });
    const [state] = await createUsers(engine, 1);
    harness.simulator.setFaults({ rules: [{ method: "PUT", action: { type: "status", status: 503 } }, { method: "DELETE", action: { type: "reset", when: "before" } }] });
    const update = await engine.up("User", state!.name, { ...userArgs(0), firstName: "Changed" }, state).catch((error: Error) => error);
    const destroy = await engine.destroy(state!).catch((error: Error) => error);
    expect((update as Error).message).toContain(`PUT /api/v1/admin/users/${state!.id} failed after 3 attempts: 503`);
    expect((destroy as Error).message).toContain(`DELETE /api/v1/admin/users/${state!.id} failed after 3 attempts`);
    harness.simulator.setFaults({});
    // The engine keeps the old state when an operation fails; the tenant must still agree with it.
    const refreshed = await engine.refresh(state!);
    expect(refreshed!.outputs.firstName).toBe(state!.outputs.firstName);
    expect(auditTenant(harness.simulator, [state!])).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Faults outlasting the retries (503 on update, resets on delete)", operations: 2, succeeded: 0, failedClearly: 2, duplicated: 0, lost: 0, note: "error names method, path and attempts; state matched the tenant" });
  });
});

describe("ambiguous writes: the answer lost after the tenant committed it", () => {
  it("creates of users, memberships and templates leave exactly one object each, in state; lost delete answers still delete", async () => {
    harness.reset();
    const engine = await harness.engine(fastRetries);
    // Half of all creates lose their answer after Tines committed them; of the rest, some fail
    // once with a 502 before committing; every create meets each fault at most once.
    harness.simulator.setFaults({
      rules: [
        { method: "POST", action: { type: "reset", when: "after" }, probability: 0.5, timesPerRequest: 1 },
        { method: "POST", action: { type: "status", status: 502 }, probability: 0.4, timesPerRequest: 1 },
      ],
    });
    const declared = [
      ...Array.from({ length: 20 }, (_, index) => ({ kind: "User" as const, name: `u${index}`, args: userArgs(index) })),
      ...Array.from({ length: 20 }, (_, index) => ({ kind: "TeamMembership" as const, name: `m${index}`, args: { teamId: 1, email: `ambiguous.member${index}@example.com`, role: "EDITOR" } })),
      ...Array.from({ length: 10 }, (_, index) => ({
        kind: "PrivateTemplate" as const,
        name: `t${index}`,
        args: { name: `Ambiguous ${index}`, vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: { n: index } },
      })),
    ];
    const created = settled(await runConcurrently(declared, 8, (each) => engine.up(each.kind, each.name, each.args)));
    expect(created.errors).toEqual([]);
    const states = created.values.map((result) => result.state);
    const afterCreate = auditTenant(harness.simulator, states);
    expect(afterCreate).toEqual({ duplicated: 0, lost: 0 });
    const lostAnswers = harness.simulator.log.filter((entry) => entry.status === "reset").length;
    expect(lostAnswers).toBeGreaterThan(10);

    harness.simulator.setFaults({
      rules: [
        { method: "DELETE", action: { type: "reset", when: "after" }, probability: 0.5, timesPerRequest: 1 },
        { method: "POST", path: /remove_member/, action: { type: "reset", when: "after" }, probability: 0.5, timesPerRequest: 1 },
      ],
    });
    const deleted = settled(await runConcurrently(states, 8, (state) => engine.destroy(state)));
    expect(deleted.errors).toEqual([]);
    const afterDelete = auditTenant(harness.simulator, []);
    // Users invited by email stay in the tenant (a membership owns only the membership): not lost.
    const leftUsers = harness.simulator.state.listUsers().filter((user) => user.email.startsWith("fault.user"));
    expect(leftUsers).toHaveLength(0);
    expect(harness.simulator.state.listTemplates()).toHaveLength(0);
    expect(harness.simulator.state.membersOf(1).map((member) => member.email)).toEqual(["owner@example.com"]);
    recordFigures({
      faultClass: "Ambiguous creates and deletes (50% of answers lost after commit; 40% of the other creates 502 once)",
      operations: declared.length * 2,
      succeeded: created.values.length + deleted.values.length,
      failedClearly: 0,
      duplicated: afterCreate.duplicated,
      lost: afterCreate.lost + (leftUsers.length > 0 ? leftUsers.length : 0),
      note: `${lostAnswers} create answers lost; ${afterDelete.duplicated} duplicates after delete`,
    });
  });
});

describe("timeouts", () => {
  it("a hanging request fails after the configured timeout with a clear error, and never hangs the deployment", async () => {
    harness.reset();
    const engine = await harness.engine({ TINES_REQUEST_TIMEOUT_SECONDS: "1", TINES_MAX_ATTEMPTS: "2" });
    const [state] = await createUsers(engine, 1);
    harness.simulator.setFaults({ rules: [{ action: { type: "hang" } }] });
    const started = Date.now();
    const refresh = await engine.refresh(state!).catch((error: Error) => error);
    const refreshSeconds = (Date.now() - started) / 1000;
    const create = await engine.up("User", "hung", userArgs(99)).catch((error: Error) => error);
    const totalSeconds = (Date.now() - started) / 1000;
    expect((refresh as Error).message).toMatch(/GET \/api\/v1\/admin\/users\/\d+ failed after 2 attempts: no complete answer within 1000 ms \(timed out\)/);
    expect((create as Error).message).toContain("timed out");
    expect(refreshSeconds).toBeLessThan(5);
    expect(totalSeconds).toBeLessThan(20);
    harness.simulator.setFaults({});
    expect(auditTenant(harness.simulator, [state!])).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Hanging requests (timeout 1 s, 2 attempts)", operations: 2, succeeded: 0, failedClearly: 2, duplicated: 0, lost: 0, seconds: totalSeconds });
  });
});

describe("malformed answers", () => {
  const bodies: Array<[string, string | ((real: string) => string)]> = [
    ["an HTML error page", "<!DOCTYPE html><html><body><h1>We're sorry, but something went wrong.</h1></body></html>"],
    ["truncated JSON", (real) => real.slice(0, Math.floor(real.length / 2))],
    ["a field of the wrong type", (real) => real.replace(/"is_active":(true|false)/, '"is_active":"yes"')],
    ["an empty body", ""],
  ];

  it("each is a clear error naming the endpoint; a create that did commit is found and recorded once, one that did not is retried", async () => {
    harness.reset();
    const engine = await harness.engine(fastRetries);
    const states: EngineResourceState[] = [];
    let operations = 0;
    let succeeded = 0;
    let failedClearly = 0;
    for (const [index, [description, body]] of bodies.entries()) {
      // The create's answer is garbled after Tines committed the user.
      harness.simulator.setFaults({ rules: [{ method: "POST", action: { type: "replaceBody", body }, times: 1 }] });
      const { state } = await engine.up("User", `garbled-${index}`, userArgs(index));
      states.push(state);
      operations += 1;
      succeeded += 1;
      // A read's answer is garbled: the refresh fails, naming the endpoint.
      harness.simulator.setFaults({ rules: [{ method: "GET", action: { type: "replaceBody", body } }] });
      const error = await engine.refresh(state).catch((caught: Error) => caught);
      expect((error as Error).message, description).toContain(`GET /api/v1/admin/users/${state.id} returned an unexpected response`);
      operations += 1;
      failedClearly += 1;
    }
    // A 502 whose body is an HTML page, before anything was committed: the create is tried again.
    harness.simulator.setFaults({ rules: [{ method: "POST", action: { type: "status", status: 502, body: "<html>Bad Gateway</html>" }, times: 1 }] });
    states.push((await engine.up("User", "after-502", userArgs(50))).state);
    operations += 1;
    succeeded += 1;
    harness.simulator.setFaults({});
    const audit = auditTenant(harness.simulator, states);
    expect(audit).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Malformed answers (HTML page, truncated JSON, wrong type, empty body)", operations, succeeded, failedClearly, ...audit });
  });
});

describe("secrets", () => {
  it("the API key appears nowhere in a run that meets every fault: states, errors, host output, the simulator's log", async () => {
    const readFaults: SimulatorFaultAction[] = [
      { type: "status", status: 503 },
      { type: "status", status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" },
      { type: "reset", when: "before" },
      { type: "reset", when: "after" },
      { type: "hang" },
      { type: "replaceBody", body: "<!DOCTYPE html><html><body><h1>We're sorry, but something went wrong.</h1></body></html>" },
      { type: "replaceBody", body: (real) => real.slice(0, Math.floor(real.length / 2)) },
    ];
    const run = await harness.observe({ TINES_MAX_ATTEMPTS: "2", TINES_REQUEST_TIMEOUT_SECONDS: "1" }, async (engine) => {
      const [state] = await createUsers(engine, 1);
      const errors: Error[] = [];
      for (const action of readFaults) {
        harness.simulator.setFaults({ rules: [{ method: "GET", action }] });
        errors.push(await failureOf(engine.refresh(state!)));
      }
      harness.simulator.setFaults({ rules: [{ method: "PUT", action: { type: "status", status: 503 } }, { method: "DELETE", action: { type: "reset", when: "before" } }] });
      errors.push(await failureOf(engine.up("User", state!.name, { ...userArgs(0), firstName: "Changed" }, state)));
      errors.push(await failureOf(engine.destroy(state!)));
      return { states: [state!], errors };
    });
    expect(run.errors).toHaveLength(readFaults.length + 2);
    // The host printed the failed reads and the failed delete, naming the endpoint.
    expect(run.hostOutput.stderr).toMatch(/GET \/api\/v1\/admin\/users\/\d+ failed after 2 attempts/);
    expect(run.hostOutput.stderr).toMatch(/DELETE \/api\/v1\/admin\/users\/\d+ failed after 2 attempts/);
    const searched = expectApiKeyNowhere(run, harness.apiKey);
    recordFigures({
      faultClass: "Secrets: places searched for the API key in a run meeting every fault (7 on reads, a 503 on an update, resets on a delete)",
      operations: searched,
      succeeded: searched,
      failedClearly: 0,
      duplicated: 0,
      lost: 0,
      note: "key found in none",
    });
  });
});
