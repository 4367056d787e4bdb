import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TinesError } from "../../src/client";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { DynamicProviderEngine } from "../../tools/runner/engine";
import type { ProviderHost } from "../../tools/runner/providerHost";
import { failureOf, startHost } from "../helpers/host";

let simulator: TinesSimulator;
let host: ProviderHost;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  host = await startHost({ TINES_MAX_ATTEMPTS: "1" });
  await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": "a-key-tines-does-not-know" });
});
afterAll(async () => {
  await host?.stop();
  await simulator?.stop();
});

describe("what a new user meets first", () => {
  it("a refused API key (401) names the settings that hold the key and says a deactivated user's personal key stops working", async () => {
    const error = await failureOf(new DynamicProviderEngine(host).up("User", "ada", { email: "ada@example.com" }));
    expect(error.message).toContain("401");
    expect(error.message).toContain("tines:apiKey");
    expect(error.message).toContain("TINES_API_KEY");
    expect(error.message).toContain("A personal API key stops working when its user is deactivated");
    expect(error.message).not.toContain("a-key-tines-does-not-know");
  });

  it("a message is wrapped once however many resources awaited the failed lookup", () => {
    const error = new TinesError('getTeam: no team named "Securty Operations"');
    // What the Pulumi SDK does to the one rejection each of three resources awaited.
    for (let resource = 0; resource < 3; resource += 1) error.message = `error serializing property "teamId": ${error.message}`;
    expect(error.message).toBe('error serializing property "teamId": getTeam: no team named "Securty Operations"');
    expect(String(error)).toBe('TinesError: error serializing property "teamId": getTeam: no team named "Securty Operations"');
    // A message replaced outright is replaced.
    error.message = "something else";
    expect(error.message).toBe("something else");
  });
});
