import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testDialect } from "../../test/support/test-database.js";
import { openDatabase } from "./database.js";
import { mayPrepare, prepareStatementsOn } from "./prepared-statements.js";

describe("which statements may be prepared", () => {
  it("leaves out a star's columns and text matching", () => {
    expect(mayPrepare('select "id", "number" from "tickets" where "id" = $1')).toBe(true);
    expect(mayPrepare('select count(*) as "count" from "raw_emails" where "status" = $1')).toBe(true);
    expect(mayPrepare('select * from "people" where "email" = $1')).toBe(false);
    expect(mayPrepare('select "f".*, "p"."name" from "ticket_followers" as "f"')).toBe(false);
    expect(mayPrepare('insert into "jobs" ("id") values ($1) returning *')).toBe(false);
    expect(mayPrepare('select "t",*')).toBe(false);
    expect(mayPrepare('select "id" from "ticket_search" where "document" @@ to_tsquery($1)')).toBe(false);
    expect(mayPrepare('select "id" from "people" where "email" ilike $1')).toBe(false);
    expect(mayPrepare('select "id" from "people" where "name" LIKE $1')).toBe(false);
    expect(mayPrepare('select "liked_at" from "kb_votes" where "id" = $1')).toBe(true);
  });
});

describe.skipIf(testDialect !== "postgres")("named prepared statements on PostgreSQL", () => {
  let database: TestDatabase;
  let prepared: ReturnType<typeof openDatabase>;
  beforeAll(async () => {
    database = await createTestDatabase();
    if (database.target.kind !== "postgres") throw new Error("PostgreSQL only");
    // One connection, so every statement below runs in the session whose statements are listed.
    prepared = openDatabase({ ...database.target, poolSize: 1, preparedStatements: true });
  });
  afterAll(async () => {
    await prepared?.destroy();
    await database?.drop();
  });

  const preparedHere = async () =>
    (
      await sql<{
        statement: string;
      }>`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`.execute(prepared.db)
    ).rows.map((row) => row.statement);

  it("prepares a statement once per connection and runs it with each call's values", async () => {
    const numbers = [];
    for (const email of ["a@example.com", "b@example.com", "a@example.com"])
      numbers.push(
        await prepared.db.selectFrom("people").select(["id", "email"]).where("email", "=", email).execute(),
      );
    expect(numbers.map((rows) => rows.length)).toEqual([0, 0, 0]);
    const statements = await preparedHere();
    expect(statements.filter((text) => text.includes('from "people" where "email"'))).toHaveLength(1);
  });

  it("does not prepare a star, so a column added while it runs is read at once", async () => {
    const starRows = () =>
      prepared.db.selectFrom("organizations").selectAll().where("name", "=", "Acme").execute();
    const named = () =>
      prepared.db.selectFrom("organizations").select(["id", "name"]).where("name", "=", "Acme").execute();
    await database.db.insertInto("organizations").values(organization("Acme")).execute();
    for (let run = 0; run < 6; run += 1) {
      await starRows();
      await named();
    }
    // Another release's migration, while this process runs.
    await sql`ALTER TABLE organizations ADD COLUMN upgrade_check text DEFAULT 'added'`.execute(database.db);
    const [afterUpgrade] = (await starRows()) as Array<Record<string, unknown>>;
    expect(afterUpgrade?.upgrade_check).toBe("added");
    expect(await named()).toHaveLength(1);
    expect((await preparedHere()).some((text) => text.includes("select *"))).toBe(false);
  });

  it("keeps at most so many statements a connection, deallocating the least recently used", async () => {
    if (database.target.kind !== "postgres") return;
    const client = new pg.Client({ connectionString: database.target.url });
    await client.connect();
    try {
      prepareStatementsOn(client as unknown as pg.PoolClient, 3);
      const texts = [1, 2, 3, 4, 5].map((n) => `SELECT $1::int + ${n} AS sum`);
      for (const text of texts) await client.query(text, [1]);
      // The first is used again: it is prepared anew, and the oldest of the rest gives way.
      const { rows } = await client.query(texts[0] ?? "", [10]);
      expect(rows).toEqual([{ sum: 11 }]);
      const statements = await client.query<{ statement: string }>(
        "SELECT statement FROM pg_prepared_statements ORDER BY statement",
      );
      expect(statements.rows.map((row) => row.statement)).toEqual([texts[0], texts[3], texts[4]]);
    } finally {
      await client.end();
    }
  });
});

function organization(name: string) {
  const now = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    name,
    plan: "cloud",
    stage: "customer",
    notes: "",
    created_at: now,
    updated_at: now,
    customer_ticket_visibility: "organization",
  };
}
