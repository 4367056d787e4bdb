import * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { BulkFigures } from "../../tools/bench/bulk";
import { carefulMaxAttempts, carefulProviders } from "../../tools/bench/peers/careful";
import { docsProviders } from "../../tools/bench/peers/docs";
import { serializedProvider, serializedProviders } from "../../tools/bench/peers/serialized";
import { peerEntries } from "../../tools/bench/sideBySide";
import { startTinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import { failureOf, startHost } from "../helpers/host";
import { useSimulator } from "../helpers/simulator";

const tines = useSimulator({ seedTeams: ["Security Operations"] });

/**
 * The hand-written peers read their tenant and key from the environment, as Pulumi's guide shows
 * (test/helpers/processState.ts puts the environment back after this file).
 */
beforeAll(() => {
  process.env.TINES_TENANT = tines.simulator.url;
  process.env.TINES_API_KEY = tines.simulator.apiKey;
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.TINES_RATE_LIMIT_TIME_SCALE;
});

/** Counts the timers of `ms` set from now on: the careful peer's waits (undici sets timers of its own). */
function timersOf(ms: number): () => number {
  const spy = vi.spyOn(globalThis, "setTimeout");
  return () => spy.mock.calls.filter((call) => call[1] === ms).length;
}

const rateLimitUserCreates = (times: number, retryAfterSeconds?: number) =>
  tines.simulator.setFaults({ rules: [{ method: "POST", path: "/api/v1/admin/users", action: { type: "rateLimit", retryAfterSeconds }, times }] });

const createStatuses = () => tines.simulator.log.filter((entry) => entry.method === "POST").map((entry) => entry.status);

describe("the careful peer (a hand-written provider with a retry on 429)", () => {
  it("waits as long as Retry-After says, divided by the rig's time scale, then succeeds", async () => {
    process.env.TINES_RATE_LIMIT_TIME_SCALE = "20";
    rateLimitUserCreates(2, 1);
    const waitsOf50Ms = timersOf(50);
    const created = await carefulProviders.user.create!({ email: "careful@example.com" });
    expect(created.id).toBe(String(tines.simulator.state.findUserByEmail("careful@example.com")!.id));
    expect(createStatuses()).toEqual([429, 429, 201]);
    // Retry-After: 1 against a clock 20 times faster: 50 ms, twice.
    expect(waitsOf50Ms()).toBe(2);
  });

  it("waits one second when a 429 carries no Retry-After", async () => {
    process.env.TINES_RATE_LIMIT_TIME_SCALE = "8";
    rateLimitUserCreates(1);
    const waitsOf125Ms = timersOf(125);
    await carefulProviders.user.create!({ email: "no.header@example.com" });
    expect(createStatuses()).toEqual([429, 201]);
    // One second, against a clock 8 times faster.
    expect(waitsOf125Ms()).toBe(1);
  });

  it(`gives up after ${carefulMaxAttempts} attempts, and the 429 reaches the caller`, async () => {
    process.env.TINES_RATE_LIMIT_TIME_SCALE = "1000";
    rateLimitUserCreates(10, 1);
    const error = await failureOf(carefulProviders.user.create!({ email: "refused@example.com" }));
    expect(error.message).toBe("failed to create user: 429 Too Many Requests");
    expect(createStatuses()).toEqual(Array(carefulMaxAttempts).fill(429));
  });
});

describe("the docs peer (a hand-written provider as Pulumi's guide shows it)", () => {
  it("fails the operation on the first 429", async () => {
    rateLimitUserCreates(1, 1);
    const error = await failureOf(docsProviders.user.create!({ email: "docs@example.com" }));
    expect(error.message).toMatch(/^failed to create user: 429/);
    expect(createStatuses()).toEqual([429]);
  });

  it("is stored as the text dynamic.Resource registers, which holds neither the tenant nor the key", async () => {
    const registered: string[] = [];
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push(String(args.inputs.__provider));
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "pulumi-tines-test",
      "dev",
      false,
    );
    class HandWrittenUser extends pulumi.dynamic.Resource {}
    new HandWrittenUser(docsProviders.user, "ada", { email: "ada@example.com" });
    for (let waited = 0; registered.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const text = await serializedProvider(docsProviders.user);
    expect(registered).toEqual([text]);
    expect(text).toContain("fetch(");
    expect(text).not.toContain(tines.simulator.apiKey);
    expect(text).not.toContain(tines.simulator.url);
  });

  it("creates, refreshes and deletes a user and a membership through the real provider host", async () => {
    const texts = await serializedProviders(docsProviders);
    // Tines refuses to remove a team's last member: someone else stays on the team.
    tines.simulator.state.seedMembership(1, tines.simulator.state.createUser({ email: "owner@example.com" }).id, "TEAM_ADMIN");
    const host = await startHost({ TINES_TENANT: tines.simulator.url, TINES_API_KEY: tines.simulator.apiKey });
    try {
      await host.configure({});
      const engine = new DynamicProviderEngine(host);
      const user = (await engine.up("User", "grace", { __provider: texts.user, email: "grace@example.com", firstName: "Grace" })).state;
      const membership = (await engine.up("TeamMembership", "grace-secops", { __provider: texts.membership, teamId: 1, userId: Number(user.id), role: "EDITOR" })).state;
      expect(tines.simulator.state.membersOf(1).map((member) => [member.email, member.role])).toContainEqual(["grace@example.com", "EDITOR"]);
      expect((await engine.refresh(user))!.outputs).toMatchObject({ email: "grace@example.com", first_name: "Grace" });
      expect((await engine.refresh(membership))!.outputs).toMatchObject({ role: "EDITOR" });
      // What the state holds: the whole provider, twice per resource (inputs and outputs).
      expect(user.inputs.__provider).toBe(texts.user);
      expect(user.outputs.__provider).toBe(texts.user);
      await engine.destroy(membership);
      await engine.destroy(user);
      expect(tines.simulator.state.membersOf(1).map((member) => member.email)).not.toContain("grace@example.com");
    } finally {
      await host.stop();
    }
  });
});

describe("the benchmark's JSON", () => {
  const run = (contender: string, createSeconds: number, finished: boolean, refresh = { seconds: 2, requests: 200, tinesLimitsBoundSeconds: 24 }): BulkFigures =>
    ({
      contender,
      users: 100,
      create: { seconds: createSeconds },
      refresh,
      failedOperations: finished ? 0 : 7,
      createFailedOperations: finished ? 0 : 5,
      skippedOperations: finished ? 0 : 5,
      surfaced429s: finished ? 0 : 7,
      rateLimitedResponses: finished ? 3 : 7,
      requests: 400,
      finished,
      timedOut: false,
      providerBytesPerResource: 3700,
      stateBytes: 900_000,
    }) as BulkFigures;

  it("lists one entry per peer and size with the issue's keys; speedup is null when the peer did not finish", () => {
    const entries = peerEntries({ users: 100, runs: [run("pulumi-tines", 2, true), run("careful", 5, true), run("docs", 1, false)] });
    expect(entries.map((entry) => Object.keys(entry).slice(0, 7))).toEqual([
      ["peer", "users", "createSeconds", "refreshSeconds", "failedOperations", "surfaced429s", "speedup"],
      ["peer", "users", "createSeconds", "refreshSeconds", "failedOperations", "surfaced429s", "speedup"],
    ]);
    expect(entries[0]).toMatchObject({ peer: "careful", users: 100, createSeconds: 5, refreshSeconds: 2, failedOperations: 0, surfaced429s: 0, speedup: 2.5 });
    expect(entries[1]).toMatchObject({ peer: "docs", failedOperations: 7, surfaced429s: 7, speedup: null, refreshSpeedupAtTinesLimits: null });
  });

  it("gives each peer's refresh requests, and its bound at Tines' limits over pulumi-tines' time, measured or bound, whichever is larger", () => {
    const careful = run("careful", 5, true, { seconds: 30, requests: 2_000, tinesLimitsBoundSeconds: 240 });
    const measuredLonger = peerEntries({ users: 1_000, runs: [run("pulumi-tines", 2, true, { seconds: 2, requests: 12, tinesLimitsBoundSeconds: 1.2 }), careful] });
    expect(measuredLonger[0]).toMatchObject({ refreshRequests: 2_000, refreshSpeedupAtTinesLimits: 120 });
    // A refresh measured faster than Tines' limits would let it run is credited with the bound only.
    const boundLonger = peerEntries({ users: 1_000, runs: [run("pulumi-tines", 2, true, { seconds: 0.5, requests: 12, tinesLimitsBoundSeconds: 1.2 }), careful] });
    expect(boundLonger[0]!.refreshSpeedupAtTinesLimits).toBe(200);
  });
});

describe("the simulator's scaled Retry-After", () => {
  it("counts the scaled clock's seconds when asked, wall-clock seconds otherwise", async () => {
    const answers: Record<string, string | null> = {};
    for (const scaleRetryAfter of [false, true]) {
      const simulator = await startTinesSimulator({ rateLimits: { adminUsersPerMinute: 1, timeScale: 20, scaleRetryAfter } });
      try {
        const get = () => fetch(`${simulator.url}/api/v1/admin/users`, { headers: { authorization: `Bearer ${simulator.apiKey}` } });
        expect((await get()).status).toBe(200);
        const refused = await get();
        expect(refused.status).toBe(429);
        answers[String(scaleRetryAfter)] = refused.headers.get("retry-after");
      } finally {
        await simulator.stop();
      }
    }
    // The window lasts 3 s: 3 wall-clock seconds, or 60 seconds of a clock 20 times faster.
    expect(answers.false).toBe("3");
    expect(Number(answers.true)).toBeGreaterThan(50);
    expect(Number(answers.true)).toBeLessThanOrEqual(60);
  });
});
