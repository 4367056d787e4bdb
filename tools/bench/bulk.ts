/**
 * Bulk create and refresh of users, memberships and templates at the engine's parallelism, with
 * 25 ms of latency per request and Tines' rate limits, time-scaled, against the physical bound, next
 * to the ceiling the rig itself allows (a provider that only waits, through the same host); and the
 * host's CPU and peak memory.
 */
import { readFileSync } from "node:fs";
import { repositoryRoot } from "./paths";
import { latencyMs, parallelism, startHost, timeScale as rigTimeScale, tinesLimits } from "./rig";
import { startSimulatorThread, type LoggedRequest } from "./simulatorThread";
import type { SimulatorFaultRule } from "pulumi-tines/simulator";
import { DynamicProviderEngine, EngineDeployment, type EngineResourceState } from "../runner/engine";
import { ProviderHost } from "../runner/providerHost";

/** The figures of one bulk run at one size. */
export interface BulkFigures {
  /** What deployed: "pulumi-tines", or a peer's name. */
  contender: string;
  users: number;
  memberships: number;
  templates: number;
  create: { seconds: number; requests: number; boundSeconds: number; ratio: number };
  refresh: {
    seconds: number;
    /** Requests Tines answered (429s left out, as in the bound). */
    requests: number;
    /** Of those, on admin/users (500 a minute). */
    adminUsersRequests: number;
    /** 429s answered during the refresh. */
    rateLimited: number;
    boundSeconds: number;
    ratio: number;
    /** The bound at Tines' real limits ({@link tinesLimitsBoundSeconds}), in real seconds. */
    tinesLimitsBoundSeconds: number;
  };
  /** Refreshes of the same stack under faults ({@link BulkOptions.refreshUnder}), after everything above was measured. */
  faultedRefreshes: FaultedRefresh[];
  /** Operations that failed, create and refresh. */
  failedOperations: number;
  /** Operations of the create that failed. */
  createFailedOperations: number;
  /** Memberships never attempted because their user failed. */
  skippedOperations: number;
  /** Failed operations whose error was a 429: the rate limit reached the user. */
  surfaced429s: number;
  /** 429s the simulator answered, retried or not. */
  rateLimitedResponses: number;
  /** Every request the simulator received, 429s and retries included. */
  requests: number;
  /** Every operation succeeded within the deadline. */
  finished: boolean;
  /** The run outlived its deadline and was stopped. */
  timedOut: boolean;
  perResourceMs: { create: number; refresh: number };
  requestsPerResource: { create: number; refresh: number };
  /** Bytes of `__provider` per resource (one copy; the state holds it twice, in inputs and outputs). */
  providerBytesPerResource: number;
  /** Bytes of every resource's inputs plus outputs in the state after the run. */
  stateBytes: number;
  hostPeakRssMiB: number;
  /** The host's CPU time per resource over create and refresh, in ms. */
  hostCpuMsPerResource: number;
  /** What this rig lets any dynamic provider reach on this machine: see {@link rigCeiling}. */
  rigCeiling: { createRatio: number; refreshRatio: number };
}

/** A refresh of the whole stack under faults, compared with the refresh without them. */
export interface FaultedRefresh {
  /** What was injected, as the report names it. */
  name: string;
  /** Reads that failed. */
  failedReads: number;
  /** Reads that answered other than the refresh without faults did (outputs, or gone). */
  differingReads: number;
  /** Requests sent, 429s and failures included. */
  requests: number;
}

/** A fault to refresh under: its name and the simulator's rules. */
export interface RefreshFault {
  name: string;
  rules: SimulatorFaultRule[];
}

/**
 * The faults of issue 20's last target: a 30% 429 storm on every request; every list request
 * (users, templates, teams) failing with a 500, which must fall back to direct reads; and both.
 */
export const refreshFaults: RefreshFault[] = (() => {
  const storm: SimulatorFaultRule = { action: { type: "rateLimit", retryAfterSeconds: 1 }, probability: 0.3 };
  const failingLists: SimulatorFaultRule = {
    method: "GET",
    path: /^\/api\/v1\/(admin\/users|admin\/templates|teams)$/,
    action: { type: "status", status: 500, body: '{"error":"injected"}' },
  };
  return [
    { name: "30% of requests answered 429", rules: [storm] },
    { name: "every list request answered 500", rules: [failingLists] },
    // The direct reads the failing lists fall back to, themselves in the storm: the first rule that fires wins.
    { name: "every list request answered 500, 30% of the rest 429", rules: [failingLists, storm] },
  ];
})();

/** Requests of one phase of a run, per rate-limit bucket, and how many operations it had. */
export interface Phase {
  operations: number;
  requests: Record<"default" | "adminUsers", number>;
}

