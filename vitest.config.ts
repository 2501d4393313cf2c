import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Vitest's default on a 2-core machine is a single worker, yet many files spend their time waiting on
 * PostgreSQL, SMTP or Chromium rather than on the CPU; one file per core plus one keeps both cores
 * busy. TEST_WORKERS overrides it (1 runs the files one at a time, to chase an interaction).
 */
const workers = Number(process.env.TEST_WORKERS ?? availableParallelism() + 1);

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: workers,
    // Fewer minimum than maximum workers makes tinypool fail a non-isolated run at its end with
    // "Terminating worker thread", dropping files still queued (vitest-dev/vitest#8564).
    minWorkers: workers,
    // A worker keeps its loaded modules from one test file to the next. Loading the app's thousand-odd
    // modules again for every file was most of a run's CPU (collect 800 s in a 705 s run on two cores).
    // Files share nothing else: each makes its own database, desk, clock and server, and none mocks
    // modules or stubs globals. Vitest still gives each project fresh workers.
    poolOptions: { forks: { isolate: false } },
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
        test: {
          name: "browser",
          include: ["e2e/**/*.e2e.ts"],
          setupFiles: ["e2e/support/report-failures.ts"],
          testTimeout: 90_000,
        },
      },
    ],
  },
});
