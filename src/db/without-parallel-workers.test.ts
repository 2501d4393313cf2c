import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { type DbExecutor, withoutParallelWorkers } from "./database.js";

/** On either database: PostgreSQL runs the work with no parallel workers and leaves the caller's setting. */
describe("a page query without parallel workers", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  const workers = async (db: DbExecutor) =>
    (
      await sql<{
        workers: string;
      }>`SELECT current_setting('max_parallel_workers_per_gather') AS workers`.execute(db)
    ).rows[0]?.workers;

  it("is 0 during the work, and as before once it is done", async () => {
    if (database.dialect === "sqlite")
      return expect(await withoutParallelWorkers(database.db, "sqlite", async () => 7)).toBe(7);
    const before = await workers(database.db);
    expect(before).not.toBe("0");
    expect(await withoutParallelWorkers(database.db, "postgres", workers)).toBe("0");
    expect(await workers(database.db)).toBe(before);
    await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL max_parallel_workers_per_gather = 1`.execute(trx);
      expect(await withoutParallelWorkers(trx, "postgres", workers)).toBe("0");
      expect(await workers(trx)).toBe("1");
    });
  });
});
