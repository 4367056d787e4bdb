/**
 * `npm run bench`: what the provider costs, measured through the real dynamic-provider host against
 * the local simulator. Prints a table and writes the same figures as JSON (bench/results/latest.json)
 * so runs can be compared:
 *
 * 1. requests per operation, per resource (check, diff, create, read, update, delete, adoption in a
 *    tenant of 2,000 users);
 * 2. state cost: bytes of `__provider`, and of one resource's inputs plus outputs;
 * 3. bulk create and refresh of users, memberships and templates at the engine's parallelism, with
 *    25 ms of latency per request and Tines' rate limits, time-scaled, against the physical bound,
 *    next to the ceiling the rig itself allows (a provider that only waits, through the same host);
 * 4. the same at three sizes, per resource side by side;
 * 5. the host's peak memory at the largest size.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedTenant, startTinesSimulator, type TinesSimulator } from "../simulator";
import { adoptionCost } from "./adoption";
import { replaceReadmeSection, repositoryRoot } from "./readme";
import { startSimulatorThread, type LoggedRequest } from "./simulatorThread";
import { teamMembersReport, teamMembersRequests } from "./teamMembers";
import { DynamicProviderEngine, EngineDeployment, type EngineResourceState } from "../testing/engine";
import { ProviderHost, withProvider } from "../testing/providerHost";
import type { TinesResourceKind } from "../provider/registration";

/** The engine's default parallelism on a 2-core machine: 4 x CPU count. */
const parallelism = 8;
const latencyMs = 25;
/** Tines' limits run this many times faster, so a run that binds on them stays short. */
const timeScale = 20;
const tinesLimits = { default: 5000, adminUsers: 500 };
const windowMs = 60_000 / timeScale;

async function startHost(simulator: { url: string; apiKey: string }): Promise<ProviderHost> {
  const host = await ProviderHost.start({
    programDirectory: repositoryRoot,
    environment: { TINES_RATE_LIMIT_TIME_SCALE: String(timeScale) },
  });
  // Preview checks off: these figures are each operation's own cost; the tenant checks a preview
  // makes by default are measured on their own below ("Preview with tenant checks on").
  await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey, "tines:previewChecks": "false" });
  return host;
}

/** How many of `operations` failed. */
async function failures(operations: Array<Promise<unknown>>): Promise<number> {
  return (await Promise.allSettled(operations)).filter((result) => result.status === "rejected").length;
}

// 1. Requests per operation ------------------------------------------------------------------------

interface OperationCounts {
  resource: TinesResourceKind;
  check: number;
  diff: number;
  create: number;
  read: number;
  update: number;
  delete: number;
  adopt?: number;
}

