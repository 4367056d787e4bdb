import { describe, expect, it } from "vitest";
import type { EngineResourceState } from "../../tools/runner/engine";
import { failureOf } from "../helpers/host";
import { auditTenant, expectApiKeyNowhere, recordFigures, runConcurrently, useReliabilityHarness } from "./harness";

const harness = useReliabilityHarness();
/** The engine's default parallelism on these 2-core machines: 4 x CPU count. */
const parallelism = 8;

type Declared = { kind: "User" | "TeamMembership" | "PrivateTemplate"; name: string; args: Record<string, unknown> };

function bulk(users: number, memberships: number, templates: number): Declared[] {
  const declared: Declared[] = [];
  for (let index = 0; index < Math.max(users, memberships); index += 1) {
    if (index < users) declared.push({ kind: "User", name: `user-${index}`, args: { email: `bulk.user${index}@example.com` } });
    // Invited by email, so memberships and users run side by side as in a real stack.
    if (index < memberships) {
      declared.push({ kind: "TeamMembership", name: `member-${index}`, args: { teamId: 1 + (index % 2), email: `bulk.member${index}@example.com` } });
    }
  }
  for (let index = 0; index < templates; index += 1) {
    declared.push({
      kind: "PrivateTemplate",
      name: `template-${index}`,
      args: { name: `Bulk template ${index}`, vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} },
    });
  }
  return declared;
}

async function deploy(declared: Declared[], environment: Record<string, string>) {
  const engine = await harness.engine(environment);
  const started = Date.now();
  const results = await runConcurrently(declared, parallelism, (each) => engine.up(each.kind, each.name, each.args));
  const seconds = (Date.now() - started) / 1000;
  const states: EngineResourceState[] = results.flatMap((result) => (result.status === "fulfilled" ? [result.value.state] : []));
  const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
  return { states, failures, seconds, rateLimited: harness.simulator.log.filter((entry) => entry.status === 429).length };
}

describe("rate limits through the real provider host", () => {
  it("a bulk run of 300 users, 300 memberships and 20 templates stays under binding limits: all created, no 429 at all", async () => {
    harness.reset();
    // Tines' limits scaled down and sped up thirtyfold, so they bind within seconds: the run needs
    // several windows of both buckets. The provider is told the same limits.
    harness.simulator.setRateLimits({ adminUsersPerMinute: 120, perMinute: 400, timeScale: 30 });
    const environment = { TINES_USER_REQUESTS_PER_MINUTE: "120", TINES_REQUESTS_PER_MINUTE: "400", TINES_RATE_LIMIT_TIME_SCALE: "30" };
    const declared = bulk(300, 300, 20);
    const { states, failures, seconds, rateLimited } = await deploy(declared, environment);
    expect(failures).toEqual([]);
    expect(states).toHaveLength(620);
    expect(rateLimited).toBe(0);
    // The limit really bound: 300 user creates cannot fit in fewer than three 2-second windows of 114.
    expect(seconds).toBeGreaterThan(4);
    const audit = auditTenant(harness.simulator, states);
    expect(audit).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Rate limits binding (300 users, 300 memberships, 20 templates, parallelism 8)", operations: 620, succeeded: states.length, failedClearly: 0, ...audit, rateLimited, seconds });
  });

  for (const retryAfter of [true, false]) {
    it(`with 30% of requests answered 429 ${retryAfter ? "with" : "without"} Retry-After, every resource is still created, in bounded time`, async () => {
      harness.reset();
      // 30% of requests, each meeting the 429 at most 3 times running: with independent odds a run
      // would sometimes hold an operation in a 20 s backoff and its time would be luck, not a bound.
      harness.simulator.setFaults({
        rules: [
          {
            action: retryAfter ? { type: "rateLimit", retryAfterSeconds: 1 } : { type: "rateLimit" },
            probability: 0.3,
            timesPerRequest: 3,
          },
        ],
      });
      const declared = bulk(60, 60, 0);
      const { states, failures, seconds, rateLimited } = await deploy(declared, {});
      expect(failures).toEqual([]);
      expect(states).toHaveLength(120);
      expect(rateLimited).toBeGreaterThan(20);
      expect(seconds).toBeLessThan(120);
      const audit = auditTenant(harness.simulator, states);
      expect(audit).toEqual({ duplicated: 0, lost: 0 });
      recordFigures({
        faultClass: `30% of requests answered 429 ${retryAfter ? "with Retry-After: 1" : "without Retry-After"}, up to 3 times running (60 users, 60 memberships)`,
        operations: 120,
        succeeded: states.length,
        failedClearly: 0,
        ...audit,
        rateLimited,
        seconds,
      });
    }, 150_000);
  }

  it("leaks the API key nowhere in a run that meets 429s with and without Retry-After: not in state, errors, host output or the simulator's log", async () => {
    const run = await harness.observe({}, async (engine) => {
      const { state } = await engine.up("User", "limited", { email: "limited@example.com" });
      // A read answered 429 every time, with a short Retry-After: it fails once the 12 attempts
      // a 429 gets are spent, and the host prints that error.
      harness.simulator.setFaults({ rules: [{ method: "GET", action: { type: "rateLimit", retryAfterSeconds: 0.05 } }] });
      const exhausted = await failureOf(engine.refresh(state));
      // A 429 without Retry-After, once per request: the backoff waits and the read and update succeed.
      harness.simulator.setFaults({ rules: [{ action: { type: "rateLimit" }, timesPerRequest: 1 }] });
      const refreshed = await engine.refresh(state);
      const updated = await engine.up("User", "limited", { email: "limited@example.com", firstName: "Limited" }, refreshed);
      return { states: [state, refreshed!, updated.state], errors: [exhausted] };
    });
    expect(run.errors[0]).toContain("failed after 12 attempts: 429");
    expect(run.requestLog.filter((entry) => entry.status === 429).length).toBeGreaterThanOrEqual(12 + 2);
    expect(run.hostOutput.stderr).toContain("429");
    expectApiKeyNowhere(run, harness.apiKey);
  });
});
