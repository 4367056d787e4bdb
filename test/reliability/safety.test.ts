import { describe, expect, it } from "vitest";
import { TinesClient } from "../../src/client";
import { failureOf } from "../helpers/host";
import { auditTenant, expectApiKeyNowhere, recordFigures, runConcurrently, useReliabilityHarness } from "./harness";

const harness = useReliabilityHarness();

describe("deletion safety", () => {
  it('deletionMode "deactivate" never deletes; deleting what is already gone succeeds', async () => {
    harness.reset();
    const engine = await harness.engine();
    const indexes = Array.from({ length: 20 }, (_, index) => index);
    const created = await runConcurrently(indexes, 8, (index) =>
      engine.up("User", `keep-${index}`, { email: `keep${index}@example.com`, deletionMode: "deactivate" }),
    );
    const states = created.map((result) => (result as PromiseFulfilledResult<Awaited<ReturnType<typeof engine.up>>>).value.state);
    await runConcurrently(states, 8, (state) => engine.destroy(state));
    expect(harness.simulator.countRequests("DELETE")).toBe(0);
    const kept = harness.simulator.state.listUsers().filter((user) => user.email.startsWith("keep"));
    expect(kept).toHaveLength(20);
    expect(kept.every((user) => !user.is_active)).toBe(true);

    // Objects deleted outside Pulumi: destroy (and a second destroy) still succeeds.
    const gone = await engine.up("User", "gone", { email: "gone@example.com" });
    const client = new TinesClient({ tenantUrl: harness.simulator.url, apiKey: harness.apiKey });
    await client.users.delete(Number(gone.state.id));
    await engine.destroy(gone.state);
    await engine.destroy(gone.state);
    await client.close();
    recordFigures({ faultClass: 'Deletion safety: "deactivate" mode (20 users) and deletes of objects already gone (2)', operations: 22, succeeded: 22, failedClearly: 0, duplicated: 0, lost: 0, note: "0 DELETE requests in deactivate mode" });
  });

  it("removing the last member of a team is refused with an explanation, and the membership stays", async () => {
    harness.reset();
    const engine = await harness.engine();
    const team = harness.simulator.state.createTeam("Solo");
    const { state } = await engine.up("TeamMembership", "solo", { teamId: team.id, email: "solo@example.com" });
    const error = await engine.destroy(state).catch((caught: Error) => caught);
    expect((error as Error).message).toContain("Tines refuses to remove the last member of a team");
    expect(harness.simulator.state.membersOf(team.id)).toHaveLength(1);
    expect(auditTenant(harness.simulator, [state])).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Deletion safety: removing a team's last member", operations: 1, succeeded: 0, failedClearly: 1, duplicated: 0, lost: 0, note: "refused with an explanation; membership and state kept" });
  });
});

describe("concurrency", () => {
  it("60 operations at once on a fresh host all see the configuration and share one rate limiter", async () => {
    harness.reset();
    // A limit that 60 requests at once would break if each resource kind had its own limiter.
    harness.simulator.setRateLimits({ perMinute: 40, adminUsersPerMinute: 40, timeScale: 60 });
    const engine = await harness.engine({ TINES_REQUESTS_PER_MINUTE: "40", TINES_USER_REQUESTS_PER_MINUTE: "40", TINES_RATE_LIMIT_TIME_SCALE: "60" });
    const declared = Array.from({ length: 60 }, (_, index) =>
      index % 3 === 0
        ? { kind: "User" as const, name: `c${index}`, args: { email: `concurrent${index}@example.com` } }
        : index % 3 === 1
          ? { kind: "TeamMembership" as const, name: `c${index}`, args: { teamId: 2, email: `concurrent${index}@example.com` } }
          : {
              kind: "PrivateTemplate" as const,
              name: `c${index}`,
              args: { name: `Concurrent ${index}`, vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} },
            },
    );
    const results = await runConcurrently(declared, 60, (each) => engine.up(each.kind, each.name, each.args));
    const failures = results.flatMap((result) => (result.status === "rejected" ? [(result.reason as Error).message] : []));
    expect(failures).toEqual([]);
    const rateLimited = harness.simulator.log.filter((entry) => entry.status === 429).length;
    expect(rateLimited).toBe(0);
    const states = results.map((result) => (result as PromiseFulfilledResult<Awaited<ReturnType<typeof engine.up>>>).value.state);
    const audit = auditTenant(harness.simulator, states);
    expect(audit).toEqual({ duplicated: 0, lost: 0 });
    recordFigures({ faultClass: "Concurrency: 60 first calls at once racing configure, 3 resource kinds, one shared limit", operations: 60, succeeded: 60, failedClearly: 0, ...audit, rateLimited });
  });
});

describe("secrets", () => {
  it("the API key appears nowhere in a run of deletions, a refused one among them: states, errors, host output, the simulator's log", async () => {
    const run = await harness.observe({}, async (engine) => {
      const kept = await engine.up("User", "kept", { email: "kept@example.com", deletionMode: "deactivate" });
      await engine.destroy(kept.state);
      const team = harness.simulator.state.createTeam("Solo");
      const solo = await engine.up("TeamMembership", "solo", { teamId: team.id, email: "solo@example.com" });
      const refused = await failureOf(engine.destroy(solo.state));
      return { states: [kept.state, solo.state], errors: [refused] };
    });
    // The host printed the refused delete: its output holds the error text a user reads.
    expect(run.hostOutput.stderr).toContain("Tines refuses to remove the last member of a team");
    expectApiKeyNowhere(run, harness.apiKey);
  });
});
