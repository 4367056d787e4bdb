/**
 * Several tenants in one program (issue 21), through the CLI-free runner and the real provider
 * host: examples/two-tenants against two simulators, a staging and a production tenant, each
 * TinesProvider in a provider process of its own.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
import { runProgramInChildProcess, type ProgramRunOptions, type ProgramRunResult } from "../../dist-tools/runner/programRunner";
import { deployedOnce } from "../helpers/deployedOnce";
import { repositoryRoot } from "../helpers/host";

const program = join(repositoryRoot, "examples", "two-tenants");
const project = "tines-two-tenants";
let staging: TinesSimulator;
let production: TinesSimulator;
let workDirectory: string;
/** This test's stack state: a file of its own, so no test starts from what another left. */
let statePath: string;
let stateFiles = 0;

beforeAll(async () => {
  [staging, production] = await Promise.all([startTinesSimulator({ userDeletionDelayMs: 0 }), startTinesSimulator({ userDeletionDelayMs: 0 })]);
  workDirectory = mkdtempSync(join(tmpdir(), "two-tenants-test-"));
});
beforeEach(() => {
  for (const simulator of [staging, production]) simulator.reset();
  stateFiles += 1;
  statePath = join(workDirectory, `state-${stateFiles}.json`);
});
afterAll(async () => {
  await Promise.all([staging.stop(), production.stop()]);
  rmSync(workDirectory, { recursive: true, force: true });
});

function run(mode: { preview?: boolean; refresh?: boolean; destroy?: boolean; productionApiKey?: string; continueOnError?: boolean } = {}): Promise<ProgramRunResult> {
  const { productionApiKey, ...rest } = mode;
  const options: ProgramRunOptions = {
    programDirectory: program,
    statePath,
    projectName: project,
    config: {
      [`${project}:stagingTenant`]: staging.url,
      [`${project}:stagingApiKey`]: staging.apiKey,
      [`${project}:productionTenant`]: production.url,
      [`${project}:productionApiKey`]: productionApiKey ?? production.apiKey,
    },
    secretKeys: [`${project}:stagingApiKey`, `${project}:productionApiKey`],
    ...rest,
  };
  return runProgramInChildProcess(options);
}

/** A simulator's request log, as `GET /_simulator/requests` answers it. */
async function requestsOf(simulator: TinesSimulator): Promise<Array<{ method: string; path: string; key: string; status: number | string }>> {
  const response = await fetch(`${simulator.url}/_simulator/requests`, { headers: { authorization: `Bearer ${simulator.apiKey}` } });
  return ((await response.json()) as { requests: Array<{ method: string; path: string; key: string; status: number | string }> }).requests;
}

interface RecordedState {
  resources: Array<{ name: string; provider?: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }>;
  providers?: Array<{ urn: string; inputs: Record<string, unknown> }>;
}

const readState = () => JSON.parse(readFileSync(statePath, "utf8")) as RecordedState;

/**
 * The program's first up on two empty tenants, and what each tenant was asked: each test that
 * calls it starts from the tenants and the state that up left (helpers/deployedOnce.ts).
 */
const deployed = deployedOnce(
  () => [staging, production],
  () => statePath,
  async () => ({ up: await run(), requests: { staging: await requestsOf(staging), production: await requestsOf(production) } }),
);
const emailsOf = (simulator: TinesSimulator) => simulator.state.listUsers().map((user) => user.email).filter((email) => email.endsWith("@example.com")).sort();
const stepsOf = (result: ProgramRunResult, prefix: string) => result.steps.filter((step) => step.name.startsWith(prefix));

