/**
 * The promise to users: a stack deployed with the previous release refreshes and updates with no
 * change and no replacement, and the `__provider` text stored in its state keeps loading.
 *
 * The fixture (test/fixtures/previous-release/, made as its README says) is the state the previous
 * release wrote when it deployed program/ there: the stack's state, as the CLI-free runner keeps it,
 * with that release's `__provider` text in every resource's inputs and outputs, and the simulated
 * tenant it deployed to. Here the CURRENT code, through the real dynamic-provider host, refreshes
 * that stack, diffs it and runs the same program's `up` on it: nothing may change.
 *
 * It fails when an output is renamed or dropped, a default changes, a diff replaces or updates, a
 * read drifts, a step writes to Tines, or the stored stub no longer loads. When it fails because
 * behaviour changed on purpose, that change breaks existing stacks: say so in CHANGELOG.md rather
 * than re-recording the fixture.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import type { EngineResourceState } from "../../tools/runner/engine";
import type { ProgramRunOptions, ProgramRunResult } from "../../tools/runner/programRunner";
import { ProviderHost } from "../../tools/runner/providerHost";
import { repositoryRoot } from "../helpers/host";

const fixture = join(repositoryRoot, "test", "fixtures", "previous-release");
const programDirectory = join(fixture, "program");
/** As recorded (record.js): the tenant address, the simulator's key and the project of the URNs. */
const recordedTenant = "http://127.0.0.1:4599";
const apiKey = "tines-sim-previous-release-fixture";
const projectName = "previous-release";
/** What the fixture's stack holds: one of each kind and its notable inputs (see program/index.ts). */
const expectedResources = [
  "CustomRole analyst-role",
  "PrivateTemplate virustotal-lookup",
  "Team team-plain",
  "Team team-roster",
  "Team team-with-members",
  "TeamMembers roster",
  "TeamMembership membership-by-email",
  "TeamMembership membership-by-id",
  "User ada",
  "User grace-adopted",
  "User linus",
];

let simulator: TinesSimulator;
/** One provider host for the file's direct calls (read, check, diff); the runner starts its own. */
let host: ProviderHost;
let workDirectory: string;
/** The fixture's stack state, its tenant address rewritten to this run's simulator. */
let recorded: EngineResourceState[];

/**
 * The fixture's stack state pointed at `tenantUrl`. The simulator here listens on a free port, not
 * the recorded 4599 (a fixed port could clash with other tests), and every resource records the
 * tenant it was made in (its `tenant` output, which the tenant guard compares with the configured
 * tenant): that address, and nothing else, is rewritten.
 */
function stackStatePointedAt(tenantUrl: string): EngineResourceState[] {
  const { resources } = JSON.parse(readFileSync(join(fixture, "stack-state.json"), "utf8")) as { resources: EngineResourceState[] };
  for (const resource of resources) {
    expect(resource.outputs.tenant, `${resource.name}'s recorded tenant`).toBe(recordedTenant);
    resource.outputs.tenant = tenantUrl;
  }
  expect(JSON.stringify(resources), "the tenant address is recorded nowhere else").not.toContain(recordedTenant);
  return resources;
}

/** A copy of the (rewritten) stack state for one run, which the runner may then rewrite. */
function stackStateFile(name: string): string {
  const path = join(workDirectory, name);
  writeFileSync(path, JSON.stringify({ resources: recorded }, null, 2));
  return path;
}

function runOptions(statePath: string, extra: Partial<ProgramRunOptions> = {}): ProgramRunOptions {
  return {
    programDirectory,
    statePath,
    projectName,
    config: { "tines:tenant": simulator.url, "tines:apiKey": apiKey },
    secretKeys: ["tines:apiKey"],
    ...extra,
  };
}

/** The requests that write to the tenant since the log held `since` entries. */
function writesSince(since: number): string[] {
  return simulator.log
    .slice(since)
    .filter((entry) => ["POST", "PUT", "PATCH", "DELETE"].includes(entry.method))
    .map((entry) => `${entry.method} ${entry.path}`);
}

/**
 * The inputs a read gives back: the recorded ones, but a TinesTeamMembership declared by `email`
 * comes back by `userId`. The previous release does the same (its read, like today's, sees only
 * the outputs, which hold both, and picks by whether `userId` is a number there), so it is no
 * regression: a later `up` still finds no change (diff compares the declared email with the
 * outputs), but `pulumi refresh` shows the membership's inputs as changed. A known bug, not part of
 * the promise: the day read keeps `email`, drop this exception.
 */
function inputsAReadGives(resource: EngineResourceState): Record<string, unknown> {
  if (resource.kind !== "TeamMembership" || resource.inputs.email === undefined) return resource.inputs;
  const { email: _declared, ...inputs } = resource.inputs;
  return { ...inputs, userId: resource.outputs.userId };
}

function resourceNames(resources: readonly { kind: string; name: string }[]): string[] {
  return resources.map((resource) => `${resource.kind} ${resource.name}`).sort();
}

function stepsOf(result: ProgramRunResult): string[] {
  return result.steps.map((step) => `${step.operation} ${step.kind} ${step.name}${step.replaces ? ` (replaces ${step.replaces.join(", ")})` : ""}`).sort();
}

