import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { minimumNodeVersion, nodeVersionProblem } from "../src/nodeVersion";
import { repositoryRoot } from "./helpers/host";

/** A Node.js older than the package needs, if this machine has one (the machine's own Node 20 runs npm). */
function olderNode(): string | undefined {
  const candidates = [...(process.env.PATH ?? "").split(delimiter).map((directory) => join(directory, "node")), "/usr/bin/node", "/usr/local/bin/node"];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
    if (nodeVersionProblem(version) !== undefined) return candidate;
  }
  return undefined;
}

describe("the Node.js version the package needs", () => {
  it("is the engines.node of package.json", () => {
    const engines = (JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as { engines: { node: string } }).engines;
    // engines.node is a lower bound (">=22.19.0"); the version is what follows it.
    expect(engines.node).toMatch(/^>=\s*\d+\.\d+\.\d+$/);
    expect(`>=${minimumNodeVersion}`).toBe(engines.node.replace(/\s+/g, ""));
  });

  it("refuses an older Node in one sentence naming the version it needs and the one it found", () => {
    expect(nodeVersionProblem("20.20.2")).toBe(
      "pulumi-tines needs Node.js 22.19.0 or newer, but this is Node.js 20.20.2: install Node.js 22.19.0 or newer (for example `nvm install 22`) and run again.",
    );
    expect(nodeVersionProblem("v22.18.9")).toContain("but this is Node.js 22.18.9");
    expect(nodeVersionProblem("18.0.0")).toContain("needs Node.js 22.19.0 or newer");
  });

  it("accepts 22.19 and anything newer", () => {
    for (const version of ["22.19.0", "v22.19.1", "22.23.3", "23.0.0", "24.1.0", "30.0.0-pre"]) expect(nodeVersionProblem(version)).toBeUndefined();
    expect(nodeVersionProblem()).toBeUndefined();
  });

  it.skipIf(olderNode() === undefined)("makes loading the package on an older Node fail with that sentence, from both entry points", () => {
    for (const entry of ["dist/index.js", "dist/provider/index.js"]) {
      const result = spawnSync(olderNode()!, ["-e", `require(${JSON.stringify(join(repositoryRoot, entry))})`], { encoding: "utf8" });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/Error: pulumi-tines needs Node\.js 22\.19\.0 or newer, but this is Node\.js \d+\.\d+\.\d+: /);
    }
  });
});
