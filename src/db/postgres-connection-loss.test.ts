import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDialect } from "../../test/support/test-database.js";
import { type Database, openDatabase } from "./database.js";

// A PostgreSQL restart or failover ends every connection, including one lent to a transaction between
// two of its statements: that must fail the transaction, not end the process.
describe.skipIf(testDialect !== "postgres")("a PostgreSQL connection ended by the server", () => {
  let database: TestDatabase;
  let tend: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    // A second pool on the same database: Tend's, whose connection the test's own pool ends.
    tend = openDatabase(database.target);
  });
  afterAll(async () => {
    await tend.destroy();
    await database.drop();
  });

  it("fails the transaction that held it, keeps the process alive, and the pool connects anew", async () => {
    const transaction = tend.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(database.db);
      // The server's FATAL arrives while no statement of this transaction is running.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 1`.execute(trx);
    });
    await expect(transaction).rejects.toThrow();
    const { rows } = await sql<{ answer: number }>`select 42 as answer`.execute(tend.db);
    expect(rows).toEqual([{ answer: 42 }]);
  });
});
