import { type Kysely, PostgresAdapter, sql } from "kysely";

// Full-text search is where the dialects truly differ. Both index one document per ticket subject
// and per comment, with its visibility, so a customer's search never matches an internal note.
// The index is append-only: subjects and comments are not edited.

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE TABLE ticket_search (
      ticket_id text NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
      visibility text NOT NULL,
      document tsvector NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX ticket_search_document ON ticket_search USING gin (document)`.execute(db);
    await sql`CREATE INDEX ticket_search_by_ticket ON ticket_search (ticket_id)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE ticket_search USING fts5(
      ticket_id UNINDEXED, visibility UNINDEXED, body,
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE ticket_search`.execute(db);
}
