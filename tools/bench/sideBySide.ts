/**
 * pulumi-tines beside what a user would otherwise write (tools/bench/peers): the same workload (users,
 * then as many memberships, then a refresh of all; pulumi-tines also 20 templates, which the peers
 * have no resource for), the same real provider host, engine schedule, simulator, latency and
 * time-scaled rate limits, at each size. Reports each one's wall time, failures, 429s that reached
 * the caller, what it stores in the state, how much faster pulumi-tines is, and what the refresh
 * costs: its requests, and its bound at Tines' real limits (issue 20).
 */
import { bulk, pulumiTines, type BulkFigures, type Contender } from "./bulk";
import { carefulMaxAttempts, carefulProviders } from "./peers/careful";
import { docsProviders } from "./peers/docs";
import { serializedProviders } from "./peers/serialized";
import { fixed, latencyMs, parallelism, table } from "./rig";

/**
 * How many times faster Tines' limits run in the side-by-side: 10, not the bulk runs' 20. Against
 * Tines, eight requests at once go many times faster than 500 a minute allow, so the limit is
 * what binds; at 20 times faster the limit (167 a second on admin/users) comes so close to what
 * this 2-core rig can push through a dynamic-provider host that whether a provider meets it
 * would depend on how busy the machine is. At 10 (83 a second) it binds, as it does for real.
 */
export const sideBySideTimeScale = 10;

/** Templates pulumi-tines creates and refreshes beside the users and memberships (issue 20's workload); the peers have none. */
export const sideBySideTemplates = 20;

/** The peers' names, as the JSON names them. */
export type PeerName = "docs" | "careful";

/** One entry of the JSON's `peers` list: one peer at one size. */
export interface PeerEntry {
  peer: PeerName;
  users: number;
  createSeconds: number;
  refreshSeconds: number;
  failedOperations: number;
  surfaced429s: number;
  /** The peer's create wall time / pulumi-tines', or null when the peer did not finish. */
  speedup: number | null;
  /** Memberships never attempted because their user failed. */
  skippedOperations: number;
  /** The peer's refresh wall time / pulumi-tines', or null when the peer did not finish. */
  refreshSpeedup: number | null;
  /** Requests the peer's refresh sent that Tines answered (429s left out). */
  refreshRequests: number;
  /**
   * The peer's refresh bound at Tines' real limits over pulumi-tines' refresh time, measured or
   * bound at Tines' limits, whichever is larger ({@link refreshSpeedupAtTinesLimits}); null when
   * the peer did not finish.
   */
  refreshSpeedupAtTinesLimits: number | null;
  /** 429s the simulator answered, retried or not. */
  rateLimitedResponses: number;
  /** Every request sent, 429s and retries included. */
  requests: number;
  providerBytesPerResource: number;
  stateBytes: number;
  timedOut: boolean;
}

/** Every contender's run at one size. */
export interface SideBySideRun {
  users: number;
  /** pulumi-tines first, then the peers. */
  runs: BulkFigures[];
}

/** The peers, their providers serialized the way a program's `dynamic.Resource` serializes them. */
export async function peerContenders(): Promise<Contender[]> {
  return [
    { name: "careful", providers: await serializedProviders(carefulProviders) },
    { name: "docs", providers: await serializedProviders(docsProviders) },
  ];
}

/**
 * Runs pulumi-tines and each peer on `users` users and as many memberships. `rigCeiling` is the
 * rig's ceiling measured for the bulk run of that size (20 templates more, a ratio that does not
 * move with them).
 */
export async function sideBySide(users: number, peers: Contender[], rigCeiling: BulkFigures["rigCeiling"]): Promise<SideBySideRun> {
  const runs: BulkFigures[] = [];
  for (const contender of [pulumiTines, ...peers]) {
    // A peer that cannot finish is stopped after ten times pulumi-tines' time (and 30 s at least).
    const deadline = runs[0] ? Math.max(30, 10 * (runs[0].create.seconds + runs[0].refresh.seconds)) : 180;
    runs.push({ ...(await bulk(users, sideBySideTemplates, { contender, deadlineSeconds: deadline, timeScale: sideBySideTimeScale, scaleRetryAfter: true })), rigCeiling });
  }
  return { users, runs };
}

/**
 * How many times faster pulumi-tines refreshes than `peer` at Tines' real limits: the peer's bound
 * there (its requests / 500 a minute on admin/users; the time scale does not change how many
 * requests it sends) over pulumi-tines' time, the larger of its measured seconds (so a refresh of
 * a few requests is not credited with the zero seconds its bound would say) and its own bound.
 */
export function refreshSpeedupAtTinesLimits(ours: BulkFigures, peer: BulkFigures): number {
  return peer.refresh.tinesLimitsBoundSeconds / Math.max(ours.refresh.seconds, ours.refresh.tinesLimitsBoundSeconds);
}

