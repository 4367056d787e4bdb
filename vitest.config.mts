import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Node's on-disk cache of compiled code (https://nodejs.org/api/module.html#module-compile-cache)
// for every process the tests start: the workers, and through them each provider host, program
// runner and CLI, which load @pulumi/pulumi afresh. It changes no behaviour; it makes each start
// cheaper. The cache is checked against each file's contents and kept where Node keeps it by
// default, in the temporary directory (the packaged-program test adds entries for a new directory
// on every run); NODE_COMPILE_CACHE set outside wins.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "node-compile-cache");

// glibc's allocator backs its heap with transparent huge pages where the kernel gives them only on
// request (`/sys/kernel/mm/transparent_hugepage/enabled` = madvise, as on these machines): a
// process that loads @pulumi/pulumi then takes about 18,000 page faults instead of 28,000, and a
// provider host starts on ~15% less CPU (docs/maintainers/testing.md, "Where the time goes"). It
// changes no behaviour; glibc ignores a tunable it does not know, and other C libraries ignore the
// variable. The processes the tests start inherit it; the provider host passes it on
// (tools/runner/providerHost.ts). GLIBC_TUNABLES set outside wins.
process.env.GLIBC_TUNABLES ??= "glibc.malloc.hugetlb=1";

/**
 * The order the slow files start in, the same on every machine. vitest starts the longest files
 * first by the durations in its own cache, which a fresh clone (CI) does not have (it then starts
 * the largest files first), and which once put the four files that mostly wait first: the two
 * cores sat mostly idle for ~30 s. So the order is written down, in two kinds:
 * - files that compute (provider hosts, program runs, `tsc`, npm), heaviest first;
 * - files that mostly wait: real backoffs and deadlines (their seconds are published by
 *   `npm run reliability`), the 10 s read-after-write window, users Tines takes a while to delete.
 *   Started together they leave the cores idle, so each starts between two computing files.
 * The other files, which take a few seconds each, follow in vitest's order. A new file that takes
 * more than ~10 s belongs on one of the lists (docs/maintainers/testing.md, "Where the time goes").
 */
const root = fileURLToPath(new URL(".", import.meta.url));
const computing = [
  "test/guardRails/oneObject.test.ts",
  "test/runner/programRunner.test.ts",
  "test/packaging.test.ts",
  "test/resources/teamMembers.test.ts",
  "test/examples.test.ts",
  "test/guardRails/previewTruth.test.ts",
  "test/providers/twoTenants.test.ts",
  "test/export.test.ts",
  "test/resources/customRole.test.ts",
  "test/guardRails/heldValues.test.ts",
  "test/providers/providerMove.test.ts",
  "test/audit/driftAttribution.test.ts",
  "test/resources/previewChecks.test.ts",
  "test/resources/teamRoster.test.ts",
  "test/demo.test.ts",
  "test/resources/refresh.test.ts",
  "test/docs.test.ts",
  "test/resources/scimTenant.test.ts",
  "test/resources/userLookupByEmail.test.ts",
  "test/resources/providerHost.test.ts",
  "test/guardRails/destroyWithOwner.test.ts",
  "test/compatibility/previousRelease.test.ts",
];
const mostlyWaiting = [
  "test/resources/team.test.ts",
  "test/reliability/faults.test.ts",
  "test/resources/operationDeadline.test.ts",
  "test/reliability/rateLimits.test.ts",
  "test/resources/teamMembership.test.ts",
  "test/resources/readAfterWrite.test.ts",
  "test/resources/asyncDeletion.test.ts",
  "test/resources/user.test.ts",
  "test/resources/privateTemplate.test.ts",
];
const listed = new Set([...computing, ...mostlyWaiting]);
for (const file of listed) if (!existsSync(join(root, file))) throw new Error(`vitest.config.mts names ${file}, which does not exist`);

/** The slow files in the written order, each waiting one between two computing ones, then the rest in vitest's order. */
class WrittenOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const pathOf = (file: TestSpecification) => relative(root, file.moduleId).split("\\").join("/");
    const inOrder = (list: string[]) => list.flatMap((path) => files.filter((file) => pathOf(file) === path));
    const waiting = inOrder(mostlyWaiting);
    const others = [...inOrder(computing), ...(await super.sort(files)).filter((file) => !listed.has(pathOf(file)))];
    const dealt: TestSpecification[] = [];
    while (waiting.length > 0 || others.length > 0) {
      const other = others.shift();
      if (other) dealt.push(other);
      const next = waiting.shift();
      if (next) dealt.push(next);
    }
    return dealt;
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The run is bound by CPU: each provider host loads @pulumi/pulumi (about 0.5 s of CPU apiece,
    // ~250 hosts in a run), and some files mostly wait (above). Five workers keep two cores busy
    // while those wait. `npm run reliability` pins two (--maxWorkers=2) so its published seconds
    // compare with earlier runs.
    maxWorkers: 5,
    // A worker process runs file after file, loading vitest, the package and the gRPC stubs once
    // and keeping its runner processes: about 80 s of CPU less than a process per file. What a file
    // changes in its process is put back: the environment by test/helpers/processState.ts, spies by
    // restoreMocks. See docs/maintainers/testing.md, "Where the time goes".
    isolate: false,
    setupFiles: ["test/helpers/processState.ts"],
    restoreMocks: true,
    sequence: { sequencer: WrittenOrder },
  },
});
