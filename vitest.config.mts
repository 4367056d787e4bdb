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
 * Files that spend most of their time waiting, not computing: real backoffs and deadlines (their
 * seconds are published by `npm run reliability`), the 10 s read-after-write window, users Tines
 * takes a while to delete. Started together they leave the two cores idle, and vitest starts the
 * longest files first, which these are; so they are dealt out between the others.
 */
const root = fileURLToPath(new URL(".", import.meta.url));
const mostlyWaiting = [
  "test/reliability/faults.test.ts",
  "test/reliability/rateLimits.test.ts",
  "test/resources/operationDeadline.test.ts",
  "test/resources/team.test.ts",
  "test/resources/readAfterWrite.test.ts",
  "test/resources/teamMembership.test.ts",
  "test/resources/asyncDeletion.test.ts",
  "test/resources/user.test.ts",
  "test/resources/privateTemplate.test.ts",
];
for (const file of mostlyWaiting) if (!existsSync(join(root, file))) throw new Error(`vitest.config.mts names ${file}, which does not exist`);

/** vitest's order (failed first, then longest first), with the files that mostly wait dealt out one between two others. */
class WaitingDealtOut extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const waits = (file: TestSpecification) => mostlyWaiting.includes(relative(root, file.moduleId).split("\\").join("/"));
    const waiting = ordered.filter(waits);
    const others = ordered.filter((file) => !waits(file));
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
    sequence: { sequencer: WaitingDealtOut },
  },
});
