import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The provider-host tests spawn processes; two workers suit the 2-core machines.
    maxWorkers: 2,
  },
});
