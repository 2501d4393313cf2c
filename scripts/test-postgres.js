// `npm run test:pg`: the same suite as `npm test`, on PostgreSQL. Each test file makes its own database
// on the server TEST_DATABASE_URL names (default: the local server's trust-auth `postgres` user) and
// drops it afterwards; the database in the URL is only where it connects to do that.
import { spawnSync } from "node:child_process";

const server = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const result = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, TEST_DATABASE_URL: server },
  },
);
process.exit(result.status ?? 1);
