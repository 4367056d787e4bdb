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
    // The provider-host tests spawn processes and mostly wait on them (hosts, simulators, program
    // runs): three workers keep two cores busy; the whole run took ~233 s with two, ~193 s with
    // three. `npm run reliability` pins two (--maxWorkers=2) so its published seconds compare
    // with earlier runs.
    // The run is bound by CPU (about 595 s of it in vitest, measured on a shared 2-core machine):
    // each provider host and each program run's Node process loads @pulumi/pulumi, about 1 s of CPU
    // apiece, and a program run costs 3-4 s in all. `isolate: false` was measured and left off:
    // ~13 s less CPU, but the files are dealt to the workers up front and the long ones bunched
    // (691 s of wall time against 538 s). See docs/maintainers/testing.md, "Where the time goes".
    maxWorkers: 3,
  },
});
