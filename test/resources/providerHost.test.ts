import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import type { ProviderHost } from "../../tools/runner/providerHost";
import { failureOf, startHost } from "../helpers/host";

let simulator: TinesSimulator;
const secretKey = `tines-test-key-${Math.random().toString(36).slice(2)}-do-not-leak`;
const hosts: ProviderHost[] = [];

async function host(environment: Record<string, string> = {}) {
  const started = await startHost(environment);
  hosts.push(started);
  return started;
}

beforeAll(async () => {
  simulator = await startTinesSimulator({ apiKey: secretKey, seedTeams: ["Security Operations"], userDeletionDelayMs: 0 });
});
afterAll(async () => {
  await Promise.all(hosts.map((each) => each.stop()));
  await simulator.stop();
});

describe("the provider inside the real dynamic-provider host", () => {
  it("configures every one of 50 concurrent first calls, across all three resource kinds", async () => {
    const fresh = await host();
    await fresh.configure({ "tines:tenant": simulator.url, "tines:apiKey": secretKey });
    const engine = new DynamicProviderEngine(fresh);
    // No environment: the only way to the tenant is the config that configure received.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        index % 5 === 0
          ? engine.up("PrivateTemplate", `t${index}`, {
              name: `Template ${index}`,
              vendor: "V",
              product: "P",
              agentType: "Agents::WebhookAgent",
              agentOptions: {},
            })
          : index % 5 === 1
            ? engine.up("TeamMembership", `m${index}`, { teamId: 1, email: `member${index}@example.com` })
            : engine.up("User", `u${index}`, { email: `user${index}@example.com` }),
      ),
    );
    expect(results.every((result) => result.operation === "create")).toBe(true);
    expect(new Set(results.map((result) => result.state.outputs.tenant))).toEqual(new Set([simulator.url]));
  });

  it("falls back to TINES_TENANT and TINES_API_KEY", async () => {
    const fromEnvironment = await host({ TINES_TENANT: simulator.url, TINES_API_KEY: secretKey });
    await fromEnvironment.configure({});
    const { state } = await new DynamicProviderEngine(fromEnvironment).up("User", "env", { email: "env@example.com" });
    expect(state.outputs.tenant).toBe(simulator.url);
  });

  it("prefers stack config over the environment", async () => {
    const both = await host({ TINES_TENANT: "https://wrong-tenant.tines.com", TINES_API_KEY: "wrong" });
    await both.configure({ "tines:tenant": simulator.url, "tines:apiKey": secretKey });
    const { state } = await new DynamicProviderEngine(both).up("User", "cfg", { email: "cfg@example.com" });
    expect(state.outputs.tenant).toBe(simulator.url);
  });

  it("names both ways to set a missing tenant or key, on the first operation that needs the API", async () => {
    const bare = await host();
    await bare.configure({});
    const engine = new DynamicProviderEngine(bare);
    // Check needs no API, so preview works without settings.
    expect((await engine.preview("User", "x", { email: "x@example.com" })).operation).toBe("create");
    const noTenant = await failureOf(engine.up("User", "x", { email: "x@example.com" }));
    expect(noTenant.message).toContain("pulumi config set tines:tenant");
    expect(noTenant.message).toContain("TINES_TENANT");
    const noKey = await host({ TINES_TENANT: simulator.url });
    await noKey.configure({});
    const error = await failureOf(new DynamicProviderEngine(noKey).up("User", "x", { email: "x@example.com" }));
    expect(error.message).toContain("pulumi config set --secret tines:apiKey");
    expect(error.message).toContain("TINES_API_KEY");
  });

  it("refuses a plain-http tenant that is not on this machine, before sending anything", async () => {
    const insecure = await host();
    await insecure.configure({ "tines:tenant": "http://acme.tines.com", "tines:apiKey": secretKey });
    const error = await failureOf(new DynamicProviderEngine(insecure).up("User", "x", { email: "x@example.com" }));
    expect(error.message).toContain("plain http://");
    expect(error.message).toContain("use https://");
  });

  it("never shows the API key in outputs, errors or the host's output", async () => {
    const watched = await host({ TINES_MAX_ATTEMPTS: "1" });
    await watched.configure({ "tines:tenant": simulator.url, "tines:apiKey": secretKey });
    const engine = new DynamicProviderEngine(watched);
    const seen: string[] = [];
    const { state } = await engine.up("User", "s", { email: "secret@example.com" });
    seen.push(JSON.stringify(state));
    seen.push((await failureOf(engine.up("User", "dup", { email: "secret@example.com" }))).message);
    simulator.setFaults({ rules: [{ action: { type: "status", status: 500, body: JSON.stringify({ error: `echo ${secretKey}` }) } }] });
    seen.push((await failureOf(engine.refresh(state))).message);
    seen.push((await failureOf(engine.destroy(state))).message);
    simulator.setFaults({ rules: [{ action: { type: "replaceBody", body: `<p>${secretKey}</p>` } }] });
    seen.push((await failureOf(engine.refresh(state))).message);
    simulator.setFaults({});
    await engine.destroy(state);
    seen.push(watched.stdout, watched.stderr);
    for (const text of seen) expect(text).not.toContain(secretKey);
    // The errors did reach the host's stderr, which the engine shows to the user.
    expect(watched.stderr).toContain("500");
  });
});