beforeAll(async () => {
  workDirectory = mkdtempSync(join(tmpdir(), "previous-release-"));
  // The simulator saves the tenant to its state file after every change: it gets a copy.
  copyFileSync(join(fixture, "tenant-state.json"), join(workDirectory, "tenant.json"));
  const hostStarting = ProviderHost.start({ programDirectory, projectName });
  simulator = await startTinesSimulator({ statePath: join(workDirectory, "tenant.json"), apiKey, userDeletionDelayMs: 0 });
  host = await hostStarting;
  await host.configure(runOptions("").config);
  recorded = stackStatePointedAt(simulator.url);
  expect(resourceNames(recorded)).toEqual(expectedResources);
});

afterAll(async () => {
  await host?.stop();
  await simulator?.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

describe("a stack deployed with the previous release", () => {
  it("refreshes with no drift: each read returns the recorded id, outputs and inputs, and writes nothing", async () => {
    const statePath = stackStateFile("refresh.json");
    const logged = simulator.log.length;
    const result = await runProgramInChildProcess(runOptions(statePath, { refresh: true }));
    expect(result.errors).toEqual([]);
    expect(writesSince(logged)).toEqual([]);
    const refreshed = (JSON.parse(readFileSync(statePath, "utf8")) as { resources: EngineResourceState[] }).resources;
    expect(resourceNames(refreshed)).toEqual(expectedResources);
    for (const before of recorded) {
      const after = refreshed.find((resource) => resource.urn === before.urn)!;
      expect(after.id, `${before.name}'s id`).toBe(before.id);
      // toStrictEqual: a renamed, dropped or added output, or one whose value changed, fails.
      expect(after.outputs, `${before.name}'s outputs`).toStrictEqual(before.outputs);
      expect(after.inputs, `${before.name}'s inputs`).toStrictEqual(inputsAReadGives(before));
    }
    // The steps say the same: `same` for each, but for the inputs of the exception above.
    const refreshSteps = recorded.map((resource) => `${isDeepStrictEqual(inputsAReadGives(resource), resource.inputs) ? "same" : "update"} ${resource.kind} ${resource.name}`);
    expect(stepsOf(result)).toEqual(refreshSteps.sort());
  });

  it("keeps the `__provider` text it stores loading: a host evaluates each resource's stored stub to serve read", async () => {
    // The text as the previous release stored it, twice per resource: a one-line stub that loads the
    // provider from the installed package (src/provider/registration.ts calls it a compatibility contract).
    for (const resource of recorded) {
      const stub = `exports.handler = function () { return require("pulumi-tines/provider").resourceProvider(${JSON.stringify(resource.kind)}); };\n`;
      expect(resource.inputs.__provider, `${resource.name}'s stored inputs`).toBe(stub);
      expect(resource.outputs.__provider, `${resource.name}'s stored outputs`).toBe(stub);
    }
    // The file's host has loaded no provider text before this test (the diff's runs after it):
    // read is served by the provider the stored text gives (the host finds it in the properties
    // sent, the recorded outputs), as refresh and destroy do.
    const read = await Promise.all(recorded.map((resource) => host.read(resource.urn, resource.id, resource.outputs, resource.inputs)));
    expect(read.map((each) => each.id)).toEqual(recorded.map((resource) => resource.id));
    expect(read.map((each) => each.outputs.__provider)).toEqual(recorded.map((resource) => resource.outputs.__provider));
  });

  it("diffs with no change and no replacement against its recorded inputs", async () => {
    const logged = simulator.log.length;
    const differences: string[] = [];
    for (const resource of recorded) {
      // As the engine would for a program declaring what the state records: check with the
      // recorded inputs as olds and news, then diff the recorded outputs against what check gives.
      const checked = await host.check(resource.urn, resource.inputs, resource.inputs);
      expect(checked.failures, `${resource.name}'s check`).toEqual([]);
      expect(checked.inputs, `${resource.name}'s checked inputs`).toStrictEqual(resource.inputs);
      const diff = await host.diff(resource.urn, resource.id, resource.outputs, checked.inputs);
      if (diff.changes !== "none" || diff.replaces.length > 0 || diff.deleteBeforeReplace) {
        differences.push(`${resource.name}: changes ${diff.changes}, replaces [${diff.replaces.join(", ")}]`);
      }
    }
    expect(differences).toEqual([]);
    expect(writesSince(logged)).toEqual([]);
  });

  it("updates with the same program: every step is `same`, no request writes, the exports are as deployed", async () => {
    const statePath = stackStateFile("up.json");
    const logged = simulator.log.length;
    const result = await runProgramInChildProcess(runOptions(statePath));
    expect(result.errors).toEqual([]);
    // Every resource registered (none created anew under another name, none left to delete) and
    // found unchanged: a changed default, a renamed input or a replace rule shows here.
    expect(stepsOf(result)).toEqual(expectedResources.map((resource) => `same ${resource}`));
    expect(writesSince(logged)).toEqual([]);
    const outputOf = (name: string, key: string) => recorded.find((resource) => resource.name === name)!.outputs[key];
    expect(result.outputs).toStrictEqual({
      userIds: { ada: outputOf("ada", "userId"), grace: outputOf("grace-adopted", "userId"), linus: outputOf("linus", "userId") },
      teamIds: { withMembers: outputOf("team-with-members", "teamId"), plain: outputOf("team-plain", "teamId"), rostered: outputOf("team-roster", "teamId") },
      templateId: outputOf("virustotal-lookup", "templateId"),
      roleName: outputOf("analyst-role", "name"),
    });
    const after = (JSON.parse(readFileSync(statePath, "utf8")) as { resources: EngineResourceState[] }).resources;
    expect(after.map((resource) => [resource.urn, resource.id, resource.outputs])).toStrictEqual(
      recorded.map((resource) => [resource.urn, resource.id, resource.outputs]),
    );
  });
});
