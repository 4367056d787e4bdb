/**
 * Renders the figures the reliability tests recorded (reports/reliability/*.json) as a Markdown
 * table, prints it, and puts it in the README. Run through `npm run reliability`, which runs those
 * tests first.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { replaceReadmeSection, repositoryRoot } from "./readme";

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

/** Renders the recorded figures and puts them in the README. */
function main(): void {
  const rows = readdirSync(reliabilityReportDirectory)
    .filter((file) => file.endsWith(".json"))
    .map((file) => JSON.parse(readFileSync(join(reliabilityReportDirectory, file), "utf8")) as ReliabilityFigures)
    .sort((a, b) => a.faultClass.localeCompare(b.faultClass));

  const table = [
    "| fault class | operations | succeeded | failed with a clear error | duplicated | lost | 429s seen | seconds | notes |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (row) =>
        `| ${row.faultClass} | ${row.operations} | ${row.succeeded} | ${row.failedClearly} | ${row.duplicated} | ${row.lost} | ${row.rateLimited ?? ""} | ${row.seconds === undefined ? "" : row.seconds.toFixed(1)} | ${row.note ?? ""} |`,
    ),
  ].join("\n");
  console.log(table);
  replaceReadmeSection("reliability-table", table);
  console.log(`\nREADME.md updated from ${rows.length} recorded rows.`);
}

if (require.main === module) main();
