/**
 * The benchmark's targets (issues 15 and 20), judged on the figures of this run: each says whether it was
 * met and what was measured, so a run reports itself honestly instead of a reader comparing
 * numbers by hand.
 */
import type { BulkFigures } from "./bulk";
import type { OperationCounts } from "./requests";
import { fixed } from "./rig";
import { refreshSpeedupAtTinesLimits, type SideBySideRun } from "./sideBySide";

/** Issue 20: a refresh of 1,000 users + 1,000 memberships + 20 templates sends at most this many requests. */
export const refreshRequestsTarget = 20;
/** Issue 20: at Tines' real limits, refresh at least this many times faster than the careful peer at 1,000 users. */
export const refreshSpeedupTarget = 50;
/** The kinds whose lone read issue 20 holds to one request. */
const loneReadKinds = ["User", "TeamMembership", "PrivateTemplate"];

/** One target, judged. */
export interface TargetResult {
  target: string;
  met: boolean;
  measured: string;
}

/**
 * Judges the targets on the bulk runs and the side-by-side runs of one benchmark, and, when given,
 * the requests per operation (a lone read).
 */
export function judgeTargets(bulkRuns: BulkFigures[], sideBySideRuns: SideBySideRun[], operations: OperationCounts[] = []): TargetResult[] {
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
  results.push(...refreshTargets(bulkRuns, sideBySideRuns, operations));
  return results;
}

/** Issue 20's refresh targets, on the runs that measured them (a target with no run is left out). */
function refreshTargets(bulkRuns: BulkFigures[], sideBySideRuns: SideBySideRun[], operations: OperationCounts[]): TargetResult[] {
  const results: TargetResult[] = [];
  for (const run of bulkRuns.filter((each) => each.users >= 1_000 && each.templates >= 20)) {
    const sent = run.refresh.requests + run.refresh.rateLimited;
    results.push({
      target: `a refresh of ${run.users} users + ${run.memberships} memberships + ${run.templates} templates sends at most ${refreshRequestsTarget} requests`,
      met: run.finished && sent <= refreshRequestsTarget,
      measured: `${sent} requests (${run.refresh.adminUsersRequests} on admin/users); one read each would send ${run.users + run.memberships + run.templates}`,
    });
  }
  const atThousand = sideBySideRuns.find((run) => run.users === 1_000);
  const careful = atThousand?.runs.find((figures) => figures.contender === "careful");
  if (atThousand && careful) {
    const speedup = refreshSpeedupAtTinesLimits(atThousand.runs[0]!, careful);
    results.push({
      target: `at Tines' real limits, pulumi-tines refreshes at least ${refreshSpeedupTarget} times faster than the careful peer at 1,000 users`,
      met: atThousand.runs[0]!.finished && careful.finished && speedup >= refreshSpeedupTarget,
      measured: careful.finished
        ? `${fixed(speedup, 1)}x (the peer's ${careful.refresh.requests} requests take ${fixed(careful.refresh.tinesLimitsBoundSeconds, 1)} s at Tines' limits; pulumi-tines' ${atThousand.runs[0]!.refresh.requests} took ${fixed(atThousand.runs[0]!.refresh.seconds)} s)`
        : "the careful peer did not finish",
    });
  }
  const loneReads = operations.filter((row) => loneReadKinds.includes(row.resource));
  if (loneReads.length > 0) {
    results.push({
      target: `a lone read (${loneReadKinds.join(", ")}) is 1 request`,
      met: loneReads.every((row) => row.read === 1),
      measured: loneReads.map((row) => `${row.resource} ${row.read}`).join(", "),
    });
  }
  const faulted = bulkRuns.flatMap((run) => run.faultedRefreshes.map((fault) => ({ run, fault })));
  if (faulted.length > 0) {
    results.push({
      target: "0 failed or differing reads in a refresh under a 30% 429 storm and under failing list requests",
      met: faulted.every(({ fault }) => fault.failedReads === 0 && fault.differingReads === 0),
      measured: faulted.map(({ run, fault }) => `${fault.name} (${run.users * 2 + run.templates} reads): ${fault.failedReads} failed, ${fault.differingReads} differing, ${fault.requests} requests`).join("; "),
    });
  }
  return results;
}

/** The judged targets as a Markdown list. */
export function targetsReport(results: TargetResult[]): string {
  return results.map((result) => `- ${result.met ? "Met" : "**Not met**"}: ${result.target}: ${result.measured}.`).join("\n");
}
