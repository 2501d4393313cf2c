import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Vitest's default on a 2-core machine is a single worker, yet most suites spend their time waiting on
 * fsync, PostgreSQL, SMTP or Chromium rather than on the CPU; one file per core plus one keeps both
 * cores busy. TEST_WORKERS overrides it (1 runs the files one at a time, to chase an interaction).
 */
const workers = Number(process.env.TEST_WORKERS ?? availableParallelism() + 1);

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: workers,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "server", include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/**/*.test.ts"] },
      },
      {
        extends: true,
        // A browser test is a whole user journey (sign in, fill, send, wait for the live update, axe);
        // beside two other test files on two cores it needs more than a unit test's 30 s.
        test: { name: "browser", include: ["e2e/**/*.e2e.ts"], testTimeout: 90_000 },
      },
    ],
  },
});
