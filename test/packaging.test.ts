import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
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
/** What npm printed while installing the tarball into the program. */
let installOutput: string;

beforeAll(async () => {
  programDirectory = mkdtempSync(join(tmpdir(), "pulumi-tines-program-"));
  // The package as it is published: `npm run pack` builds, then stages it with a cleaned
  // package.json and packs it. `npm test` has just built dist, so only the packing step runs here.
  const packScript = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")).scripts.pack as string;
  expect(packScript).toBe("npm run build && node dist/packaging/pack.js");
  execFileSync(process.execPath, [join(repositoryRoot, "dist", "packaging", "pack.js"), programDirectory], { cwd: repositoryRoot, stdio: "ignore" });
  const tarball = readdirSync(programDirectory).find((file) => file.endsWith(".tgz"))!;
  writeFileSync(
    join(programDirectory, "package.json"),
    JSON.stringify({ name: "tines-program", private: true, dependencies: { "pulumi-tines": `file:./${tarball}` } }),
  );
  // As a user installs it: scripts allowed, so npm says what it thinks of ours.
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: programDirectory, encoding: "utf8" });
  installOutput = `${install.stdout}${install.stderr}`;
  expect(install.status, installOutput).toBe(0);
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

  it("installs without a warning about pulumi-tines: no build-on-install script, no dependency on itself", () => {
    const installed = JSON.parse(readFileSync(join(programDirectory, "node_modules", "pulumi-tines", "package.json"), "utf8"));
    expect(installed.scripts?.prepare).toBeUndefined();
    expect(installed.scripts).toBeUndefined();
    expect(installed.devDependencies?.["pulumi-tines"]).toBeUndefined();
    expect(installed.dependencies["pulumi-tines"]).toBeUndefined();
    expect(installOutput.split("\n").filter((line) => /warn/i.test(line) && line.includes("pulumi-tines"))).toEqual([]);
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
