import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Database, migrateToLatest, openDatabase } from "../../src/db/database.js";

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or — when
 * TEST_DATABASE_URL is set — a new PostgreSQL database on that server, dropped afterwards.
 */
export interface TestDatabase extends Database {
  /** Connection target, so a test can open a second, independent connection (another "process"). */
  target: Parameters<typeof openDatabase>[0];
  drop(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const testDialect = testDatabaseUrl ? "postgres" : "sqlite";

/** `migrate` lets a test of a migration stop before it and write the data it rewrites. */
export async function createTestDatabase(
  migrate: (db: Database["db"]) => Promise<unknown> = migrateToLatest,
): Promise<TestDatabase> {
  if (testDatabaseUrl) {
    const name = `tend_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${name}`;
    const target = { kind: "postgres" as const, url: url.toString(), poolSize: 5 };
    const database = openDatabase(target);
    await migrate(database.db);
    return {
      ...database,
      target,
      async drop() {
        await database.destroy();
        const cleanup = new pg.Client({ connectionString: testDatabaseUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await cleanup.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "tend-test-"));
  const target = { kind: "sqlite" as const, file: join(dir, "tend.sqlite") };
  const database = openDatabase(target);
  await migrate(database.db);
  return {
    ...database,
    target,
    async drop() {
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
