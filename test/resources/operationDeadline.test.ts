import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TinesClient, TinesOperationTimeoutError, defaultOperationTimeoutMs, withOperationDeadline } from "../../src/client";
import { ProviderConfiguration } from "../../src/provider/configuration";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine, type PartialStepError } from "../../tools/runner/engine";
import type { ProviderHost } from "../../tools/runner/providerHost";
import { failureOf, startHost } from "../helpers/host";

/** The bound these tests configure; the margin covers the host and a noisy machine, not another attempt. */
const boundSeconds = 3;
const marginMs = 10_000;

let simulator: TinesSimulator;
let host: ProviderHost;
let engine: DynamicProviderEngine;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  host = await startHost();
  // Default retries and per-request timeout (30 s, 5 attempts): only the operation bound is small.
  await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines:operationTimeoutSeconds": String(boundSeconds) });
  engine = new DynamicProviderEngine(host);
});
beforeEach(() => simulator.reset());
afterAll(async () => {
  await host?.stop();
  await simulator?.stop();
});

const hangEverything = () => simulator.setFaults({ rules: [{ action: { type: "hang" } }] });

async function timed<T>(action: Promise<T>): Promise<{ error: Error; elapsedMs: number }> {
  const started = Date.now();
  const error = await failureOf(action);
  return { error, elapsedMs: Date.now() - started };
}

