import { createRequire } from "node:module";
import type pg from "pg";

const requirePackage = createRequire(import.meta.url);
let driver: typeof pg | undefined;

/**
 * node-postgres, loaded when a process first uses PostgreSQL: on SQLite it is never loaded, and an
 * idle process is 3 MB of heap lighter. It is CommonJS, so `require` loads it as synchronously as
 * `openDatabase` needs.
 */
export function postgresDriver(): typeof pg {
  if (driver) return driver;
  driver = requirePackage("pg") as typeof pg;
  // PostgreSQL's bigint (durations in ms, counts) arrives as a string by default; every value Tend
  // stores in one stays far below 2^53, so a plain number is exact.
  driver.types.setTypeParser(driver.types.builtins.INT8, Number);
  return driver;
}
