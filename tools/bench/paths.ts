/** Where the benchmark finds the repository and writes its results. */
import { join } from "node:path";

/** The repository root, from dist-tools/bench. */
export const repositoryRoot = join(__dirname, "..", "..");

/** Where `npm run bench` and `npm run reliability` record their figures, which `npm run docs` renders. */
export const resultsDirectory = join(repositoryRoot, "bench", "results");
