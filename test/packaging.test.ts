import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinesSimulator, type TinesSimulator } from "../src/simulator";
import { DynamicProviderEngine } from "../tools/runner/engine";
import { ProviderHost } from "../tools/runner/providerHost";
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
  expect(packScript).toBe("npm run build && node dist-tools/packaging/pack.js");
  execFileSync(process.execPath, [join(repositoryRoot, "dist-tools", "packaging", "pack.js"), programDirectory], { cwd: repositoryRoot, stdio: "ignore" });
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

/** Every file under `directory`, as paths relative to it with forward slashes. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

let dryRunFiles: string[] | undefined;
/**
 * What `npm pack` puts in the tarball, as package.json's `files` selects it (`npm pack --dry-run
 * --json`). Scripts are not run: `prepare` would rebuild dist under the other test files' feet.
 */
function packed(): string[] {
  if (!dryRunFiles) {
    const output = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repositoryRoot, encoding: "utf8" });
    const [tarball] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
    dryRunFiles = tarball!.files.map((file) => file.path).sort();
  }
  return dryRunFiles;
}

describe("the package's file list", () => {
  it("is the build of src/ (each module's .js and .d.ts), the README and package.json, and nothing else", () => {
    const sourceModules = filesUnder(join(repositoryRoot, "src"))
      .filter((path) => path.endsWith(".ts"))
      .map((path) => path.slice(0, -".ts".length));
    expect(sourceModules.length).toBeGreaterThan(10);
    const expected = [...sourceModules.flatMap((module) => [`dist/${module}.js`, `dist/${module}.d.ts`]), "README.md", "package.json"].sort();
    expect(packed()).toEqual(expected);
  });

  it("holds every entry point package.json names: main, types, bin and each export", () => {
    const manifest = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const entryPoints = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target))),
    ].map((path) => path.replace(/^\.\//, ""));
    const files = packed();
    for (const entryPoint of entryPoints) expect(files, entryPoint).toContain(entryPoint);
    // The package as users know it: the resources, lookups, client, provider, CLI and simulator.
    for (const module of ["dist/index.js", "dist/lookups.js", "dist/client/index.js", "dist/provider/index.js", "dist/cli/index.js", "dist/simulator/index.js", "dist/simulator/cli.js"]) {
      expect(files).toContain(module);
    }
    expect(files.filter((path) => path.startsWith("dist/resources/") && path.endsWith(".js")).length).toBeGreaterThanOrEqual(6);
  });

  it("holds no runner, benchmark, demo or packaging code: the tools build to dist-tools, which is not shipped", () => {
    const toolModules = filesUnder(join(repositoryRoot, "tools")).filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"));
    expect(toolModules).toEqual(expect.arrayContaining(["runner/programRunner.ts", "runner/providerHost.ts", "bench/index.ts", "demo/index.ts", "packaging/pack.ts"]));
    const files = packed();
    expect(files.filter((path) => path.startsWith("dist-tools/") || path.startsWith("tools/"))).toEqual([]);
    // Nor under dist/, where a stale build of the tools (they once built there) would land.
    for (const module of toolModules) {
      const stem = module.slice(0, -".ts".length);
      expect(files).not.toContain(`dist/${stem}.js`);
    }
    for (const folder of ["testing", "runner", "bench", "demo", "packaging"]) {
      expect(files.filter((path) => path.startsWith(`dist/${folder}/`))).toEqual([]);
    }
  });
});

describe("the packed package in a fresh Pulumi program", () => {
  it("ships only the build and the README: the files `npm pack --dry-run` lists", () => {
    const installed = realpathSync(join(programDirectory, "node_modules", "pulumi-tines"));
    expect(readdirSync(installed).sort()).toEqual(["README.md", "dist", "package.json"]);
    expect(filesUnder(installed)).toEqual(packed());
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
