import { join } from "node:path";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { repositoryRoot } from "../helpers/host";

// A program that adopts the tenant's only owner (owner@example.com, whose key the simulator's is)
// beside a team and a user it makes, then is destroyed.
const program = join(repositoryRoot, "test", "programs", "declared");
const ownerEmail = "owner@example.com";
let simulator: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0, tenantOwner: true });
  workDirectory = mkdtempSync(join(tmpdir(), "destroy-with-owner-test-"));
});
beforeEach(() => {
  simulator.reset();
  seedTenant(simulator.state, []);
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

function run(statePath: string, ownerOptions: Record<string, unknown>, destroy = false) {
  const resources = [
    { class: "TinesUser", name: "owner", args: { email: ownerEmail, admin: true, adoptExisting: true }, options: ownerOptions },
    { class: "TinesTeam", name: "red", args: { name: "Red Team" } },
    { class: "TinesUser", name: "ada", args: { email: "ada@example.com" } },
  ];
  return runProgramInChildProcess({
    programDirectory: program,
    statePath: join(workDirectory, statePath),
    config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "declared:resources": JSON.stringify(resources) },
    secretKeys: ["tines:apiKey"],
    projectName: "declared",
    destroy,
  });
}

const stateNames = (statePath: string) =>
  (JSON.parse(readFileSync(join(workDirectory, statePath), "utf8")) as { resources: { name: string }[] }).resources.map((each) => each.name).sort();

describe("destroying a stack that adopted the tenant's only owner", () => {
  it("with retainOnDelete on the owner, the destroy leaves the owner in Tines and deletes the rest", async () => {
    expect((await run("retained.json", { retainOnDelete: true })).errors).toEqual([]);
    const destroyed = await run("retained.json", { retainOnDelete: true }, true);
    expect(destroyed.errors).toEqual([]);
    expect(stateNames("retained.json")).toEqual([]);
    expect(simulator.state.findUserByEmail(ownerEmail)).toMatchObject({ admin: true, is_active: true });
    expect(simulator.state.findUserByEmail("ada@example.com")).toBeUndefined();
    expect(simulator.state.listTeams().map((team) => team.name)).not.toContain("Red Team");
  });

  it("without it, the destroy stops at the owner, names what it protects, and says which deletes it did not attempt", async () => {
    expect((await run("refused.json", {})).errors).toEqual([]);
    const destroyed = await run("refused.json", {}, true);
    expect(destroyed.errors.join("\n")).toContain("is the only active tenant owner");
    expect(destroyed.errors.join("\n")).toContain("retainOnDelete");
    const left = stateNames("refused.json");
    expect(left).toContain("owner");
    // What the destroy did not reach is said, and still in the stack.
    for (const entry of destroyed.notAttempted) expect(left).toContain(entry.replace(/^delete /, ""));
    expect(destroyed.notAttempted.length + destroyed.steps.filter((step) => step.operation === "delete" && !step.error).length).toBe(2);
    expect(simulator.state.findUserByEmail(ownerEmail)).toMatchObject({ admin: true, is_active: true });
  });
});
