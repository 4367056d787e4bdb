/**
 * Fails at load, with one sentence, on a Node.js older than this package needs. Without it, an
 * older Node fails deep inside a dependency (undici on Node 20: "Cannot read properties of
 * undefined (reading 'bind')"), which says nothing about the cause. Required first by the package's
 * entry points (`pulumi-tines` and `pulumi-tines/provider`), before anything else loads.
 */

/** The oldest Node.js this package runs on: the `engines.node` of its package.json. */
export const minimumNodeVersion: string = ((require("../package.json") as { engines: { node: string } }).engines.node).replace(/^>=\s*/, "");

/** The numeric parts of a version such as `22.19.0` or `v20.20.2`. */
function versionParts(version: string): number[] {
  return version.replace(/^v/, "").split(/[.-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
}

/**
 * Why this package cannot run on Node.js `found` (one sentence naming the version it needs and the
 * one it found), or undefined when it can.
 */
export function nodeVersionProblem(found: string = process.versions.node): string | undefined {
  const needed = versionParts(minimumNodeVersion);
  const actual = versionParts(found);
  for (let index = 0; index < 3; index += 1) {
    if (actual[index]! > needed[index]!) return undefined;
    if (actual[index]! < needed[index]!) {
      return `pulumi-tines needs Node.js ${minimumNodeVersion} or newer, but this is Node.js ${found.replace(/^v/, "")}: install Node.js ${minimumNodeVersion} or newer (for example \`nvm install 22\`) and run again.`;
    }
  }
  return undefined;
}

/** Throws {@link nodeVersionProblem}'s sentence when Node.js `found` is too old. */
export function assertSupportedNodeVersion(found: string = process.versions.node): void {
  const problem = nodeVersionProblem(found);
  if (problem !== undefined) throw new Error(problem);
}

assertSupportedNodeVersion();
