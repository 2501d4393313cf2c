import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { buildOnce } from "./build-once.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

const run = promisify(execFile);

/**
 * The built CLI, as an operator runs it (built before the file's first command when a source changed).
 * Compiling the sources with tsx in every child process cost twice the CPU per command.
 */
export const tendBin = fileURLToPath(new URL("../../bin/tend.js", import.meta.url));

export interface CliDesk {
  database: TestDatabase;
  /** The environment `tend` runs with: this file's database, silent logs. */
  environment: NodeJS.ProcessEnv;
  /** Runs `tend` as an operator would, against this file's database (SQLite file or PostgreSQL). */
  tend(...args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** The same, with some variables of the environment replaced. */
  tendWith(overrides: NodeJS.ProcessEnv, ...args: string[]): Promise<{ stdout: string; stderr: string }>;
}

/** A fresh database for a test file that drives the real CLI in child processes. */
/** A build on a loaded machine, or waiting for another file's, outlasts the default hook timeout. */
const buildTimeoutMs = 300_000;

export function useCliDesk(): CliDesk {
  const desk = {} as CliDesk;
  beforeAll(async () => {
    buildOnce();
    desk.database = await createTestDatabase();
    const target = desk.database.target;
    desk.environment = {
      PATH: process.env.PATH,
      LOG_LEVEL: "silent",
      ...(target.kind === "postgres"
        ? { DATABASE_URL: target.url }
        : { TEND_DATA_DIR: dirname(target.file) }),
    };
    desk.tendWith = (overrides, ...args) =>
      run(process.execPath, [tendBin, ...args], {
        env: { ...desk.environment, ...overrides },
      });
    desk.tend = (...args) => desk.tendWith({}, ...args);
  }, buildTimeoutMs);
  afterAll(async () => desk.database?.drop());
  return desk;
}