describe("examples/two-tenants: one program, a staging and a production TinesProvider", () => {
  it("a preview checks each resource against its own tenant only", async () => {
    // Production already has a custom role of the roster's name; staging does not.
    production.state.addCustomRole("DETECTION_REVIEWER", { permissions: ["STORY_READ"] });
    const preview = await run({ preview: true });
    expect(preview.errors).toHaveLength(1);
    expect(preview.errors[0]).toContain("production-role-detection-reviewer");
    expect(preview.errors[0]).toContain(`a custom role named DETECTION_REVIEWER already exists in ${production.url}`);
    expect(stepsOf(preview, "staging-").every((step) => step.error === undefined)).toBe(true);
    // Each preview read only its own tenant, with its own key.
    for (const simulator of [staging, production]) expect((await requestsOf(simulator)).every((request) => request.key === "owner")).toBe(true);
  });

  it("a wrong key on one provider fails only that provider's resources, naming the provider", async () => {
    // Every step attempted, as `pulumi up --continue-on-error` does: by default the up stops starting
    // steps at the first failure, and which staging steps ran first would be a race.
    const up = await run({ productionApiKey: "not-the-production-key", continueOnError: true });
    expect(up.errors.length).toBeGreaterThan(0);
    for (const error of up.errors) {
      // A preview check meets the refusal first (a check's failure is named by the resource's URN).
      expect(error).toMatch(/^(production-|\d+ resources \(production-|urn:pulumi:dev::tines-two-tenants::[^:]+:dynamic\/tines:\w+::production-)/);
      expect(error).toContain('Tines refused the API key: check the key in the apiKey of TinesProvider "production"');
    }
    expect(stepsOf(up, "staging-").every((step) => step.operation === "create" && step.error === undefined)).toBe(true);
    expect(emailsOf(staging)).toEqual(["ada.lovelace@example.com", "grace.hopper@example.com", "new.hire@example.com"]);
    expect(emailsOf(production)).toEqual([]);
    // The staging key never reached production, nor the wrong production key staging.
    expect((await requestsOf(staging)).every((request) => request.key === "owner")).toBe(true);
    expect((await requestsOf(production)).every((request) => request.key === "invalid" && request.status === 401)).toBe(true);
  });

  it("every resource lands in its own tenant only, and its tenant output names that tenant", async () => {
    const { up, requests } = await deployed();
    expect(up.errors).toEqual([]);
    const tenants = up.outputs.tenants as Record<string, { tenant: string; teams: Record<string, number>; users: Record<string, number> }>;
    expect(tenants.staging!.tenant).toBe(staging.url);
    expect(tenants.production!.tenant).toBe(production.url);
    // The same role and teams in both; the person not yet promoted in staging only.
    for (const simulator of [staging, production]) {
      expect(simulator.state.listRoles().filter((role) => role.type === "custom").map((role) => role.name)).toEqual(["DETECTION_REVIEWER"]);
      expect(simulator.state.listTeams("all").map((team) => team.name).sort()).toEqual(["Detection Engineering", "Security Operations"]);
    }
    expect(emailsOf(staging)).toEqual(["ada.lovelace@example.com", "grace.hopper@example.com", "new.hire@example.com"]);
    expect(emailsOf(production)).toEqual(["ada.lovelace@example.com", "grace.hopper@example.com"]);
    // The request logs: every request each tenant got was made with its own key.
    for (const made of [requests.staging, requests.production]) {
      expect(made.length).toBeGreaterThan(0);
      expect(made.filter((request) => request.key !== "owner")).toEqual([]);
    }
    // What the state records: each resource's tenant and provider, and the key in none of them.
    const state = readState();
    for (const resource of state.resources) {
      const [tenant, simulator] = resource.name.startsWith("staging-") ? ["staging", staging] : ["production", production];
      expect(resource.outputs.tenant, resource.name).toBe(simulator.url);
      expect(resource.provider, resource.name).toMatch(new RegExp(`::pulumi:providers:pulumi-nodejs::${tenant}::[0-9a-f-]+$`));
    }
    const resourcesText = JSON.stringify(state.resources);
    expect(resourcesText).not.toContain(staging.apiKey);
    expect(resourcesText).not.toContain(production.apiKey);
    expect(resourcesText).not.toContain("apiKey");
    // The providers record their settings, the key marked secret.
    for (const provider of state.providers ?? []) {
      expect(provider.inputs["tines:apiKey"]).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
      expect(typeof provider.inputs["tines:tenant"]).toBe("string");
    }
    expect(state.providers?.map((provider) => provider.inputs["tines:providerName"]).sort()).toEqual(["production", "staging"]);
  });

  it("a second up changes nothing in either tenant", async () => {
    await deployed();
    const again = await run();
    expect(again.errors).toEqual([]);
    expect(again.steps.filter((step) => step.operation !== "same")).toEqual([]);
  });

  it("refresh reads each resource from its own tenant, and drops what was deleted there outside Pulumi", async () => {
    await deployed();
    production.state.deleteUser(production.state.findUserByEmail("grace.hopper@example.com")!.id);
    const refresh = await run({ refresh: true });
    expect(refresh.errors).toEqual([]);
    const dropped = refresh.steps.filter((step) => step.operation === "delete").map((step) => step.name);
    expect(dropped).toEqual(["production-user-grace.hopper@example.com"]);
    expect(readState().resources.map((resource) => resource.name)).toContain("staging-user-grace.hopper@example.com");
    for (const simulator of [staging, production]) expect((await requestsOf(simulator)).filter((request) => request.key !== "owner")).toEqual([]);
    // Each tenant was read for its own users (one by one, or a list when several reads wait:
    // docs/guides/refresh.md), with its own key (above).
    for (const simulator of [staging, production]) {
      const userReads = (await requestsOf(simulator)).filter((request) => request.path.startsWith("/api/v1/admin/users"));
      expect(userReads.length).toBeGreaterThanOrEqual(1);
    }
  });

  it("a key rotated since the last up fails refresh with the provider's name and says to run up first", async () => {
    // The state recorded the key of the last up; the tenant no longer accepts it (it was rotated).
    await deployed();
    const state = readState();
    const recorded = state.providers!.find((provider) => provider.inputs["tines:providerName"] === "production")!;
    (recorded.inputs["tines:apiKey"] as { value: string }).value = "the-key-before-rotation";
    writeFileSync(statePath, JSON.stringify(state));
    // The program's config has the new key; refresh does not run the program.
    const refresh = await run({ refresh: true });
    expect(refresh.errors.length).toBeGreaterThan(0);
    for (const error of refresh.errors) {
      expect(error).toMatch(/^production-/);
      expect(error).toContain('the apiKey of TinesProvider "production"');
      expect(error).toContain('`pulumi refresh` and `pulumi destroy` use the settings of TinesProvider "production" recorded at the last `pulumi up`');
      expect(error).toContain("run `pulumi up` first so the stack records the new key, or pass --run-program");
    }
    expect(stepsOf(refresh, "staging-").every((step) => step.error === undefined)).toBe(true);
  });

  it("destroy deletes every resource through its own provider, in its own tenant", async () => {
    await deployed();
    const destroy = await run({ destroy: true });
    expect(destroy.errors).toEqual([]);
    for (const simulator of [staging, production]) {
      expect(emailsOf(simulator)).toEqual([]);
      expect(simulator.state.listTeams("all")).toEqual([]);
      expect(simulator.state.listRoles().filter((role) => role.type === "custom")).toEqual([]);
      expect((await requestsOf(simulator)).filter((request) => request.key !== "owner")).toEqual([]);
    }
    expect(readState()).toEqual({ resources: [] });
  });
});