async function requestsPerOperation(simulator: TinesSimulator, engine: DynamicProviderEngine) {
  const count = async (action: () => Promise<unknown>) => {
    simulator.log.length = 0;
    await action();
    return simulator.log.length;
  };
  const declared: Array<[TinesResourceKind, Record<string, unknown>, Record<string, unknown>]> = [
    ["User", { email: "bench.user@example.com" }, { email: "bench.user@example.com", firstName: "Changed" }],
    ["TeamMembership", { teamId: 1, email: "bench.member@example.com", role: "VIEWER" }, { teamId: 1, email: "bench.member@example.com", role: "VIEWER", adoptExisting: true }],
    [
      "PrivateTemplate",
      { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {} },
      { name: "Bench", vendor: "V", product: "P", agentType: "Agents::WebhookAgent", agentOptions: {}, description: "Changed" },
    ],
    ["Team", { name: "Bench team" }, { name: "Bench team renamed" }],
    ["CustomRole", { name: "BENCH_ROLE", permissions: ["STORY_READ"] }, { name: "BENCH_ROLE", permissions: ["STORY_READ"], description: "Changed" }],
  ];
  const rows: OperationCounts[] = [];
  const states: Partial<Record<TinesResourceKind, EngineResourceState>> = {};
  for (const [kind, args, changed] of declared) {
    const urn = engine.urn(kind, "bench");
    let state: EngineResourceState | undefined;
    const row: OperationCounts = {
      resource: kind,
      check: await count(() => engine.host.check(urn, {}, withProvider(kind, args))),
      diff: 0,
      create: await count(async () => (state = (await engine.up(kind, "bench", args)).state)),
      read: 0,
      update: 0,
      delete: 0,
    };
    row.diff = await count(() => engine.host.diff(urn, state!.id, state!.outputs, withProvider(kind, changed)));
    row.read = await count(() => engine.refresh(state!));
    row.update = await count(async () => (state = (await engine.up(kind, "bench", changed, state)).state));
    states[kind] = state;
    row.delete = await count(() => engine.destroy(state!));
    rows.push(row);
  }

  // Adoption in a tenant of 2,000 users, the adopted one listed last: the worst case.
  const tenantUsers = 2000;
  for (let index = simulator.state.listUsers().length; index < tenantUsers - 1; index += 1) {
    simulator.state.createUser({ email: `existing${index}@example.com` });
  }
  simulator.state.createUser({ email: "adopt.me@example.com" });
  rows[0]!.adopt = await count(() => engine.up("User", "adopted", { email: "adopt.me@example.com", firstName: "Adopted", adoptExisting: true }));
  const adopted = simulator.state.findUserByEmail("adopt.me@example.com")!;
  simulator.state.seedMembership(2, adopted.id, "EDITOR");
  rows[1]!.adopt = await count(() => engine.up("TeamMembership", "adopted", { teamId: 2, userId: adopted.id, role: "EDITOR", adoptExisting: true }));
  rows[3]!.adopt = await count(() => engine.up("Team", "adopted", { name: "IT Operations", adoptExisting: true }));
  simulator.state.addCustomRole("ADOPT_ME", { permissions: ["STORY_READ"] });
  rows[4]!.adopt = await count(() => engine.up("CustomRole", "adopted", { name: "ADOPT_ME", permissions: ["STORY_READ", "STORY_COMMENT"], adoptExisting: true }));
  return { rows, tenantUsers, states };
}

// Preview checks ---------------------------------------------------------------------------------

/** Requests a preview of `resources` users and as many memberships makes with tenant checks on. */
async function previewCheckRequests(resources: number, tenantUsers: number) {
  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  for (let index = simulator.state.listUsers().length; index < tenantUsers; index += 1) simulator.state.createUser({ email: `existing${index}@example.com` });
  const host = await ProviderHost.start({ programDirectory: repositoryRoot });
  try {
    // Tenant checks are on by default with a tenant and a key.
    await host.configure({ "tines:tenant": simulator.url, "tines:apiKey": simulator.apiKey });
    simulator.log.length = 0;
    const started = Date.now();
    const checks: Array<Promise<unknown>> = [];
    for (let index = 0; index < resources; index += 1) {
      checks.push(host.check(`urn:user:${index}`, {}, withProvider("User", { email: `preview${index}@example.com` })));
      checks.push(host.check(`urn:member:${index}`, {}, withProvider("TeamMembership", { teamId: 1, email: `preview${index}@example.com`, role: "EDITOR" })));
    }
    await Promise.all(checks);
    return { resources: resources * 2, tenantUsers, requests: simulator.log.length, seconds: (Date.now() - started) / 1000 };
  } finally {
    await host.stop();
    await simulator.stop();
  }
}

// 2. State cost ------------------------------------------------------------------------------------

function stateCost(states: Partial<Record<TinesResourceKind, EngineResourceState>>) {
  return Object.entries(states).map(([kind, state]) => ({
    resource: kind,
    providerBytes: Buffer.byteLength(String(state!.outputs.__provider)),
    inputsPlusOutputsBytes: Buffer.byteLength(JSON.stringify(state!.inputs)) + Buffer.byteLength(JSON.stringify(state!.outputs)),
  }));
}

// 3-5. Bulk create and refresh at three sizes -----------------------------------------------------

