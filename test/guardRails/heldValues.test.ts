import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { exportRoster } from "../../src/cli/export";
import { TinesClient } from "../../src/client";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { repositoryRoot, useProviderHost } from "../helpers/host";

const bootstrap = join(repositoryRoot, "examples", "bootstrap");

describe("check never refuses what Tines holds", () => {
  const tines = useProviderHost();

  it.each([
    ["an ampersand in the local part", "r&d-team@example.com"],
    ["a plus and an apostrophe", "o'brien+ops@example.com"],
    ["a one-label domain", "admin@localhost"],
    ["non-ASCII letters", "jürgen@exämple.de"],
  ])("an email with %s passes check, is adopted, and is recorded unchanged", async (_case, email) => {
    const held = tines.simulator.state.createUser({ email, first_name: "Held" });
    const { state } = await tines.engine.up("User", "held", { email, adoptExisting: true });
    expect(state.id).toBe(String(held.id));
    expect(state.outputs.email).toBe(email);
  });

  it("still refuses what is no email and no name", async () => {
    const engine = tines.engine;
    await expect(engine.preview("User", "bad", { email: "ada at example.com" })).rejects.toThrow(/email: not an email address/);
    await expect(engine.preview("User", "bad", { email: "@example.com" })).rejects.toThrow(/email: not an email address/);
    await expect(engine.preview("CustomRole", "bad", { name: "   ", permissions: ["STORY_READ"] })).rejects.toThrow(/name: must not be empty/);
  });
});

describe("export, then adopt: what Tines holds round-trips unchanged", () => {
  let simulator: TinesSimulator;
  let workDirectory: string;
  beforeAll(async () => {
    simulator = await startTinesSimulator({ userDeletionDelayMs: 0, tenantOwner: true });
    workDirectory = mkdtempSync(join(tmpdir(), "held-values-"));
  });
  afterAll(async () => {
    await simulator.stop();
    rmSync(workDirectory, { recursive: true, force: true });
  });

  it("users Tines holds with unusual emails are exported and adopted with no write", async () => {
    seedTenant(simulator.state, ["Research & Development"]);
    const team = simulator.state.listTeams().find((each) => each.name === "Research & Development")!;
    for (const [email, first] of [
      ["r&d-team@example.com", "R&D"],
      ["o'brien+ops@example.com", "Pat"],
    ] as const) {
      const user = simulator.state.createUser({ email, first_name: first, last_name: "" });
      simulator.state.seedMembership(team.id, user.id, "EDITOR");
    }
    const client = new TinesClient({ tenantUrl: simulator.url, apiKey: simulator.apiKey });
    const { roster } = await exportRoster(client, { teams: ["Research & Development"] });
    await client.close();
    expect(roster.people.map((person) => person.email)).toEqual(expect.arrayContaining(["r&d-team@example.com", "o'brien+ops@example.com"]));
    const rosterPath = join(workDirectory, "roster.yaml");
    writeFileSync(rosterPath, stringify(roster));
    const logBefore = simulator.log.length;
    const result = await runProgramInChildProcess({
      programDirectory: bootstrap,
      statePath: join(workDirectory, "state.json"),
      config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines-bootstrap:roster": rosterPath },
      secretKeys: ["tines:apiKey"],
    });
    expect(result.errors).toEqual([]);
    expect(simulator.log.slice(logBefore).filter((entry) => entry.method !== "GET")).toEqual([]);
    expect(result.steps.filter((step) => step.kind === "User").map((step) => step.operation)).toContain("create");
  });
});
