/**
 * Bulk create and refresh of users, memberships and templates at the engine's parallelism, with
 * 25 ms of latency per request and Tines' rate limits, time-scaled, against the physical bound, next
 * to the ceiling the rig itself allows (a provider that only waits, through the same host); and the
 * host's CPU and peak memory.
 */
import { readFileSync } from "node:fs";
import { repositoryRoot } from "./readme";
import { failures, latencyMs, parallelism, startHost, timeScale, tinesLimits, windowMs } from "./rig";
import { startSimulatorThread, type LoggedRequest } from "./simulatorThread";
import { DynamicProviderEngine, EngineDeployment, type EngineResourceState } from "../testing/engine";
import { ProviderHost } from "../testing/providerHost";

/** The figures of one bulk run at one size. */
export interface BulkFigures {
  users: number;
  memberships: number;
  templates: number;
  create: { seconds: number; requests: number; boundSeconds: number; ratio: number };
  refresh: { seconds: number; requests: number; boundSeconds: number; ratio: number };
  failedOperations: number;
  rateLimitedResponses: number;
  perResourceMs: { create: number; refresh: number };
  requestsPerResource: { create: number; refresh: number };
  hostPeakRssMiB: number;
  /** The host's CPU time per resource over create and refresh, in ms. */
  hostCpuMsPerResource: number;
  /** What this rig lets any dynamic provider reach on this machine: see {@link rigCeiling}. */
  rigCeiling: { createRatio: number; refreshRatio: number };
}

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
export function phaseBoundSeconds(phase: Phase): number {
  const latencyBound = Math.ceil(phase.operations / parallelism) * latencyMs;
  const rateBounds = (["default", "adminUsers"] as const).map((bucket) => {
    const requests = phase.requests[bucket];
    if (requests === 0) return 0;
    const windows = Math.floor((requests - 1) / tinesLimits[bucket]);
    return windows * windowMs + Math.ceil((requests - windows * tinesLimits[bucket]) / parallelism) * latencyMs;
  });
  return Math.max(latencyBound, ...rateBounds) / 1000;
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

/** Creates `users` users, as many memberships and `templates` templates, then refreshes them all, through pulumi-tines. */
export async function bulk(users: number, templates: number): Promise<Omit<BulkFigures, "rigCeiling">> {
  const simulator = await startSimulatorThread({ userDeletionDelayMs: 0, rateLimits: { timeScale } }, ["Security Operations", "IT Operations"]);
  const host = await startHost(simulator);
  const engine = new DynamicProviderEngine(host);
  try {
    await simulator.setFaults({ latencyMs });
    await simulator.takeLog();
    let rateLimited = 0;
    /** The requests of the phase just ended, the 429s among them counted. */
    const phase = async (operations: number) => {
      const log = await simulator.takeLog();
      rateLimited += log.filter((entry) => entry.status === 429).length;
      return phaseOf(log, operations);
    };
    const userStates: EngineResourceState[] = [];
    const otherStates: EngineResourceState[] = [];
    const deployment = new EngineDeployment(engine, parallelism);
    const hostCpuBefore = cpuMs(host.pid);
    const started = Date.now();
    // Users and templates first; each membership needs its user's id, as in a real program.
    let failed = await failures([
      ...Array.from({ length: users }, async (_, index) => {
        userStates[index] = (await deployment.up("User", `user-${index}`, { email: `bulk${index}@example.com`, firstName: `User ${index}` })).state;
      }),
      ...Array.from({ length: templates }, async (_, index) => {
        otherStates.push((await deployment.up("PrivateTemplate", `template-${index}`, { name: `Template ${index}`, vendor: "V", product: "P", agentType: "Agents::HTTPRequestAgent", agentOptions: { url: "https://example.com" } })).state);
      }),
    ]);
    const usersAndTemplates = await phase(users + templates);
    failed += await failures(
      userStates.map(async (user) => {
        otherStates.push((await deployment.up("TeamMembership", `member-${user.id}`, { teamId: 1 + (Number(user.id) % 2), userId: user.outputs.userId, role: "EDITOR" })).state);
      }),
    );
    const createSeconds = (Date.now() - started) / 1000;
    const memberships = await phase(users);

    const refreshStarted = Date.now();
    const all = [...userStates, ...otherStates];
    failed += await failures(all.map((state) => deployment.refresh(state)));
    const refreshSeconds = (Date.now() - refreshStarted) / 1000;
    const refresh = await phase(all.length);
    const createBound = phaseBoundSeconds(usersAndTemplates) + phaseBoundSeconds(memberships);
    const refreshBound = phaseBoundSeconds(refresh);
    const createRequests = usersAndTemplates.requests.default + memberships.requests.default;
    const resources = all.length;
    return {
      users,
      memberships: users,
      templates,
      create: { seconds: createSeconds, requests: createRequests, boundSeconds: createBound, ratio: createBound / createSeconds },
      refresh: { seconds: refreshSeconds, requests: refresh.requests.default, boundSeconds: refreshBound, ratio: refreshBound / refreshSeconds },
      failedOperations: failed,
      rateLimitedResponses: rateLimited,
      perResourceMs: { create: (createSeconds * 1000) / resources, refresh: (refreshSeconds * 1000) / resources },
      requestsPerResource: { create: createRequests / resources, refresh: refresh.requests.default / resources },
      hostPeakRssMiB: peakRssMiB(host.pid),
      hostCpuMsPerResource: (cpuMs(host.pid) - hostCpuBefore) / resources,
    };
  } finally {
    await host.stop();
    await simulator.stop();
  }
}
