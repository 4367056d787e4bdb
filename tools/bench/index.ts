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
 *
 * Each concern has its file: rig.ts (settings shared by every part), requests.ts (1, 2 and the
 * preview checks), bulk.ts (3-5). This file runs them in order and writes the report.
 *
 * Refresh (issue 20) is measured in 3 and 4: its requests, its seconds at the bench's time scale,
 * its bound at Tines' real limits, beside the careful peer; the smallest bulk run also refreshes
 * under a 429 storm and under failing lists (bulk.ts, `refreshFaults`).
 *
 * Flags, for checking a part on a shared machine: `--sizes=100` runs the bulk and side-by-side
 * parts at those sizes only; `--only=refresh` skips the parts that do not measure refresh
 * (preview checks, rosters, adoption). Either writes bench/results/partial.json and partial.md,
 * never the figures the docs are made from.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedTenant, startTinesSimulator } from "pulumi-tines/simulator";
import { adoptionCost } from "./adoption";
import { bulk, refreshFaults, rigCeiling, type BulkFigures } from "./bulk";
import { repositoryRoot } from "./paths";
import { previewCheckRequests, requestsPerOperation, stateCost } from "./requests";
import { fixed, latencyMs, parallelism, startHost, table, timeScale, windowMs } from "./rig";
import { peerContenders, peerEntries, sideBySide, sideBySideReport, type SideBySideRun } from "./sideBySide";
import { judgeTargets, targetsReport } from "./targets";
import { teamMembersReport, teamMembersRequests } from "./teamMembers";
import { DynamicProviderEngine } from "../runner/engine";

