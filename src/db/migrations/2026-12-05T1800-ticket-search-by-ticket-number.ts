import { type Kysely, PostgresAdapter, sql } from "kysely";

// SQLite only: each search document's rowid becomes its ticket's number times 1,048,576 plus its place
// among the ticket's documents (`tickets/ticket-search.ts`, `documentsPerTicket`), so a frequent
// word's search can ask FTS5 for matches within one ticket's range. FTS5 cannot renumber rows in
// place: the index is built anew beside the old one and takes its name (at a million tickets, minutes).
// Processes of the release before keep working on it: they read documents by ticket_id, and their
// new documents get a rowid FTS5 picks, which the frequent search's ticket_id check keeps apart.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`CREATE VIRTUAL TABLE ticket_search_by_number USING fts5(
    ticket_id UNINDEXED, visibility UNINDEXED, body,
    tokenize = 'porter unicode61 remove_diacritics 2'
  )`.execute(db);
  await sql`INSERT INTO ticket_search_by_number (rowid, ticket_id, visibility, body)
    SELECT t.number * 1048576 + row_number() OVER (PARTITION BY s.ticket_id ORDER BY s.rowid) - 1,
      s.ticket_id, s.visibility, s.body
    FROM ticket_search AS s JOIN tickets AS t ON t.id = s.ticket_id`.execute(db);
  await sql`DROP TABLE ticket_search`.execute(db);
  await sql`ALTER TABLE ticket_search_by_number RENAME TO ticket_search`.execute(db);
}

// The numbered rowids are still rowids: the release before needs nothing back.
export async function down(): Promise<void> {}
