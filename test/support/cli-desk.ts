import { execFile } from "node:child_process";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

const run = promisify(execFile);

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
export function useCliDesk(): CliDesk {
  const desk = {} as CliDesk;
  beforeAll(async () => {
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
      run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
        env: { ...desk.environment, ...overrides },
      });
    desk.tend = (...args) => desk.tendWith({}, ...args);
  });
  afterAll(async () => desk.database?.drop());
  return desk;
}
