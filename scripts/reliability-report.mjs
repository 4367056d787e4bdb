// Renders the figures the reliability tests recorded (reports/reliability/*.json) as a Markdown
// table, prints it, and replaces the table between the markers in README.md.
// Run through `npm run reliability`, which runs those tests first.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const directory = join(root, "reports", "reliability");
const rows = readdirSync(directory)
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(readFileSync(join(directory, file), "utf8")))
  .sort((a, b) => a.faultClass.localeCompare(b.faultClass));

const cell = (value) => (value === undefined ? "" : String(value));
const lines = [
  "| fault class | operations | succeeded | failed with a clear error | duplicated | lost | 429s seen | seconds | notes |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ...rows.map((row) =>
    `| ${row.faultClass} | ${row.operations} | ${row.succeeded} | ${row.failedClearly} | ${row.duplicated} | ${row.lost} | ${cell(row.rateLimited)} | ${row.seconds === undefined ? "" : row.seconds.toFixed(1)} | ${cell(row.note)} |`,
  ),
];
const table = lines.join("\n");
console.log(table);

const readmePath = join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = "<!-- reliability-table:start -->";
const end = "<!-- reliability-table:end -->";
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < 0) throw new Error(`README.md lacks the ${start} / ${end} markers`);
writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
console.log(`\nREADME.md updated from ${rows.length} recorded rows.`);
