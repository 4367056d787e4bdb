/**
 * A resource moved from one provider to another is replaced, as the engine replaces it
 * (pkg/resource/deploy/step_generator.go, `providerChanged`): made through the new provider in its
 * tenant, then deleted through the old one from its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { runProgramInChildProcess, type ProgramRunResult } from "../../dist-tools/runner/programRunner";
import { repositoryRoot } from "../helpers/host";

const project = "provider-move";
let staging: TinesSimulator;
let production: TinesSimulator;
let fallback: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  [staging, production, fallback] = await Promise.all([startTinesSimulator(), startTinesSimulator(), startTinesSimulator()]);
  workDirectory = mkdtempSync(join(tmpdir(), "provider-move-test-"));
});
afterAll(async () => {
  await Promise.all([staging.stop(), production.stop(), fallback.stop()]);
  rmSync(workDirectory, { recursive: true, force: true });
});

function up(target: "staging" | "production" | "default"): Promise<ProgramRunResult> {
  return runProgramInChildProcess({
    programDirectory: join(repositoryRoot, "test", "programs", "provider-move"),
    statePath: join(workDirectory, "state.json"),
    projectName: project,
    config: {
      // The stack config's tenant: the default provider's.
      "tines:tenant": fallback.url,
      "tines:apiKey": fallback.apiKey,
      [`${project}:stagingTenant`]: staging.url,
      [`${project}:stagingApiKey`]: staging.apiKey,
      [`${project}:productionTenant`]: production.url,
      [`${project}:productionApiKey`]: production.apiKey,
      [`${project}:target`]: target,
    },
    secretKeys: ["tines:apiKey", `${project}:stagingApiKey`, `${project}:productionApiKey`],
  });
}

const teamsOf = (simulator: TinesSimulator) => simulator.state.listTeams("all").map((team) => team.name);

describe("moving a resource to another provider", () => {
  it("a resource first lands in its provider's tenant", async () => {
    const first = await up("staging");
    expect(first.errors).toEqual([]);
    expect(first.outputs.tenant).toBe(staging.url);
    expect(teamsOf(staging)).toEqual(["Moved Team"]);
  });

  it("moved to another provider, it is replaced: made in the new provider's tenant, deleted from the old one's", async () => {
    const moved = await up("production");
    expect(moved.errors).toEqual([]);
    expect(moved.steps).toContainEqual(expect.objectContaining({ name: "moved", operation: "replace", replaces: ["provider"] }));
    expect(moved.outputs.tenant).toBe(production.url);
    expect(teamsOf(production)).toEqual(["Moved Team"]);
    expect(teamsOf(staging)).toEqual([]);
  });

  it("moved to the stack config's tenant (the default provider), it is replaced too", async () => {
    const toDefault = await up("default");
    expect(toDefault.errors).toEqual([]);
    expect(toDefault.steps).toContainEqual(expect.objectContaining({ name: "moved", operation: "replace", replaces: ["provider"] }));
    expect(toDefault.outputs.tenant).toBe(fallback.url);
    expect(teamsOf(fallback)).toEqual(["Moved Team"]);
    expect(teamsOf(production)).toEqual([]);
    // Every request each tenant got was made with its own key.
    for (const simulator of [staging, production, fallback]) expect(simulator.log.filter((entry) => entry.key !== "owner")).toEqual([]);
  });
});
