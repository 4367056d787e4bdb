import { tmpdir } from "node:os";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// Node's on-disk cache of compiled code (https://nodejs.org/api/module.html#module-compile-cache)
// for every process the tests start: the workers, and through them each provider host, program
// runner and CLI, which load @pulumi/pulumi afresh. It changes no behaviour; it makes each start
// cheaper. The cache is checked against each file's contents and kept where Node keeps it by
// default, in the temporary directory (the packaged-program test adds entries for a new directory
// on every run); NODE_COMPILE_CACHE set outside wins.
process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "node-compile-cache");

/**
 * The files that change what a whole process shares: Pulumi's runtime (`pulumi.runtime.setMocks`,
 * `setAllConfig`) and the environment (`TINES_TENANT`, `TINES_API_KEY`), which the package reads.
 * They run in a process of their own, so nothing they set reaches another file.
 */
const processWide = ["test/providers/tinesProvider.test.ts", "test/resources/serialization.test.ts", "test/bench/peers.test.ts", "test/lookups.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The suite is CPU-bound on a 2-core machine (each provider host and program run is a Node
    // process loading @pulumi/pulumi, about 1 s of CPU): three workers keep both cores busy while
    // some wait on their processes. `npm run reliability` pins two (--maxWorkers=2) so its
    // published seconds compare with earlier runs.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        // Every other file runs in a worker that runs other files before and after it (isolate:
        // false): a worker loads @pulumi/pulumi, the gRPC stubs and src once instead of once per
        // file (about 1 s of CPU a file). What src keeps per process is keyed by tenant and API
        // key (src/deployment/registry.ts, src/client/rateLimitPacing.ts), and every file starts
        // its own simulator, with a port and a key of its own, so no file sees another's.
        test: { name: "shared", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...processWide], isolate: false },
      },
      { extends: true, test: { name: "own process", include: processWide } },
    ],
  },
});