/** The JSON's `peers` entries of a run. */
export function peerEntries(run: SideBySideRun): PeerEntry[] {
  const [ours, ...peers] = run.runs;
  return peers.map((peer) => ({
    peer: peer.contender as PeerName,
    users: run.users,
    createSeconds: peer.create.seconds,
    refreshSeconds: peer.refresh.seconds,
    failedOperations: peer.failedOperations,
    surfaced429s: peer.surfaced429s,
    speedup: peer.finished ? peer.create.seconds / ours!.create.seconds : null,
    skippedOperations: peer.skippedOperations,
    refreshSpeedup: peer.finished ? peer.refresh.seconds / ours!.refresh.seconds : null,
    refreshRequests: peer.refresh.requests,
    refreshSpeedupAtTinesLimits: peer.finished ? refreshSpeedupAtTinesLimits(ours!, peer) : null,
    rateLimitedResponses: peer.rateLimitedResponses,
    requests: peer.requests,
    providerBytesPerResource: peer.providerBytesPerResource,
    stateBytes: peer.stateBytes,
    timedOut: peer.timedOut,
  }));
}

const peerDescriptions: Record<string, string> = {
  "pulumi-tines": "pulumi-tines",
  careful: "hand-written, retries 429",
  docs: "hand-written as Pulumi's docs show",
};

/** The side-by-side table and what it means, in Markdown. */
export function sideBySideReport(runs: SideBySideRun[]): string {
  const rows = runs.flatMap((run) => {
    const ours = run.runs[0]!;
    return run.runs.map((figures) => {
      const done = figures.finished;
      const times = (ratio: number) => (figures === ours ? "1x" : done ? `${fixed(ratio, 1)}x` : "did not finish");
      return [
        run.users,
        peerDescriptions[figures.contender] ?? figures.contender,
        `${fixed(figures.create.seconds)}${figures.timedOut ? " (stopped)" : ""}`,
        fixed(figures.refresh.seconds),
        times(figures.create.seconds / ours.create.seconds),
        times(figures.refresh.seconds / ours.refresh.seconds),
        figures.refresh.requests,
        fixed(figures.refresh.tinesLimitsBoundSeconds, 1),
        figures === ours ? "1x" : done ? `${fixed(refreshSpeedupAtTinesLimits(ours, figures), 1)}x` : "did not finish",
        figures.createFailedOperations + figures.skippedOperations,
        figures.failedOperations - figures.createFailedOperations,
        figures.surfaced429s,
        figures.rateLimitedResponses,
        done ? fixed(figures.create.ratio) : "n/a",
        done ? fixed(figures.create.ratio / figures.rigCeiling.createRatio) : "n/a",
        done ? fixed(figures.refresh.ratio) : "n/a",
        Math.round(figures.providerBytesPerResource),
        Math.round(figures.stateBytes / 1024),
      ];
    });
  });
  return [
    table(
      [
        "users (+ as many memberships)",
        "provider",
        "create s",
        "refresh s",
        "create time, x pulumi-tines'",
        "refresh time, x pulumi-tines'",
        "refresh requests",
        "refresh bound at Tines' limits s",
        "refresh at Tines' limits, x pulumi-tines'",
        "resources not created",
        "refreshes failed",
        "429s reaching you",
        "429s Tines answered",
        "create / bound",
        "create / rig ceiling",
        "refresh / bound",
        "`__provider` bytes per resource",
        "state KiB",
      ],
      rows,
    ),
    "",
    `Every provider runs the same deployment through Pulumi's real dynamic-provider host, scheduled as the engine schedules it (checks one at a time, ${parallelism} steps at once), against the simulator with ${latencyMs} ms a request and Tines' rate limits (500 a minute on admin/users, 5000 otherwise) running ${sideBySideTimeScale} times faster, so that, as against Tines, the limit binds before this 2-core rig's own CPU does. "Hand-written as Pulumi's docs show" is a \`dynamic.ResourceProvider\` written the way Pulumi's dynamic-provider guide writes one: a \`fetch\` per call, no pacing, no retry (tools/bench/peers/). "Hand-written, retries 429" adds what its author adds after the first failed run: a retry on 429 that waits as \`Retry-After\` says, up to ${carefulMaxAttempts} attempts. Both are serialized into the state the ordinary way, by Pulumi's closure serializer. Every operation is attempted, as with \`pulumi up --continue-on-error\` (by default \`pulumi up\` stops at the first failure and you run it again); a membership whose user failed is not attempted. "x pulumi-tines'" is the provider's wall time over pulumi-tines' (2.0x: it took twice as long); "create / bound" is the physical bound (latency, ${parallelism} at a time, and the rate limit) over the measured time, "create / rig ceiling" that ratio over what a provider that only waits reaches through the same rig (measured for the bulk run of the same size). pulumi-tines also creates and refreshes ${sideBySideTemplates} templates, which the peers have no resource for. "Refresh bound at Tines' limits" is what the refresh's requests take at Tines' real limits however they are sent: its admin/users requests / 500 a minute (or all / 5000, if more); "refresh at Tines' limits, x pulumi-tines'" is the peer's bound there over pulumi-tines' refresh time, measured or bound, whichever is larger.`,
  ].join("\n");
}
