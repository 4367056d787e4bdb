/**
 * The child-process entry of {@link runProgramInChildProcess}: reads the options as JSON on stdin,
 * prints `step <json>` lines as resources change and a final `result <json>` line, and exits 1 when
 * the run failed.
 *
 * With `--runs-from-lines` (how tools/runner/runnerProcesses.ts starts it) it takes one run per
 * line of stdin, one after another, until stdin ends; each `result` line carries the run's
 * `exitCode`. Between runs it forgets every module loaded outside `node_modules` but its own (the
 * program, and pulumi-tines), so each run loads them afresh.
 */
import { resolve, sep } from "node:path";
import { createInterface } from "node:readline";
import { runProgram, type ProgramRunOptions, type ProgramRunResult } from "./programRunner";
import { sessionArgument } from "./runnerProcesses";

/** Writes a line to stdout and waits until it is handed to the pipe (process.exit does not wait for a pipe to drain). */
function printLine(text: string): Promise<void> {
  return new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
}

async function run(options: ProgramRunOptions): Promise<ProgramRunResult> {
  const result = await runProgram(options, (step) => process.stdout.write(`step ${JSON.stringify(step)}\n`));
  // As `pulumi up` does, a run that failed exits non-zero.
  return { ...result, exitCode: result.errors.length > 0 ? 1 : 0 };
}

async function once(): Promise<number> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  const result = await run(JSON.parse(input) as ProgramRunOptions);
  await printLine(`result ${JSON.stringify(result)}`);
  return result.exitCode!;
}

async function runsFromLines(): Promise<number> {
  // The runner's own files (this directory's parent holds the tools' build) stay loaded; so does
  // what is in node_modules (@pulumi/pulumi above all, whose global settings `setMocks` resets).
  const tools = `${resolve(__dirname, "..")}${sep}`;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === "") continue;
    await printLine(`result ${JSON.stringify(await run(JSON.parse(line) as ProgramRunOptions))}`);
    for (const path of Object.keys(require.cache)) {
      if (!path.startsWith(tools) && !path.includes(`${sep}node_modules${sep}`)) delete require.cache[path];
    }
  }
  return 0;
}

(process.argv.includes(sessionArgument) ? runsFromLines() : once()).then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
