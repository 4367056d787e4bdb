/**
 * Fails at load, with one sentence, when the program's `@pulumi/pulumi` is older than 3.139.0.
 * Before 3.139 the dynamic-provider host never calls a provider's `configure` (and older CLIs send
 * a dynamic provider no stack config), so neither `tines:tenant` / `tines:apiKey` nor a
 * TinesProvider's settings would reach the provider: every resource would fail later, or reach the
 * tenant named by the environment instead (pulumi-dynamic-providers.md, "Runtime facts").
 * Required by the package's main entry point after the Node.js check.
 */
import { dirname } from "node:path";

/** The oldest `@pulumi/pulumi` whose dynamic-provider host calls `configure`. */
export const minimumPulumiVersion = "3.139.0";

/** The numeric parts of a version such as `3.139.0` or `3.100.0-alpha.1`. */
function versionParts(version: string): number[] {
  return version.replace(/^v/, "").split(/[.-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
}

/**
 * Why this package cannot work with `@pulumi/pulumi` `found` (one sentence naming the version it
 * needs, the one it found and where), or undefined when it can.
 */
export function pulumiVersionProblem(found: string, where = "this program"): string | undefined {
  const needed = versionParts(minimumPulumiVersion);
  const actual = versionParts(found);
  for (let index = 0; index < 3; index += 1) {
    if (actual[index]! > needed[index]!) return undefined;
    if (actual[index]! < needed[index]!) {
      return (
        `pulumi-tines needs @pulumi/pulumi ${minimumPulumiVersion} or newer (the first release that hands a dynamic provider its configuration), ` +
        `but ${where} uses @pulumi/pulumi ${found}: run \`npm install @pulumi/pulumi@latest\` and use a Pulumi CLI ${minimumPulumiVersion} or newer.`
      );
    }
  }
  return undefined;
}

/**
 * The version of the `@pulumi/pulumi` the program resolves from `directory` (a Pulumi program runs
 * with its own directory as the working directory), or undefined when none resolves from there.
 */
export function programPulumiVersion(directory: string = process.cwd()): { version: string; path: string } | undefined {
  let path: string;
  try {
    path = require.resolve("@pulumi/pulumi/package.json", { paths: [directory] });
  } catch {
    return undefined;
  }
  return { version: (require(path) as { version: string }).version, path: dirname(path) };
}

/**
 * Throws {@link pulumiVersionProblem}'s sentence when the `@pulumi/pulumi` this package loads, or
 * the one the program in `directory` resolves (which runs the provider host), is too old.
 */
export function assertSupportedPulumiVersion(directory: string = process.cwd()): void {
  const own = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  const program = programPulumiVersion(directory);
  const problem = pulumiVersionProblem(own, "pulumi-tines") ?? (program ? pulumiVersionProblem(program.version, `the program (${program.path})`) : undefined);
  if (problem !== undefined) throw new Error(problem);
}

assertSupportedPulumiVersion();