describe("a hanging tenant fails an operation within its bound", () => {
  it("the default bound of an operation is under 90 seconds", () => {
    expect(defaultOperationTimeoutMs).toBeLessThanOrEqual(90_000);
    expect(new ProviderConfiguration().operationTimeoutMs()).toBe(defaultOperationTimeoutMs);
  });

  it("a refresh whose request never answers fails at the bound, saying it timed out, the attempts and the time spent", async () => {
    const { state } = await engine.up("User", "ada", { email: "ada@example.com" });
    hangEverything();
    const { error, elapsedMs } = await timed(engine.refresh(state));
    expect(elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    expect(error.message).toMatch(/timed out after \d+\.\d s \(1 attempt in all; the bound is 3\.0 s without an answer, set by tines:operationTimeoutSeconds\)/);
    expect(error.message).toContain(`GET /api/v1/admin/users/${state.id}`);
  });

  it("a create whose request never answers fails at the bound, reconciling lookups included", async () => {
    hangEverything();
    const { error, elapsedMs } = await timed(engine.up("User", "ada", { email: "ada@example.com" }));
    expect(elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    expect(error.message).toContain("timed out after");
    expect(error.message).toContain("tines:operationTimeoutSeconds");
  });

  it("an update and a delete are bounded the same way", async () => {
    const { state } = await engine.up("PrivateTemplate", "t", {
      name: "T",
      vendor: "V",
      product: "P",
      agentType: "Agents::HTTPRequestAgent",
      agentOptions: {},
    });
    hangEverything();
    const update = await timed(engine.up("PrivateTemplate", "t", { name: "T2", vendor: "V", product: "P", agentType: "Agents::HTTPRequestAgent", agentOptions: {} }, state));
    expect(update.elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    expect(update.error.message).toContain("timed out after");
    const deletion = await timed(engine.destroy(state));
    expect(deletion.elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    expect(deletion.error.message).toContain("timed out after");
  });
});

describe("the operation deadline in the client", () => {
  it("is shared by every retry of every request of the operation, and counts their attempts", async () => {
    simulator.setFaults({ rules: [{ action: { type: "hang" } }] });
    const client = new TinesClient(
      { tenantUrl: simulator.url, apiKey: simulator.apiKey },
      { timeoutMs: 400, retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 100 } },
    );
    try {
      const started = Date.now();
      const error = await failureOf(withOperationDeadline(1_500, () => client.users.get(1)));
      const elapsedMs = Date.now() - started;
      expect(error).toBeInstanceOf(TinesOperationTimeoutError);
      expect(elapsedMs).toBeLessThan(1_500 + marginMs);
      const attempts = (error as TinesOperationTimeoutError).attempts;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(error.message).toContain(`${attempts} attempts in all`);
      expect(error.message).toMatch(/The last failure: .*no complete answer within \d+ ms/);
    } finally {
      await client.close();
    }
  });

  it("bounds the wait for the rate limit too: a 429 asking for 30 s holds no operation past its bound", async () => {
    // One 429 with Retry-After: 30 pauses every request of the key for 30 s.
    simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit", retryAfterSeconds: 30 }, times: 1 }] });
    const first = await timed(engine.up("Team", "first", { name: "First" }));
    expect(first.elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    // The refusal is named as what held the operation up, not an unreachable tenant.
    expect(first.error.message).toContain("429");
    const second = await timed(engine.up("Team", "second", { name: "Second" }));
    expect(second.elapsedMs).toBeLessThan(boundSeconds * 1000 + marginMs);
    expect(second.error.message).toMatch(/timed out after .*rate limit/);
  });

  it("bounds a stall, not progress: an operation answered all along runs past the bound and completes", async () => {
    // Each answer takes 150 ms; twelve of them take twice the 1 s bound.
    simulator.setFaults({ latencyMs: 150 });
    const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
    try {
      const started = Date.now();
      const answers = await withOperationDeadline(1_000, async () => {
        const results: unknown[] = [];
        for (let request = 0; request < 12; request += 1) results.push(await client.users.listAll());
        return results;
      });
      expect(answers).toHaveLength(12);
      expect(Date.now() - started).toBeGreaterThan(1_000);
    } finally {
      await client.close();
    }
  });

  it("a stall after progress says how far the operation got and what it was waiting on", async () => {
    const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey }, { timeoutMs: 400, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
    try {
      const error = await failureOf(
        withOperationDeadline(1_500, async () => {
          for (let request = 0; request < 3; request += 1) await client.users.listAll();
          simulator.setFaults({ rules: [{ action: { type: "hang" } }] });
          await client.users.get(1);
        }),
      );
      expect(error).toBeInstanceOf(TinesOperationTimeoutError);
      expect(error.message).toMatch(/timed out after \d+\.\d s without an answer, \d+\.\d s into the operation, which had 3 requests answered/);
      expect(error.message).toContain("while waiting on GET /api/v1/admin/users/1");
    } finally {
      await client.close();
    }
  });

  it("leaves a request made outside any operation to its own timeout and retries", async () => {
    simulator.setFaults({ rules: [{ action: { type: "hang" }, times: 1 }] });
    const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey }, { timeoutMs: 300, retry: { baseDelayMs: 10 } });
    try {
      expect(await client.users.listAll()).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe("a roster of 400 people on an empty team: the bound cuts off a stall, never progress", () => {
  // A host and simulator of their own: the pause a 429 above puts on its key's requests must not reach these.
  const rosterBoundSeconds = 2;
  let tenant: TinesSimulator;
  let rosterHost: ProviderHost;
  let rosterEngine: DynamicProviderEngine;
  beforeAll(async () => {
    tenant = await startTinesSimulator({ userDeletionDelayMs: 0 });
    rosterHost = await startHost();
    await rosterHost.configure({ "tines:tenant": tenant.url, "tines:apiKey": tenant.apiKey, "tines:operationTimeoutSeconds": String(rosterBoundSeconds) });
    rosterEngine = new DynamicProviderEngine(rosterHost);
  });
  beforeEach(() => tenant.reset());
  afterAll(async () => {
    await rosterHost?.stop();
    await tenant?.stop();
  });
  const roles = ["VIEWER", "EDITOR", "TEAM_ADMIN", "VIEWER"];
  const members = Array.from({ length: 400 }, (_, index) => ({ email: `person${index}@example.com`, role: roles[index % roles.length]! }));
  const onTeam = (teamId: number) => tenant.state.membersOf(teamId).map((member) => `${String(member.email)} ${String(member.role)}`).sort();
  const declared = () => members.map((member) => `${member.email} ${member.role}`).sort();

  it("completes with every member and role, though it takes several times the bound, each answer well within it", async () => {
    const team = tenant.state.createTeam("Everyone");
    // 25 ms an answer: the 400 invitations alone take 10 s, five times the 2 s bound.
    tenant.setFaults({ latencyMs: 25 });
    const started = Date.now();
    const { state } = await rosterEngine.up("TeamMembers", "everyone", { teamId: team.id, members });
    expect(Date.now() - started).toBeGreaterThan(4 * rosterBoundSeconds * 1000);
    expect(onTeam(team.id)).toEqual(declared());
    expect(state.outputs.resolvedMembers).toHaveLength(400);
  });

  it("a stall partway fails naming what it waited on and how many members were written; the next up finishes, duplicating no one", async () => {
    const team = tenant.state.createTeam("Everyone");
    tenant.setFaults({ rules: [{ method: "POST", path: `/api/v1/teams/${team.id}/invite_member`, after: 150, action: { type: "hang" } }] });
    const error = (await failureOf(rosterEngine.up("TeamMembers", "everyone", { teamId: team.id, members }))) as PartialStepError;
    tenant.setFaults({});
    expect(error.message).toContain(`POST /api/v1/teams/${team.id}/invite_member`);
    expect(error.message).toMatch(/timed out after \d+\.\d s without an answer/);
    expect(error.message).toContain("stopped after 150 of the 400 changes to the team, with 150 of 400 declared members on it");
    expect(error.recorded.outputs.resolvedMembers).toHaveLength(150);
    await rosterEngine.up("TeamMembers", "everyone", { teamId: team.id, members }, error.recorded);
    expect(onTeam(team.id)).toEqual(declared());
    expect(tenant.state.listUsers().filter((user) => user.email.startsWith("person"))).toHaveLength(400);
  });
});