interface BulkFigures {
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
interface Phase {
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
function phaseBoundSeconds(phase: Phase): number {
  const latencyBound = Math.ceil(phase.operations / parallelism) * latencyMs;
  const rateBounds = (["default", "adminUsers"] as const).map((bucket) => {
    const requests = phase.requests[bucket];
    if (requests === 0) return 0;
    const windows = Math.floor((requests - 1) / tinesLimits[bucket]);
    return windows * windowMs + Math.ceil((requests - windows * tinesLimits[bucket]) / parallelism) * latencyMs;
  });
  return Math.max(latencyBound, ...rateBounds) / 1000;
}

function phaseOf(log: LoggedRequest[], operations: number): Phase {
  return {
    operations,
    requests: {
      default: log.length,
      adminUsers: log.filter((entry) => entry.path.startsWith("/api/v1/admin/users")).length,
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function peakRssMiB(pid: number | undefined): number {
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
const waitingProviderText = `exports.handler = function () {
  let next = 0;
  const wait = () => new Promise((resolve) => setTimeout(resolve, ${latencyMs}));
  return {
    check: async (olds, news) => ({ inputs: news }),
    create: async (inputs) => { await wait(); next += 1; return { id: String(next), outs: inputs }; },
    read: async (id, props) => { await wait(); return { id, props }; },
  };
};
`;

const latencyOnly = (operations: number): Phase => ({ operations, requests: { default: 0, adminUsers: 0 } });

/**
 * The rig's ceiling at one size: the same operations, schedule, host and driver as {@link bulk},
 * run with {@link waitingProviderText}, as ratios to the latency bound. No provider can expect
 * more than this here, however little it spends.
 */
async function rigCeiling(users: number, templates: number): Promise<BulkFigures["rigCeiling"]> {
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

async function bulk(users: number, templates: number): Promise<Omit<BulkFigures, "rigCeiling">> {
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

// Report -------------------------------------------------------------------------------------------

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`pulumi-tines benchmark: real dynamic-provider host, local simulator, parallelism ${parallelism}, ${latencyMs} ms latency per request, Tines' rate limits ${timeScale}x faster\n`);

  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  const host = await startHost(simulator);
  const operations = await requestsPerOperation(simulator, new DynamicProviderEngine(host));
  await host.stop();
  await simulator.stop();
  const cost = stateCost(operations.states);
  const previews = [await previewCheckRequests(100, 2000), await previewCheckRequests(1000, 2000)];
  const teamMembers = await teamMembersRequests();

  const sizes = [100, 300, 1000];
  const bulkRuns: BulkFigures[] = [];
  for (const users of sizes) {
    process.stdout.write(`bulk run: ${users} users, ${users} memberships, 20 templates... `);
    const run: BulkFigures = { ...(await bulk(users, 20)), rigCeiling: await rigCeiling(users, 20) };
    bulkRuns.push(run);
    console.log(`create ${fixed(run.create.seconds)} s, refresh ${fixed(run.refresh.seconds)} s; rig ceiling ${fixed(run.rigCeiling.createRatio)} / ${fixed(run.rigCeiling.refreshRatio)}`);
  }

  process.stdout.write("adoption: 1000 users of a tenant of 5000... ");
  const adoption = await adoptionCost(1000, 5000, { parallelism, latencyMs, timeScale });
  console.log(`${adoption.requests} requests (target ${adoption.targetRequests}, before ${adoption.previousRequests}), ${fixed(adoption.seconds)} s`);

  const report = [
    "### Requests per operation",
    "",
    table(
      ["resource", "check (previewChecks off)", "diff", "create", "read", "update", "delete", `adopt (tenant of ${operations.tenantUsers} users)`],
      operations.rows.map((row) => [row.resource, row.check, row.diff, row.create, row.read, row.update, row.delete, row.adopt ?? "n/a"]),
    ),
    "",
    "Targets: check 0 with `tines:previewChecks false` (on, the default, a preview's checks cost what the next table shows, once per deployment), diff 0, create 1, read 1, update 1 (2 for a template, read back), delete 1, adoption of a user at most 2 + ceil(users / 500) = 6 (the shared read of the directory, a fresh read of the user, the update), of a membership 1. " +
      "A team's create and delete take 2: its name is looked up first (Tines does not say names are unique), its stories are counted first (the forceDestroy guard). " +
      "A custom role's delete takes 1 + ceil(users / 500): the directory is read for members who still hold it; its adoption 2 when the role must change (list, PATCH).",
    "",
    "### Preview with tenant checks on (the default; `tines:previewChecks`)",
    "",
    table(
      ["resources checked", "tenant users", "requests", "seconds"],
      previews.map((row) => [row.resources, row.tenantUsers, row.requests, fixed(row.seconds)]),
    ),
    "",
    "Target: a handful, independent of the number of resources: teams once, roles once, the user directory once (500 a page).",
    "",
    teamMembersReport(teamMembers),
    "",
    "### State cost per resource",
    "",
    table(["resource", "`__provider` bytes", "inputs + outputs bytes"], cost.map((row) => [row.resource, row.providerBytes, row.inputsPlusOutputsBytes])),
    "",
    "Target: `__provider` at most 1 KB.",
    "",
    "### Taking over a tenant: adopting users (as a roster from `pulumi-tines export` does)",
    "",
    table(
      ["adopted users", "tenant users", "requests", "target", "writes", "requests before", `s (limits ${timeScale}x faster)`, "min at Tines' limits", "bound min", "bound min before", "failed"],
      [[adoption.adoptedUsers, adoption.tenantUsers, adoption.requests, adoption.targetRequests, adoption.writes, adoption.previousRequests, fixed(adoption.seconds), fixed(adoption.realLimitMinutes, 1), fixed(adoption.boundMinutes, 1), fixed(adoption.previousBoundMinutes, 1), adoption.failedOperations]],
    ),
    "",
    `Target: at most N + ceil(M / 500) + 5 requests: one shared read of the directory, then one GET per adopted user; no write for a user who already matches. "Before": each adoption paged the directory until it found its user, then updated it (counted for the same users). Min at Tines' limits: the measured time times ${timeScale} (an upper estimate, latency does not scale); bound min: requests / 500, the admin/users limit every one of them falls under.`,
    "",
    "### Bulk create and refresh (users, as many memberships, 20 templates)",
    "",
    table(
      ["users", "resources", "create s", "create bound s", "create ratio", "rig ceiling create", "refresh s", "refresh bound s", "refresh ratio", "rig ceiling refresh", "ms/resource create", "ms/resource refresh", "requests/resource create", "requests/resource refresh", "failed", "429s", "host CPU ms/resource", "host peak RSS MiB"],
      bulkRuns.map((run) => [
        run.users,
        run.users * 2 + run.templates,
        fixed(run.create.seconds),
        fixed(run.create.boundSeconds),
        fixed(run.create.ratio),
        fixed(run.rigCeiling.createRatio),
        fixed(run.refresh.seconds),
        fixed(run.refresh.boundSeconds),
        fixed(run.refresh.ratio),
        fixed(run.rigCeiling.refreshRatio),
        fixed(run.perResourceMs.create, 1),
        fixed(run.perResourceMs.refresh, 1),
        fixed(run.requestsPerResource.create),
        fixed(run.requestsPerResource.refresh),
        run.failedOperations,
        run.rateLimitedResponses,
        fixed(run.hostCpuMsPerResource, 1),
        run.hostPeakRssMiB,
      ]),
    ),
    "",
    `Bound, per phase (users and templates, then the memberships that need their users' ids; refresh in one phase): the larger of the latency bound (${latencyMs} ms per request, ${parallelism} at a time) and the rate-limit bound (Tines' 500 a minute on admin/users, which membership reads also use, and 5000 otherwise, a minute lasting ${windowMs / 1000} s here; the last requests past m full windows still need their latency). Ratio = bound / measured; target at least 0.85, with 0 failed operations and 0 429s reaching the caller. Operations are scheduled as the Pulumi engine schedules them: Check one resource at a time in its step generator, the steps ${parallelism} at a time. Rig ceiling: the same operations through the same host, driver and schedule with a provider that makes no request and only waits ${latencyMs} ms in create and read, against its latency bound: the most any provider can expect on this machine (runs vary by a few hundredths).`,
  ].join("\n");
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${report}\n\nBenchmark took ${fixed(seconds, 1)} s.`);

  const results = { recordedAt: new Date().toISOString(), node: process.version, parallelism, latencyMs, timeScale, operations: operations.rows, previewChecks: previews, adoption, teamMembers, stateCost: cost, bulk: bulkRuns, seconds };
  const directory = join(repositoryRoot, "bench", "results");
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "latest.json"), JSON.stringify(results, null, 2));
  writeFileSync(join(directory, "latest.md"), `${report}\n`);
  replaceReadmeSection("bench", report.replace(/^### /gm, "#### "));
  console.log("Figures written to bench/results/latest.json and latest.md, and to README.md.");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Benchmark failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
