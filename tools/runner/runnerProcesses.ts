/**
 * The runner processes that {@link runProgramInChildProcess} hands runs to, kept between runs.
 *
 * Each run needs a Node process of its own for the program, because the Pulumi runtime is global
 * to a process. Loading `@pulumi/pulumi` (about 760 modules, TypeScript's compiler among them) is
 * most of what such a process costs, about 1 s of CPU, so a runner process that finished a run is
 * kept and given the next run for the same program directory and environment. Between runs it
 * resets what a run leaves behind, as the SDK's own unit-test support does between tests: the
 * runtime's settings and config (`pulumi.runtime.setMocks` calls `resetOptions`,
 * sdk/nodejs/runtime/settings.ts; `setAllConfig` replaces the whole config), and every module
 * loaded outside `node_modules` except the runner's own (the program, and all of pulumi-tines with
 * the clients and rate limits it keeps per tenant) is dropped from the module cache, so the next
 * run loads them afresh. What a program puts on `globalThis` stays.
 * A provider host is never kept: each run starts its own, as each `pulumi` command does.
 *
 * A process is kept only after a run that ended with a result; one whose run threw exits (the
 * run's promise rejects with what it printed on stderr). Idle processes do not keep their parent
 * alive, and each exits when its parent's end of the pipe closes.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { ProgramRunOptions, ProgramRunResult, ProgramStep } from "./programRunner";

/** The argument that makes runProgramCli.js take runs one per line until its input ends. */
export const sessionArgument = "--runs-from-lines";

type RunnerChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** A runner process and the run it is doing, if any. */
interface RunnerProcess {
  child: RunnerChild;
  /** Text of stdout not yet split into lines. */
  pending: string;
  stderr: string;
  current?: { onStep: (step: ProgramStep) => void; resolve: (result: ProgramRunResult) => void; reject: (error: Error) => void };
}

/** Idle runner processes by program directory and environment: a run only goes to one started for the same. */
const idle = new Map<string, RunnerProcess[]>();

function start(key: string, programDirectory: string, environment: NodeJS.ProcessEnv): RunnerProcess {
  const child = spawn(process.execPath, [join(__dirname, "runProgramCli.js"), sessionArgument], {
    cwd: programDirectory,
    stdio: ["pipe", "pipe", "pipe"],
    env: environment,
  });
  const runner: RunnerProcess = { child, pending: "", stderr: "" };
  const retire = () => {
    const list = idle.get(key);
    if (list?.includes(runner)) list.splice(list.indexOf(runner), 1);
  };
  /** Ends the run under way with `error`, and the process with it: it is in no state to take another. */
  const fail = (error: Error) => {
    retire();
    runner.current?.reject(error);
    runner.current = undefined;
    child.kill("SIGKILL");
  };
  child.stdout.on("data", (chunk: Buffer) => {
    runner.pending += chunk.toString();
    let newline: number;
    while ((newline = runner.pending.indexOf("\n")) >= 0) {
      const line = runner.pending.slice(0, newline);
      runner.pending = runner.pending.slice(newline + 1);
      const run = runner.current;
      if (!run) continue;
      try {
        if (line.startsWith("step ")) run.onStep(JSON.parse(line.slice(5)) as ProgramStep);
        else if (line.startsWith("result ")) {
          const result = JSON.parse(line.slice(7)) as ProgramRunResult;
          runner.current = undefined;
          runner.stderr = "";
          setIdle(runner, true);
          (idle.get(key) ?? idle.set(key, []).get(key)!).push(runner);
          run.resolve(result);
        }
      } catch (error) {
        return fail(error as Error);
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (runner.stderr += chunk.toString()));
  child.stdin.on("error", () => undefined);
  child.once("error", fail);
  // "close", not "exit": by then everything the process wrote on stderr has been read.
  child.once("close", (code, signal) => {
    retire();
    runner.current?.reject(new Error(`the program runner exited with ${code ?? signal} before finishing: ${runner.stderr.trim().slice(-2000)}`));
    runner.current = undefined;
  });
  return runner;
}

/** An idle process neither keeps its parent alive nor holds it up. */
function setIdle(runner: RunnerProcess, isIdle: boolean): void {
  for (const handle of [runner.child, runner.child.stdin, runner.child.stdout, runner.child.stderr] as Array<{ ref?(): void; unref?(): void }>) {
    if (isIdle) handle.unref?.();
    else handle.ref?.();
  }
}

/**
 * Runs `options` in a runner process for its program directory and this process's environment as
 * it is now: an idle one if there is one, else a new one. Resolves with the run's result (its
 * `exitCode` non-zero when the run failed); rejects when the run threw or the process died.
 */
export function runInRunnerProcess(options: ProgramRunOptions, onStep: (step: ProgramStep) => void): Promise<ProgramRunResult> {
  const environment = { ...process.env };
  const key = JSON.stringify([options.programDirectory, environment]);
  // The one that finished last: a test's runs one after another go to one process, whatever other
  // processes for the same key are idle (one that a timed-out test left running, for example).
  const runner = idle.get(key)?.pop() ?? start(key, options.programDirectory, environment);
  setIdle(runner, false);
  return new Promise((resolve, reject) => {
    runner.current = { onStep, resolve, reject };
    runner.child.stdin.write(`${JSON.stringify(options)}\n`);
  });
}
