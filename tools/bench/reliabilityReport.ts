/**
 * Collects the figures the reliability tests recorded (reports/reliability/*.json) into
 * bench/results/reliability.json, which `npm run docs` renders as the table of
 * docs/maintainers/reliability.md. Run through `npm run reliability`, which runs those tests first.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot, resultsDirectory } from "./paths";

/** One row of the reliability table, as a reliability test records it. */
export interface ReliabilityFigures {
  faultClass: string;
  operations: number;
  succeeded: number;
  /** Operations that failed as they should, with a clear error (e.g. a fault outlasting the retries). */
  failedClearly: number;
  /** Objects made twice. */
  duplicated: number;
  /** Objects in the tenant that no state names, plus states whose object is not in the tenant. */
  lost: number;
  /** Requests answered 429 by the simulator (retried or not). */
  rateLimited?: number;
  /** Wall time in seconds. */
  seconds?: number;
  note?: string;
}

/** Where the reliability tests record their figures, one file per fault class. */
export const reliabilityReportDirectory = join(repositoryRoot, "reports", "reliability");

/** Collects the recorded figures into the results the docs are generated from. */
function main(): void {
  const rows = readdirSync(reliabilityReportDirectory)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(join(reliabilityReportDirectory, file), "utf8")) as ReliabilityFigures)
    .sort((a, b) => a.faultClass.localeCompare(b.faultClass));
  if (rows.length === 0) throw new Error(`no figures in ${reliabilityReportDirectory}: run the reliability tests first (npm run reliability)`);
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(join(resultsDirectory, "reliability.json"), `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`bench/results/reliability.json holds ${rows.length} fault classes; run \`npm run docs\` to put them in docs/maintainers/reliability.md.`);
}

if (require.main === module) main();
