/**
 * `npm run pack [-- <destination directory>]`: makes the tarball users install. It stages what
 * package.json's `files` publishes (the package's build, `dist/`, and the README; the tools,
 * this script among them, build to `dist-tools/` and are not shipped) with a package.json cleaned
 * of what only this repository needs, then runs `npm pack` there and prints the tarball's path.
 *
 * Cleaned because npm reads a dependency's package.json when a program installs it: the
 * build-on-install script (`prepare`) made npm warn that pulumi-tines has an install script, and
 * the repository's link to itself (`"pulumi-tines": "file:."`, which lets the tests and examples
 * import the package by name) means nothing outside it. In the repository both stay, so
 * `npm install` still builds the package.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const repositoryRoot = join(__dirname, "..", "..");

/** The repository's package.json, as far as packing reads it. */
interface RepositoryPackageJson {
  files: string[];
  scripts?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: unknown;
  [field: string]: unknown;
}

/**
 * The package.json a program installs: the repository's without its scripts (the build-on-install
 * `prepare` and the development commands, whose files are not shipped), devDependencies (among
 * them the link to itself) and `allowScripts` (the repository's own install policy).
 */
export function publishedPackageJson(repository: RepositoryPackageJson): Record<string, unknown> {
  const { scripts: _scripts, devDependencies: _devDependencies, allowScripts: _allowScripts, ...published } = repository;
  return published;
}

/** Copies what `files` publishes into `stage`. */
function stageFiles(files: string[], stage: string): void {
  for (const entry of files) {
    const source = resolve(repositoryRoot, entry);
    if (!existsSync(source)) throw new Error(`${entry} is listed in package.json "files" but does not exist: run \`npm run build\` first`);
    cpSync(source, join(stage, relative(repositoryRoot, source)), { recursive: true });
  }
}

/** Packs the package into `destination` and returns the tarball's path. */
export function packPackage(destination: string): string {
  const repository = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")) as RepositoryPackageJson;
  const stage = mkdtempSync(join(tmpdir(), "pulumi-tines-pack-"));
  try {
    stageFiles(repository.files, stage);
    writeFileSync(join(stage, "package.json"), `${JSON.stringify(publishedPackageJson(repository), null, 2)}\n`);
    const output = execFileSync("npm", ["pack", "--json", "--pack-destination", resolve(destination)], { cwd: stage, encoding: "utf8" });
    const [packed] = JSON.parse(output) as Array<{ filename: string }>;
    return join(resolve(destination), packed!.filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (require.main === module) {
  console.log(packPackage(process.argv[2] ?? process.cwd()));
}