/** The command line's flags (see the file comment). */
function flags(argv: string[]): { sizes: number[]; refreshOnly: boolean; partial: boolean } {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sizesFlag = value("sizes");
  const sizes = sizesFlag ? sizesFlag.split(",").map(Number) : [100, 300, 1000];
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--sizes takes whole numbers, e.g. --sizes=100,300: got ${sizesFlag}`);
  const only = value("only");
  if (only !== undefined && only !== "refresh") throw new Error(`--only takes "refresh": got ${only}`);
  return { sizes, refreshOnly: only === "refresh", partial: sizesFlag !== undefined || only !== undefined };
}

async function main(): Promise<void> {
  const { sizes, refreshOnly, partial } = flags(process.argv.slice(2));
  const started = Date.now();
  console.log(`pulumi-tines benchmark: real dynamic-provider host, local simulator, parallelism ${parallelism}, ${latencyMs} ms latency per request, Tines' rate limits ${timeScale}x faster\n`);

  const simulator = await startTinesSimulator({ userDeletionDelayMs: 0 });
  seedTenant(simulator.state, ["Security Operations", "IT Operations"]);
  const host = await startHost(simulator);
  const operations = await requestsPerOperation(simulator, new DynamicProviderEngine(host));
  await host.stop();
  await simulator.stop();
  const cost = stateCost(operations.states);
  const previews = refreshOnly ? [] : [await previewCheckRequests(100, 2000), await previewCheckRequests(1000, 2000)];
  const teamMembers = refreshOnly ? undefined : await teamMembersRequests();

  const bulkRuns: BulkFigures[] = [];
  for (const [index, users] of sizes.entries()) {
    process.stdout.write(`bulk run: ${users} users, ${users} memberships, 20 templates... `);
    // The smallest run also refreshes under faults: whether reads fail does not depend on the size.
    const run: BulkFigures = { ...(await bulk(users, 20, { refreshUnder: index === 0 ? refreshFaults : [] })), rigCeiling: await rigCeiling(users, 20) };
    bulkRuns.push(run);
    console.log(
      `create ${fixed(run.create.seconds)} s, refresh ${fixed(run.refresh.seconds)} s in ${run.refresh.requests} requests; rig ceiling ${fixed(run.rigCeiling.createRatio)} / ${fixed(run.rigCeiling.refreshRatio)}` +
        run.faultedRefreshes.map((fault) => `; under ${fault.name}: ${fault.failedReads} failed, ${fault.differingReads} differing reads`).join(""),
    );
  }

  const adoption = refreshOnly ? undefined : await (async () => {
    process.stdout.write("adoption: 1000 users of a tenant of 5000... ");
    const measured = await adoptionCost(1000, 5000, { parallelism, latencyMs, timeScale });
    console.log(`${measured.requests} requests (target ${measured.targetRequests}, before ${measured.previousRequests}), ${fixed(measured.seconds)} s`);
    return measured;
  })();

  // Beside what a user would otherwise write (sideBySide.ts), reusing each size's rig ceiling.
  const peers = await peerContenders();
  const sideBySideRuns: SideBySideRun[] = [];
  for (const [index, users] of sizes.entries()) {
    process.stdout.write(`side by side: ${users} users, ${users} memberships... `);
    const run = await sideBySide(users, peers, bulkRuns[index]!.rigCeiling);
    sideBySideRuns.push(run);
    console.log(
      run.runs
        .map((figures) => `${figures.contender} ${fixed(figures.create.seconds)} s / ${fixed(figures.refresh.seconds)} s, refresh ${figures.refresh.requests} requests${figures.finished ? "" : " (did not finish)"}`)
        .join(", "),
    );
  }
  const sideBySideText = sideBySideReport(sideBySideRuns);
  const targets = judgeTargets(bulkRuns, sideBySideRuns, operations.rows);

  const details = [
    "### Targets, judged on this run",
    "",
    targetsReport(targets),
    "",
    "### Requests per operation",
    "",
    table(
      ["resource", "check (previewChecks off)", "diff", "create", "read", "update", "delete", `adopt (tenant of ${operations.tenantUsers} users)`],
      operations.rows.map((row) => [row.resource, row.check, row.diff, row.create, row.read, row.update, row.delete, row.adopt ?? "n/a"]),
    ),
    "",
    "Targets: check 0 with `tines:previewChecks false` (on, the default, a preview's checks cost what the next table shows, once per deployment), diff 0, create 1, read 1, update 1 (2 for a template, read back), delete 1, adoption of a user at most 2 (the user looked up by email, the update; on an older tenant, which answers 404 for emails, 3 + ceil(users / 500): the 404, the shared read of the directory, the user by id, the update), of a membership 1. " +
      "A team's create and rename take 2: its name is looked up first (Tines does not say names are unique, and a rename must not give two teams one name); its delete 3: its stories are counted first (the forceDestroy guard), and the team is read back, so a stray 404 or a delete not applied never drops a team Tines still holds. " +
      "A custom role's delete takes 1 + ceil(users / 500): the directory is read for members who still hold it; its adoption 2 when the role must change (list, PATCH).",
    "",
    ...(previews.length === 0 ? [] : [
    "### Preview with tenant checks on (the default; `tines:previewChecks`)",
    "",
    table(
      ["resources checked", "tenant users", "requests", "seconds"],
      previews.map((row) => [row.resources, row.tenantUsers, row.requests, fixed(row.seconds)]),
    ),
    "",
    "Target: a handful, independent of the number of resources: teams once, roles once, the user directory once (500 a page).",
    "",
    ]),
    ...(teamMembers ? [teamMembersReport(teamMembers), ""] : []),
    "### State cost per resource",
    "",
    table(["resource", "`__provider` bytes", "inputs + outputs bytes"], cost.map((row) => [row.resource, row.providerBytes, row.inputsPlusOutputsBytes])),
    "",
    "Target: `__provider` at most 1 KB.",
    "",
    ...(adoption === undefined ? [] : ((measured) => [
    "### Taking over a tenant: adopting users (as a roster from `pulumi-tines export` does)",
    "",
    table(
      ["adopted users", "tenant users", "requests", "target", "writes", "requests before", `s (limits ${timeScale}x faster)`, "min at Tines' limits", "bound min", "bound min before", "failed"],
      [[measured.adoptedUsers, measured.tenantUsers, measured.requests, measured.targetRequests, measured.writes, measured.previousRequests, fixed(measured.seconds), fixed(measured.realLimitMinutes, 1), fixed(measured.boundMinutes, 1), fixed(measured.previousBoundMinutes, 1), measured.failedOperations]],
    ),
    "",
    `Target: at most N + ceil(M / 500) + 5 requests: one GET by email per adopted user (\`GET /admin/users/{email}\`; on an older tenant that answers 404 for emails, one shared read of the directory, then one GET per user); no write for a user who already matches. "Before": each adoption paged the directory until it found its user, then updated it (counted for the same users). Min at Tines' limits: the measured time times ${timeScale} (an upper estimate, latency does not scale); bound min: requests / 500, the admin/users limit every one of them falls under.`,
    "",
    ])(adoption)),
    "### Bulk create and refresh (users, as many memberships, 20 templates)",
    "",
    table(
      ["users", "resources", "create s", "create bound s", "create ratio", "rig ceiling create", "refresh s", "refresh bound s", "refresh ratio", "rig ceiling refresh", "refresh requests", "refresh bound at Tines' limits s", "ms/resource create", "ms/resource refresh", "requests/resource create", "requests/resource refresh", "failed", "429s", "host CPU ms/resource", "host peak RSS MiB"],
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
        run.refresh.requests,
        fixed(run.refresh.tinesLimitsBoundSeconds, 1),
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
    `Bound, per phase (users and templates, then the memberships that need their users' ids; refresh in one phase): the larger of the latency bound (${latencyMs} ms per request, ${parallelism} at a time) and the rate-limit bound (Tines' 500 a minute on admin/users, which membership reads also use, and 5000 otherwise, a minute lasting ${windowMs / 1000} s here; the last requests past m full windows still need their latency). Ratio = bound / measured; targets: creates at 300 and 1,000 users at least 0.95 of the rig ceiling, refresh at least 0.95 of the bound, with 0 failed operations and 0 429s reaching the caller (judged above). Operations are scheduled as the Pulumi engine schedules them: Check one resource at a time in its step generator, the steps ${parallelism} at a time. Rig ceiling: the same operations through the same host, driver and schedule with a provider that makes no request and only waits ${latencyMs} ms in create and read, against its latency bound: the most any provider can expect on this machine (runs vary by a few hundredths).`,
  ].join("\n");
  const report = ["### pulumi-tines beside a hand-written provider", "", sideBySideText, "", details].join("\n");
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${report}\n\nBenchmark took ${fixed(seconds, 1)} s.`);

  const results = { recordedAt: new Date().toISOString(), node: process.version, parallelism, latencyMs, timeScale, operations: operations.rows, lookups: operations.lookups, previewChecks: previews, adoption, teamMembers, stateCost: cost, bulk: bulkRuns, peers: sideBySideRuns.flatMap(peerEntries), sideBySide: sideBySideRuns, targets, seconds };
  const directory = join(repositoryRoot, "bench", "results");
  mkdirSync(directory, { recursive: true });
  const name = partial ? "partial" : "latest";
  writeFileSync(join(directory, `${name}.json`), JSON.stringify(results, null, 2));
  writeFileSync(join(directory, `${name}.md`), `${report}\n`);
  console.log(partial ? "Figures of this partial run written to bench/results/partial.json and partial.md (the docs use only a full run's)." : "Figures written to bench/results/latest.json and latest.md; `npm run docs` puts them in the docs.");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`Benchmark failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
