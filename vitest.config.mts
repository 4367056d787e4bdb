import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// Node's on-disk cache of compiled code (https://nodejs.org/api/module.html#module-compile-cache)
// for every process the tests start: the workers, and through them each provider host, program
// runner and CLI, which load @pulumi/pulumi afresh. It changes no behaviour; it makes each start
// cheaper. The cache is checked against each file's contents and kept where Node keeps it by
// default, in the temporary directory (the packaged-program test adds entries for a new directory
// on every run); NODE_COMPILE_CACHE set outside wins.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "node-compile-cache");

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The run is bound by CPU: each provider host loads @pulumi/pulumi (about 1.2 s of CPU apiece,
    // ~255 hosts in a run), and some files mostly wait (timeouts, retries, the 10 s read-after-write
    // window). Four workers keep two cores busy while those wait; three left them idle at the start,
    // when vitest runs the longest files (which are the waiting ones) first. `npm run reliability`
    // pins two (--maxWorkers=2) so its published seconds compare with earlier runs.
    // `isolate: false` was measured and left off: ~13 s less CPU, but the files are dealt to the
    // workers up front and the long ones bunched. See docs/maintainers/testing.md, "Where the time goes".
    maxWorkers: 4,
  },
});
