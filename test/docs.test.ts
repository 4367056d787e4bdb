import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// The built generator, as `npm run docs` runs it.
import { generatePages, stalePages } from "../dist-tools/docs/generate";
import { tinesResourceRegistry } from "../dist/resources/registry";
import { repositoryRoot } from "./helpers/host";

/**
 * The pages as generated once in this file (a generation builds a TypeScript program of src/, about
 * 3 s of CPU): each test that needs them asks for them, whichever runs first.
 */
let generated: ReturnType<typeof generatePages> | undefined;
const pages = () => (generated ??= generatePages());

describe("the docs", () => {
  it("are what `npm run docs` generates from the code and the benchmark's results (run it after changing either)", () => {
    expect(stalePages(pages())).toEqual([]);
  });

  it("generate the same pages twice: `npm run docs` is idempotent", () => {
    expect(generatePages()).toEqual(pages());
  });

  it("have a reference page, from a written source and an example program, for every resource kind in the registry", () => {
    for (const load of Object.values(tinesResourceRegistry)) {
      const { className } = load().definition;
      for (const file of [`docs/src/resources/${className}.md`, `docs/src/resources/${className}.example.ts`, `docs/resources/${className}.md`]) {
        expect(existsSync(join(repositoryRoot, file)), file).toBe(true);
      }
    }
    const pages = readdirSync(join(repositoryRoot, "docs", "resources")).map((file) => file.replace(/\.md$/, ""));
    expect(pages.sort()).toEqual(Object.values(tinesResourceRegistry).map((load) => load().definition.className).sort());
  });

  // That each page's example program type-checks is tested with the examples' (test/examples.test.ts).
});
