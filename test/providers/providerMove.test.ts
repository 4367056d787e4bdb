/**
 * A resource moved from one provider to another is replaced, as the engine replaces it
 * (pkg/resource/deploy/step_generator.go, `providerChanged`): made through the new provider in its
 * tenant, then deleted through the old one from its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { runProgramInChildProcess, type ProgramRunResult } from "../../dist-tools/runner/programRunner";
import { deployedOnce } from "../helpers/deployedOnce";
import { repositoryRoot } from "../helpers/host";

const project = "provider-move";
let staging: TinesSimulator;
let production: TinesSimulator;
let fallback: TinesSimulator;
let workDirectory: string;
/** This test's stack state: a file of its own, so no test starts from what another left. */
let statePath: string;
let stateFiles = 0;

beforeAll(async () => {
  [staging, production, fallback] = await Promise.all([startTinesSimulator(), startTinesSimulator(), startTinesSimulator()]);
  workDirectory = mkdtempSync(join(tmpdir(), "provider-move-test-"));
});
beforeEach(() => {
  stateFiles += 1;
  statePath = join(workDirectory, `state-${stateFiles}.json`);
});
afterAll(async () => {
  await Promise.all([staging.stop(), production.stop(), fallback.stop()]);
  rmSync(workDirectory, { recursive: true, force: true });
});

function up(target: "staging" | "production" | "default"): Promise<ProgramRunResult> {
  return runProgramInChildProcess({
    programDirectory: join(repositoryRoot, "test", "programs", "provider-move"),
    statePath,
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
  beforeEach(() => {
    for (const simulator of [staging, production, fallback]) simulator.reset();
  });
  /** The resource made through the staging provider: each test that calls it starts there. */
  const inStaging = deployedOnce(
    () => [staging, production, fallback],
    () => statePath,
    async () => ({ first: await up("staging"), keys: [staging, production, fallback].flatMap((simulator) => simulator.log.map((entry) => entry.key)) }),
  );

  it("a resource first lands in its provider's tenant", async () => {
    const { first, keys } = await inStaging();
    expect(first.errors).toEqual([]);
    // Every request each tenant got was made with its own key.
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => key !== "owner")).toEqual([]);
    expect(first.outputs.tenant).toBe(staging.url);
    expect(teamsOf(staging)).toEqual(["Moved Team"]);
  });

  it("moved to another provider, it is replaced: made in the new provider's tenant, deleted from the old one's", async () => {
    await inStaging();
    const moved = await up("production");
    expect(moved.errors).toEqual([]);
    expect(moved.steps).toContainEqual(expect.objectContaining({ name: "moved", operation: "replace", replaces: ["provider"] }));
    expect(moved.outputs.tenant).toBe(production.url);
    expect(teamsOf(production)).toEqual(["Moved Team"]);
    expect(teamsOf(staging)).toEqual([]);
  });

  it("moved to the stack config's tenant (the default provider), it is replaced too", async () => {
    await inStaging();
    const toDefault = await up("default");
    expect(toDefault.errors).toEqual([]);
    expect(toDefault.steps).toContainEqual(expect.objectContaining({ name: "moved", operation: "replace", replaces: ["provider"] }));
    expect(toDefault.outputs.tenant).toBe(fallback.url);
    expect(teamsOf(fallback)).toEqual(["Moved Team"]);
    expect(teamsOf(staging)).toEqual([]);
    // Every request each tenant got was made with its own key.
    for (const simulator of [staging, production, fallback]) expect(simulator.log.filter((entry) => entry.key !== "owner")).toEqual([]);
  });
});

describe("moving a resource to another provider of the same tenant", () => {
  const renamed = "provider-rename";
  let tenant: TinesSimulator;
  beforeAll(async () => {
    tenant = await startTinesSimulator();
  });
  afterAll(async () => {
    await tenant.stop();
  });
  const run = (providerName: string, destroy = false) =>
    runProgramInChildProcess({
      programDirectory: join(repositoryRoot, "test", "programs", renamed),
      statePath,
      projectName: renamed,
      config: { [`${renamed}:providerName`]: providerName, [`${renamed}:tenant`]: tenant.url, [`${renamed}:apiKey`]: tenant.apiKey },
      secretKeys: [`${renamed}:apiKey`],
      destroy,
    });
  beforeEach(() => tenant.reset());
  /** The program's up with a TinesProvider named "tenant", then with it renamed: each test that calls it starts from there. */
  const renamedOnce = deployedOnce(
    () => [tenant],
    () => statePath,
    async () => {
      const first = await run("tenant");
      return { first, moved: await run("same-tenant"), deletes: tenant.log.filter((entry) => entry.method === "DELETE") };
    },
  );

  it("renaming the TinesProvider replaces its resources, and the old provider's deletes leave the objects the new one adopted", async () => {
    const { first, moved, deletes } = await renamedOnce();
    expect(first.errors).toEqual([]);
    expect(moved.errors).toEqual([]);
    expect(moved.steps).toContainEqual(expect.objectContaining({ name: "team", operation: "replace", replaces: ["provider"] }));
    // The stack still records the objects, and Tines still has them.
    expect(moved.outputs).toEqual(first.outputs);
    expect(tenant.state.listTeams("all").map((team) => team.name)).toEqual(["Renamed Provider Team"]);
    expect(tenant.state.listUsers().map((user) => user.email)).toContain("moved@example.com");
    expect(deletes).toEqual([]);
  });

  it("destroying afterwards deletes them through the provider that now holds them", async () => {
    await renamedOnce();
    const destroyed = await run("same-tenant", true);
    expect(destroyed.errors).toEqual([]);
    expect(tenant.state.listTeams("all")).toEqual([]);
    // A user's deletion is asynchronous in Tines (tines-api.md, "Users"): the request is what counts.
    expect(tenant.log.filter((entry) => entry.method === "DELETE").map((entry) => entry.path)).toEqual(expect.arrayContaining(["/api/v1/admin/users/1", "/api/v1/teams/1"]));
  });
});
