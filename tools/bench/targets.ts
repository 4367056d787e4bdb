/**
 * The benchmark's targets (issue 15), judged on the figures of this run: each says whether it was
 * met and what was measured, so a run reports itself honestly instead of a reader comparing
 * numbers by hand.
 */
import type { BulkFigures } from "./bulk";
import { fixed } from "./rig";
import type { SideBySideRun } from "./sideBySide";

/** One target, judged. */
export interface TargetResult {
  target: string;
  met: boolean;
  measured: string;
}

/** Judges the targets on the bulk runs and the side-by-side runs of one benchmark. */
export function judgeTargets(bulkRuns: BulkFigures[], sideBySideRuns: SideBySideRun[]): TargetResult[] {
  const ours = [...bulkRuns, ...sideBySideRuns.map((run) => run.runs[0]!)];
  const peer = (run: SideBySideRun, name: string) => run.runs.find((figures) => figures.contender === name)!;
  const results: TargetResult[] = [
    {
      target: "pulumi-tines completes every size with 0 failed operations and 0 429s reaching the caller",
      met: ours.every((run) => run.finished && run.surfaced429s === 0),
      measured: `${ours.reduce((sum, run) => sum + run.failedOperations + run.skippedOperations, 0)} failed, ${ours.reduce((sum, run) => sum + run.surfaced429s, 0)} 429s reaching the caller over ${ours.length} runs`,
    },
  ];
  const largest = sideBySideRuns.at(-1);
  if (largest) {
    const careful = peer(largest, "careful");
    const speedup = careful.create.seconds / largest.runs[0]!.create.seconds;
    results.push({
      target: `pulumi-tines creates at least 2 times faster than the careful peer at ${largest.users} users`,
      met: largest.runs[0]!.finished && (!careful.finished || speedup >= 2),
      measured: careful.finished ? `${fixed(speedup)}x` : `the careful peer did not finish (${careful.createFailedOperations + careful.skippedOperations} resources not created)`,
    });
  }
  const docsFailed = sideBySideRuns.filter((run) => !peer(run, "docs").finished);
  results.push({
    target: "pulumi-tines finishes where the docs peer fails",
    met: docsFailed.every((run) => run.runs[0]!.finished),
    measured:
      docsFailed.length === 0
        ? "the docs peer finished at every size"
        : docsFailed.map((run) => `${run.users} users: docs ${peer(run, "docs").failedOperations + peer(run, "docs").skippedOperations} failed or not attempted, pulumi-tines ${run.runs[0]!.finished ? "finished" : "did not finish"}`).join("; "),
  });
  for (const run of bulkRuns.filter((each) => each.users >= 300)) {
    const share = run.create.ratio / run.rigCeiling.createRatio;
    results.push({
      target: `creates at ${run.users} users reach at least 0.95 of the rig ceiling`,
      met: share >= 0.95,
      measured: `${fixed(share)} (create ratio ${fixed(run.create.ratio)}, rig ceiling ${fixed(run.rigCeiling.createRatio)})`,
    });
  }
  for (const run of bulkRuns) {
    results.push({
      target: `refresh at ${run.users} users reaches at least 0.95 of the bound`,
      met: run.refresh.ratio >= 0.95,
      measured: `${fixed(run.refresh.ratio)} (rig ceiling ${fixed(run.rigCeiling.refreshRatio)}${run.rigCeiling.refreshRatio < 0.95 ? ": out of reach on this machine, where a provider that only waits gets no further" : ""})`,
    });
  }
  return results;
}

/** The judged targets as a Markdown list. */
export function targetsReport(results: TargetResult[]): string {
  return results.map((result) => `- ${result.met ? "Met" : "**Not met**"}: ${result.target}: ${result.measured}.`).join("\n");
}
