import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../../src/simulator";
// The built runner: it starts its compiled child-process entry beside itself.
import { runProgramInChildProcess } from "../../dist-tools/runner/programRunner";
import { repositoryRoot } from "../helpers/host";

const program = join(repositoryRoot, "test", "programs", "declared");
const userCount = 40;
let simulator: TinesSimulator;
let workDirectory: string;

beforeAll(async () => {
  simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  workDirectory = mkdtempSync(join(tmpdir(), "runner-stops-"));
});
beforeEach(() => {
  simulator.reset();
  // Tines refuses every new user (a 422 is not retried): every create that starts fails alike.
  simulator.setFaults({ rules: [{ method: "POST", path: "/api/v1/admin/users", action: { type: "status", status: 422, body: '{"errors":[{"message":"refused"}]}' } }] });
});
afterAll(async () => {
  await simulator.stop();
  rmSync(workDirectory, { recursive: true, force: true });
});

function upOfUsers(continueOnError: boolean) {
  const resources = Array.from({ length: userCount }, (_, index) => ({ class: "TinesUser", name: `user${index}`, args: { email: `user${index}@example.com` } }));
  return runProgramInChildProcess({
    programDirectory: program,
    statePath: join(workDirectory, `${String(continueOnError)}.json`),
    config: {
      "tines:tenant": simulator.url,
      "tines:apiKey": simulator.apiKey,
      "tines:previewChecks": "false",
      "declared:resources": JSON.stringify(resources),
    },
    secretKeys: ["tines:apiKey"],
    projectName: "declared",
    continueOnError,
  });
}

describe("the CLI-free runner stops like `pulumi up`", () => {
  it("starts no new step after the first failure, lists what was not attempted, and says an error shared by several resources once", async () => {
    const result = await upOfUsers(false);
    const failed = result.steps.filter((step) => step.error !== undefined).map((step) => step.name);
    expect(failed.length).toBeGreaterThan(0);
    // Only the steps already under way when the first failed (at most the engine's parallelism) ran.
    expect(failed.length).toBeLessThan(userCount);
    expect(result.notAttempted).toHaveLength(userCount - failed.length);
    expect(result.notAttempted.every((step) => /^create user\d+$/.test(step))).toBe(true);
    expect(simulator.countRequests("POST", "/api/v1/admin/users")).toBe(failed.length);
    expect(result.errors.join("\n")).not.toContain("not attempted");
    if (failed.length > 1) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toMatch(new RegExp(`^${failed.length} resources \\(user\\d+, .*\\): .*422`));
    }
    expect(result.exitCode).not.toBe(0);
  });

  it("with continueOnError attempts every step, and groups the identical errors into one", async () => {
    const result = await upOfUsers(true);
    expect(result.notAttempted).toEqual([]);
    expect(result.steps.filter((step) => step.error !== undefined)).toHaveLength(userCount);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(new RegExp(`^${userCount} resources \\(user\\d+, user\\d+, user\\d+, user\\d+, user\\d+ and ${userCount - 5} more\\): .*422`));
  });
});