/**
 * The physical lower bound of a phase, in seconds: every operation needs one request of `latencyMs`,
 * `parallelism` at a time; and in a sliding window of W holding at most L requests of a bucket,
 * with m = floor((R - 1) / L), the last R - mL requests cannot start before m windows have passed
 * and still need their own latency. A run's bound is the sum over its phases (memberships wait
 * for their users).
 */
export function phaseBoundSeconds(phase: Phase, timeScale = rigTimeScale): number {
  const windowMs = 60_000 / timeScale;
  const latencyBound = Math.ceil(phase.operations / parallelism) * latencyMs;
  const rateBounds = (["default", "adminUsers"] as const).map((bucket) => {
    const requests = phase.requests[bucket];
    if (requests === 0) return 0;
    const windows = Math.floor((requests - 1) / tinesLimits[bucket]);
    return windows * windowMs + Math.ceil((requests - windows * tinesLimits[bucket]) / parallelism) * latencyMs;
  });
  return Math.max(latencyBound, ...rateBounds) / 1000;
}

/**
 * What a phase takes at Tines' real limits, in real seconds, counting only the limits: its
 * admin/users requests / 500 a minute, or all its requests / 5000 a minute, whichever is more
 * (tines-api.md, "Rate limits"). Issue 20 states the refresh target with it ("requests / 500 a
 * minute on admin/users"): 2,000 reads on admin/users are four minutes however they are sent.
 */
export function tinesLimitsBoundSeconds(phase: Phase): number {
  return Math.max(phase.requests.adminUsers / tinesLimits.adminUsers, phase.requests.default / tinesLimits.default) * 60;
}

/** The phase `log` records: its requests per bucket, for `operations` operations. */
export function phaseOf(log: LoggedRequest[], operations: number): Phase {
  return {
    operations,
    requests: {
      default: log.length,
      adminUsers: log.filter((entry) => entry.path.startsWith("/api/v1/admin/users")).length,
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
export function cpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The most memory a process has held so far, in MiB, from /proc. */
export function peakRssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}

/**
 * A dynamic provider that does nothing but wait: no request, no validation, `latencyMs` in create
 * and in read. Whatever it loses to the bound is lost in the rig itself: the host's gRPC server and
 * protobuf conversion, the driver standing in for the engine, and the scheduling of all of them on
 * this machine's cores.
 */
export const waitingProviderText = `exports.handler = function () {
  let next = 0;
  const wait = () => new Promise((resolve) => setTimeout(resolve, ${latencyMs}));
  return {
    check: async (olds, news) => ({ inputs: news }),
    create: async (inputs) => { await wait(); next += 1; return { id: String(next), outs: inputs }; },
    read: async (id, props) => { await wait(); return { id, props }; },
  };
};
`;

/** A phase of `operations` that sends no request: only the latency bound applies. */
export const latencyOnly = (operations: number): Phase => ({ operations, requests: { default: 0, adminUsers: 0 } });

/**
 * The rig's ceiling at one size: the same operations, schedule, host and driver as {@link bulk},
 * run with {@link waitingProviderText}, as ratios to the latency bound. No provider can expect
 * more than this here, however little it spends.
 */
export async function rigCeiling(users: number, templates: number): Promise<BulkFigures["rigCeiling"]> {
  const host = await ProviderHost.start({ programDirectory: repositoryRoot });
  try {
    await host.configure({});
    const deployment = new EngineDeployment(new DynamicProviderEngine(host), parallelism);
    const register = (name: string) => deployment.up("User", name, { __provider: waitingProviderText, email: `${name}@example.com`, firstName: name });
    const started = Date.now();
    const first = await Promise.all(Array.from({ length: users + templates }, (_, index) => register(`first-${index}`)));
    const second = await Promise.all(Array.from({ length: users }, (_, index) => register(`second-${index}`)));
    const createSeconds = (Date.now() - started) / 1000;
    const refreshStarted = Date.now();
    await Promise.all([...first, ...second].map((result) => deployment.refresh(result.state)));
    const refreshSeconds = (Date.now() - refreshStarted) / 1000;
    return {
      createRatio: (phaseBoundSeconds(latencyOnly(users + templates)) + phaseBoundSeconds(latencyOnly(users))) / createSeconds,
      refreshRatio: phaseBoundSeconds(latencyOnly(2 * users + templates)) / refreshSeconds,
    };
  } finally {
    await host.stop();
  }
}

/**
 * What a bulk run deploys with: pulumi-tines, or a hand-written provider (tools/bench/peers) whose
 * `__provider` texts the program registers instead of pulumi-tines' stub.
 */
export interface Contender {
  /** Its name in the report: "pulumi-tines", or a peer's ("docs", "careful"). */
  name: string;
  /** The `__provider` text registered for users and for memberships; pulumi-tines' stub when absent. */
  providers?: { user: string; membership: string };
}

/** This package. */
export const pulumiTines: Contender = { name: "pulumi-tines" };

/** How a set of operations ended: how many failed, and how many of those failed on a 429. */
async function settle(operations: Array<Promise<unknown>>): Promise<{ failed: number; surfaced429s: number }> {
  const errors = (await Promise.allSettled(operations)).flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : []));
  // pulumi-tines says "failed: 429 ..." after its retries, the peers "failed to ...: 429 Too Many Requests".
  const surfaced429s = errors.filter((error) => /\b429\b/.test(error instanceof Error ? error.message : String(error))).length;
  return { failed: errors.length, surfaced429s };
}

