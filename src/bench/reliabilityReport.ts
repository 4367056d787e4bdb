/**
 * Renders the figures the reliability tests recorded (reports/reliability/*.json) as a Markdown
 * table, prints it, and puts it in the README. Run through `npm run reliability`, which runs those
 * tests first.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { replaceReadmeSection, repositoryRoot } from "./readme";

interface Row {
  faultClass: string;
  operations: number;
  succeeded: number;
  failedClearly: number;
  duplicated: number;
  lost: number;
  rateLimited?: number;
  seconds?: number;
  note?: string;
}

const directory = join(repositoryRoot, "reports", "reliability");
const rows = readdirSync(directory)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(join(directory, file), "utf8")) as Row)
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
