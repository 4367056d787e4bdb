/**
 * Keeps the README's generated tables current: replaces the text between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The repository root, from dist-tools/bench. */
export const repositoryRoot = join(__dirname, "..", "..");

/** Replaces the README section `name` with `text`. */
export function replaceReadmeSection(name: string, text: string): void {
  const path = join(repositoryRoot, "README.md");
  const readme = readFileSync(path, "utf8");
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} and ${end} markers`);
  writeFileSync(path, `${readme.slice(0, from + start.length)}\n${text.trim()}\n${readme.slice(to)}`);
}
