import { type Kysely, PostgresAdapter, sql } from "kysely";

// PostgreSQL estimates "unassigned and New" as the product of the two columns' selectivities, but
// the two go together (a New ticket is mostly unassigned): at a million tickets it expected 118 rows
// where 9,600 matched, sorted them all instead of walking the queue's index, and the Unassigned
// queue took 30-150 ms. Statistics on the pair give the real count: 2.7 ms. The analyze samples a
// few thousand rows and does not block reads or writes. SQLite plans without statistics.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`CREATE STATISTICS IF NOT EXISTS tickets_assignee_status (mcv) ON assignee_id, status FROM tickets`.execute(
    db,
  );
  await sql`ANALYZE tickets`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`DROP STATISTICS IF EXISTS tickets_assignee_status`.execute(db);
}
