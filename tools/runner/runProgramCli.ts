/**
 * The child-process entry of {@link runProgramInChildProcess}: reads the options as JSON on stdin,
 * prints `step <json>` lines as resources change and a final `result <json>` line, and exits 1 when
 * the run failed.
 */
import { runProgram, type ProgramRunOptions } from "./programRunner";

async function main(): Promise<number> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  const options = JSON.parse(input) as ProgramRunOptions;
  const result = await runProgram(options, (step) => process.stdout.write(`step ${JSON.stringify(step)}\n`));
  // process.exit does not wait for a pipe to drain: a large result would be cut off without this.
  await new Promise<void>((resolve) => process.stdout.write(`result ${JSON.stringify(result)}\n`, () => resolve()));
  // As `pulumi up` does, a run that failed exits non-zero.
  return result.errors.length > 0 ? 1 : 0;
}

main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
