import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../src/simulator";
import { DynamicProviderEngine } from "../src/testing/engine";
import { ProviderHost } from "../src/testing/providerHost";
import { repositoryRoot } from "./helpers/host";

let programDirectory: string;
let simulator: TinesSimulator;

beforeAll(async () => {
  programDirectory = mkdtempSync(join(tmpdir(), "pulumi-tines-program-"));
  // The package as it would be published (dist was built by `npm test`).
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", programDirectory], { cwd: repositoryRoot, stdio: "ignore" });
  const tarball = readdirSync(programDirectory).find((file) => file.endsWith(".tgz"))!;
  writeFileSync(
    join(programDirectory, "package.json"),
    JSON.stringify({ name: "tines-program", private: true, dependencies: { "pulumi-tines": `file:./${tarball}` } }),
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], {
    cwd: programDirectory,
    stdio: "ignore",
  });
  simulator = await startTinesSimulator({ seedTeams: ["Security Operations"], userDeletionDelayMs: 0 });
}, 300_000);

afterAll(async () => {
  await simulator?.stop();
  if (programDirectory) rmSync(programDirectory, { recursive: true, force: true });
});

describe("the packed package in a fresh Pulumi program", () => {
  it("ships only the build and the README", () => {
    const installed = realpathSync(join(programDirectory, "node_modules", "pulumi-tines"));
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
  });

  it("runs the whole lifecycle through the host, loading the provider from the program's node_modules", async () => {
    const host = await ProviderHost.start({ programDirectory });
    try {
      await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey });
      const engine = new DynamicProviderEngine(host);
      const user = await engine.up("User", "ada", { email: "ada@example.com", firstName: "Ada" });
      const membership = await engine.up("TeamMembership", "ada-secops", { teamId: 1, userId: user.state.outputs.userId as number });
      const template = await engine.up("PrivateTemplate", "t", {
        name: "T",
        vendor: "V",
        product: "P",
        agentType: "Agents::WebhookAgent",
        agentOptions: {},
      });
      const renamed = await engine.up("User", "ada", { email: "ada@example.com", firstName: "Augusta" }, user.state);
      expect(renamed.operation).toBe("update");
      expect((await engine.refresh(renamed.state))!.outputs.firstName).toBe("Augusta");
      await engine.destroy(template.state);
      await engine.destroy(renamed.state);
      // The membership went with the user (Tines removes a deleted user's memberships).
      expect(await engine.refresh(membership.state)).toBeUndefined();
      expect(simulator.state.listUsers()).toHaveLength(0);
      expect(simulator.state.listTemplates()).toHaveLength(0);
    } finally {
      await host.stop();
    }
  });
  it("installs the pulumi-tines command, which exports the tenant with only its runtime dependencies", async () => {
    simulator.state.createUser({ email: "grace@example.com", first_name: "Grace" });
    // The bin link npm made, run with this Node (its shebang would pick whichever node is on the PATH).
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(programDirectory, "node_modules", ".bin", "pulumi-tines"), "export"], {
      cwd: programDirectory,
      env: { ...process.env, TINES_TENANT: simulator.url, TINES_API_KEY: simulator.apiKey },
    });
    expect(stdout).toContain("- email: grace@example.com");
    expect(stderr).toContain("Exported 1 users, 1 teams");
  });
});
