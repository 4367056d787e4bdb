import { spawn } from "node:child_process";
import { join } from "node:path";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess, type ProgramRunOptions } from "../../dist-tools/runner/programRunner";
import { repositoryRoot } from "../helpers/host";

const program = join(repositoryRoot, "test", "programs", "team-lookup");
let simulator: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  workDirectory = mkdtempSync(join(tmpdir(), "program-runner-test-"));
});
/** An empty tenant with two teams. */
function resetTenant(): void {
  simulator.reset();
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
}
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

function options(statePath: string, config: Record<string, string>): ProgramRunOptions {
  return {
    programDirectory: program,
    statePath: join(workDirectory, statePath),
    config: { "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "team-lookup:team": "Security Operations", ...config },
    secretKeys: ["tines:apiKey"],
    projectName: "team-lookup",
  };
}

/** What the tenant holds that the program made. */
function tenantContents() {
  return {
    users: simulator.state.listUsers().map((user) => user.email).sort(),
    memberships: ["ada@example.com", "grace@example.com"].map((email) => simulator.state.teamMembershipsOf(simulator.state.findUserByEmail(email)?.id ?? 0).length),
    templates: simulator.state.listTemplates().length,
  };
}

describe("the CLI-free program runner, when a program fails after a successful up, behaves as the Pulumi engine does", () => {
  // One successful up, whose state each test starts from: two users, two memberships, a template.
  let before: ReturnType<typeof tenantContents>;
  beforeAll(async () => {
    resetTenant();
    const first = await runProgramInChildProcess(options("deployed.json", {}));
    expect(first.errors).toEqual([]);
    before = tenantContents();
    expect(before.memberships).toEqual([1, 1]);
    expect(before.templates).toBe(1);
  }, 120_000);

  it("a misspelt getTeam on a slow tenant fails the run, exits non-zero, and deletes nothing", async () => {
    copyFileSync(join(workDirectory, "deployed.json"), join(workDirectory, "slow.json"));

    // The tenant answers slowly, and the resources that do not need the team are settled at once
    // (no preview checks): the program's exports resolve long before the lookup fails.
    simulator.setFaults({ latencyMs: 1_500 });
    const second = await runProgramInChildProcess(options("slow.json", { "team-lookup:team": "Securty Operations", "tines:previewChecks": "false" }));
    simulator.setFaults({});
    expect(second.exitCode).toBe(1);
    expect(second.errors).toHaveLength(1);
    expect(second.errors[0]).toContain(`getTeam: no team named "Securty Operations" in ${simulator.url}`);
    // The error is said once, not once per resource that awaited the lookup.
    expect(second.errors[0]!.match(/error serializing property/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(second.steps.filter((step) => step.operation === "delete")).toEqual([]);
    expect(tenantContents()).toEqual(before);
  }, 120_000);

  it("a program written as an async function whose lookup rejects fails the run, exits non-zero, and deletes nothing", async () => {
    copyFileSync(join(workDirectory, "deployed.json"), join(workDirectory, "async.json"));
    // The same resources, declared after the lookup: none of them is registered when it fails.
    const second = await runProgramInChildProcess({
      ...options("async.json", { "team-lookup:team": "Securty Operations" }),
      programDirectory: join(repositoryRoot, "test", "programs", "async-program"),
    });
    expect(second.exitCode).toBe(1);
    expect(second.errors).toEqual([`getTeam: no team named "Securty Operations" in ${simulator.url}; did you mean Security Operations?`]);
    expect(second.steps.filter((step) => step.operation === "delete")).toEqual([]);
    expect(tenantContents()).toEqual(before);
  }, 120_000);

  it("a program that throws fails the run with that error, exits non-zero, and deletes nothing", async () => {
    copyFileSync(join(workDirectory, "deployed.json"), join(workDirectory, "throws.json"));
    const second = await runProgramInChildProcess(options("throws.json", { "team-lookup:mode": "throw" }));
    expect(second.exitCode).toBe(1);
    expect(second.errors.join("\n")).toContain("the program broke after declaring its resources");
    expect(second.steps.filter((step) => step.operation === "delete")).toEqual([]);
    expect(tenantContents()).toEqual(before);
  }, 120_000);
});

describe("the CLI-free program runner in a preview", () => {
  beforeEach(resetTenant);

  it("an error of the program's own code, awaited by three resources, is reported once with one wrapper", async () => {
    const preview = await runProgramInChildProcess({ ...options("own.json", { "team-lookup:mode": "own-lookup" }), preview: true });
    expect(preview.exitCode).toBe(1);
    expect(preview.errors).toEqual(['error serializing property "teamId": the program\'s own lookup failed']);
  }, 120_000);

  it("a preview shows the warnings the provider logs", async () => {
    const preview = await runProgramInChildProcess({ ...options("warnings.json", {}), preview: true });
    expect(preview.errors).toEqual([]);
    expect(preview.exitCode).toBe(0);
    expect(preview.warnings).toContain("pulumi-tines: creating user ada@example.com makes Tines email them an invitation");
  }, 120_000);
});

describe("the CLI-free program runner's processes", () => {
  beforeEach(resetTenant);

  it("a runner process kept for the next run evaluates the program afresh, with that run's config, and a failed run leaves nothing behind", async () => {
    // Ups, whose exports are known (a preview's are not, its resources being new).
    const before = await runProgramInChildProcess(options("kept.json", {}));
    const failed = await runProgramInChildProcess({ ...options("kept-2.json", { "team-lookup:mode": "own-lookup" }), preview: true });
    expect(failed.exitCode).toBe(1);
    const next = await runProgramInChildProcess(options("kept.json", {}));
    const [first, third] = [before, next].map((result) => result.outputs.runner as { processId: number; evaluations: number });
    // The same process, the program evaluated once a run, and none of the failed run's errors.
    expect(third!.processId).toBe(first!.processId);
    expect(third!.evaluations).toBe(first!.evaluations + 2);
    expect(next.errors).toEqual([]);
    expect(next.exitCode).toBe(0);
  }, 120_000);

  it("runProgramCli.js takes one run as JSON on stdin, prints its steps and result, and exits 1 when the run failed", async () => {
    const child = spawn(process.execPath, [join(repositoryRoot, "dist-tools", "runner", "runProgramCli.js")], { cwd: program, stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(JSON.stringify({ ...options("cli.json", { "team-lookup:mode": "own-lookup" }), preview: true }));
    const exitCode = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(exitCode).toBe(1);
    const lines = output.split("\n");
    expect(lines.filter((line) => line.startsWith("step ")).length).toBeGreaterThan(0);
    const result = JSON.parse(lines.find((line) => line.startsWith("result "))!.slice("result ".length)) as { errors: string[] };
    expect(result.errors).toEqual(['error serializing property "teamId": the program\'s own lookup failed']);
  }, 120_000);

  it("a run that throws ends its runner process and rejects with what it printed, and the next run gets a process of its own", async () => {
    writeFileSync(join(workDirectory, "broken-state.json"), "{ not json");
    await expect(runProgramInChildProcess(options("broken-state.json", {}))).rejects.toThrow(/the program runner exited with 1 before finishing: .*JSON/s);
    const next = await runProgramInChildProcess({ ...options("after-broken.json", {}), preview: true });
    expect(next.errors).toEqual([]);
    expect(next.exitCode).toBe(0);
  }, 120_000);
});
