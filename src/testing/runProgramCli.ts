/**
 * The child-process entry of {@link runProgramInChildProcess}: reads the options as JSON on stdin,
 * prints `step <json>` lines as resources change and a final `result <json>` line.
 */
import { runProgram, type ProgramRunOptions } from "./programRunner";

async function main(): Promise<void> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  const options = JSON.parse(input) as ProgramRunOptions;
  const result = await runProgram(options, (step) => process.stdout.write(`step ${JSON.stringify(step)}\n`));
  // process.exit does not wait for a pipe to drain: a large result would be cut off without this.
  await new Promise<void>((resolve) => process.stdout.write(`result ${JSON.stringify(result)}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
