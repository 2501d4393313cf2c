import { type Kysely, PostgresAdapter, sql } from "kysely";

// On PostgreSQL ticket numbers come from a sequence. The `counters` row they came from is locked
// from the number's allocation until the ticket's transaction commits, so every ticket being
// created waited for the one before it: with several workers taking inbound mail, that lock was
// the whole queue. A sequence hands out numbers without a lock held to commit (a rolled-back
// ticket leaves a gap, which a ticket number may have). SQLite has one writer anyway and keeps
// the counter row. The sequence is owned by `tickets.number`, so dropping the table drops it.

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`CREATE SEQUENCE ticket_number_seq OWNED BY tickets.number`.execute(db);
  await sql`SELECT setval('ticket_number_seq', value) FROM counters WHERE name = 'ticket_number'`.execute(db);
}