/** Options of {@link bulk}. */
export interface BulkOptions {
  /** What deploys; pulumi-tines by default. */
  contender?: Contender;
  /** When the run is stopped and reported as not finished, in seconds. Default 180. */
  deadlineSeconds?: number;
  /** How many times faster Tines' limits run; the rig's {@link rigTimeScale} by default. */
  timeScale?: number;
  /** Whether the simulator's `Retry-After` counts scaled seconds (see SimulatorRateLimits). Default false. */
  scaleRetryAfter?: boolean;
  /** Faults to refresh the stack again under, each once, after the run is measured (e.g. {@link refreshFaults}). */
  refreshUnder?: RefreshFault[];
}

/**
 * Creates `users` users, as many memberships and `templates` templates (pulumi-tines only), then
 * refreshes them all, through `contender`. Every operation is attempted, as `pulumi up
 * --continue-on-error` would (by default the engine stops starting steps after the first failure);
 * a membership whose user failed is skipped, as the engine skips a resource whose dependency
 * failed. A run that outlives `deadlineSeconds` is stopped (the host killed, what was pending
 * failed) and reported as not finished.
 */
export async function bulk(users: number, templates: number, options: BulkOptions = {}): Promise<Omit<BulkFigures, "rigCeiling">> {
  const { contender = pulumiTines, deadlineSeconds = 180, timeScale = rigTimeScale } = options;
  const simulator = await startSimulatorThread(
    // Retry-After in the scaled clock's seconds, as a time-scaled Tines would count them, when asked.
    { userDeletionDelayMs: 0, rateLimits: { timeScale, scaleRetryAfter: options.scaleRetryAfter ?? false } },
    ["Security Operations", "IT Operations"],
  );
  // The guide's providers read their credentials from the environment; pulumi-tines reads stack config.
  const host = await startHost(simulator, contender.providers ? { TINES_TENANT: simulator.url, TINES_API_KEY: simulator.apiKey } : {}, timeScale);
  const engine = new DynamicProviderEngine(host);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    void host.stop();
  }, deadlineSeconds * 1000);
  try {
    await simulator.setFaults({ latencyMs });
    await simulator.takeLog();
    let rateLimited = 0;
    let requests = 0;
    let lastRefused = 0;
    /** The requests of the phase just ended, the 429s among them counted and left out of the phase. */
    const phase = async (operations: number) => {
      const log = await simulator.takeLog();
      requests += log.length;
      const refused = log.filter((entry) => entry.status === 429).length;
      rateLimited += refused;
      lastRefused = refused;
      return phaseOf(
        log.filter((entry) => entry.status !== 429),
        operations,
      );
    };
    const withProvider = (text: string | undefined, args: Record<string, unknown>) => (text === undefined ? args : { __provider: text, ...args });
    const userStates: Array<EngineResourceState | undefined> = [];
    const otherStates: EngineResourceState[] = [];
    const deployment = new EngineDeployment(engine, parallelism);
    const hostCpuBefore = cpuMs(host.pid);
    const started = Date.now();
    // Users and templates first; each membership needs its user's id, as in a real program.
    const created = await settle([
      ...Array.from({ length: users }, async (_, index) => {
        const args = withProvider(contender.providers?.user, { email: `bulk${index}@example.com`, firstName: `User ${index}` });
        userStates[index] = (await deployment.up("User", `user-${index}`, args)).state;
      }),
      ...Array.from({ length: contender.providers ? 0 : templates }, async (_, index) => {
        otherStates.push((await deployment.up("PrivateTemplate", `template-${index}`, { name: `Template ${index}`, vendor: "V", product: "P", agentType: "Agents::HTTPRequestAgent", agentOptions: { url: "https://example.com" } })).state);
      }),
    ]);
    const createdUsers = userStates.filter((state) => state !== undefined);
    const usersAndTemplates = await phase(users + (contender.providers ? 0 : templates));
    const joined = await settle(
      createdUsers.map(async (user) => {
        const args = withProvider(contender.providers?.membership, { teamId: 1 + (Number(user.id) % 2), userId: Number(user.id), role: "EDITOR" });
        otherStates.push((await deployment.up("TeamMembership", `member-${user.id}`, args)).state);
      }),
    );
    const createSeconds = (Date.now() - started) / 1000;
    const memberships = await phase(createdUsers.length);

    const refreshStarted = Date.now();
    const all = [...createdUsers, ...otherStates];
    const refreshedStates: EngineResourceState[] = [];
    /** What each resource's read answered, by its place in `all` (undefined: gone), for the faulted refreshes to match. */
    const readAnswers: string[] = [];
    const answerOf = (state: EngineResourceState | undefined) => JSON.stringify(state?.outputs ?? null);
    const refreshed = timedOut
      ? { failed: all.length, surfaced429s: 0 }
      : await settle(
          all.map(async (state, index) => {
            const read = await deployment.refresh(state);
            readAnswers[index] = answerOf(read);
            refreshedStates.push(read ?? state);
          }),
        );
    const refreshSeconds = (Date.now() - refreshStarted) / 1000;
    const refresh = await phase(all.length);
    const refreshRefused = lastRefused;
    const hostCpuMs = timedOut ? Number.NaN : cpuMs(host.pid) - hostCpuBefore;
    const hostPeakRss = timedOut ? Number.NaN : peakRssMiB(host.pid);
    const faultedRefreshes: FaultedRefresh[] = [];
    for (const fault of timedOut ? [] : (options.refreshUnder ?? [])) {
      await simulator.setFaults({ latencyMs, rules: fault.rules });
      const reads = await Promise.allSettled(all.map((state) => deployment.refresh(state)));
      await simulator.setFaults({ latencyMs });
      faultedRefreshes.push({
        name: fault.name,
        failedReads: reads.filter((read) => read.status === "rejected").length,
        differingReads: reads.filter((read, index) => read.status === "fulfilled" && answerOf(read.value) !== readAnswers[index]).length,
        requests: (await simulator.takeLog()).length,
      });
    }
    const createBound = phaseBoundSeconds(usersAndTemplates, timeScale) + phaseBoundSeconds(memberships, timeScale);
    const refreshBound = phaseBoundSeconds(refresh, timeScale);
    const createRequests = usersAndTemplates.requests.default + memberships.requests.default;
    const resources = all.length;
    // What the stack's state holds after the run: the refreshed resources, else the created ones.
    const inState = refreshedStates.length === all.length ? refreshedStates : all;
    const stateBytes = inState.reduce((sum, state) => sum + Buffer.byteLength(JSON.stringify(state.inputs)) + Buffer.byteLength(JSON.stringify(state.outputs)), 0);
    const providerBytes = inState.reduce((sum, state) => sum + Buffer.byteLength(String(state.outputs.__provider ?? state.inputs.__provider ?? "")), 0);
    const skipped = users - createdUsers.length;
    return {
      contender: contender.name,
      users,
      memberships: users,
      templates: contender.providers ? 0 : templates,
      create: { seconds: createSeconds, requests: createRequests, boundSeconds: createBound, ratio: createBound / createSeconds },
      refresh: {
        seconds: refreshSeconds,
        requests: refresh.requests.default,
        adminUsersRequests: refresh.requests.adminUsers,
        rateLimited: refreshRefused,
        boundSeconds: refreshBound,
        ratio: refreshBound / refreshSeconds,
        tinesLimitsBoundSeconds: tinesLimitsBoundSeconds(refresh),
      },
      faultedRefreshes,
      failedOperations: created.failed + joined.failed + refreshed.failed,
      createFailedOperations: created.failed + joined.failed,
      skippedOperations: skipped,
      surfaced429s: created.surfaced429s + joined.surfaced429s + refreshed.surfaced429s,
      rateLimitedResponses: rateLimited,
      requests,
      finished: !timedOut && created.failed + joined.failed + skipped + refreshed.failed === 0,
      timedOut,
      perResourceMs: { create: (createSeconds * 1000) / resources, refresh: (refreshSeconds * 1000) / resources },
      requestsPerResource: { create: createRequests / resources, refresh: refresh.requests.default / resources },
      providerBytesPerResource: providerBytes / Math.max(1, inState.length),
      stateBytes,
      hostPeakRssMiB: hostPeakRss,
      hostCpuMsPerResource: hostCpuMs / resources,
    };
  } finally {
    clearTimeout(deadline);
    await host.stop();
    await simulator.stop();
  }
}
