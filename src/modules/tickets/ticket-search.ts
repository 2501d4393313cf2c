import { type RawBuilder, sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import { ValidationError } from "../../errors.js";
import type { Visibility } from "./ticket.js";

/**
 * Full-text search over subjects and comments: SQLite FTS5 or PostgreSQL tsvector, one document per
 * subject and per comment, each with its visibility. This file is the only place the dialects differ.
 * Both match every word the user typed (AND), with English stemming on both sides.
 */
export interface SearchDocument {
  ticketId: string;
  visibility: Visibility;
  text: string;
}

export async function indexSearchDocuments(
  db: DbExecutor,
  dialect: DialectKind,
  documents: SearchDocument[],
): Promise<void> {
  for (const doc of documents) {
    if (dialect === "postgres") {
      await sql`INSERT INTO ticket_search (ticket_id, visibility, document)
        VALUES (${doc.ticketId}, ${doc.visibility}, to_tsvector('english', ${doc.text}))`.execute(db);
    } else {
      await sql`INSERT INTO ticket_search (ticket_id, visibility, body)
        VALUES (${doc.ticketId}, ${doc.visibility}, ${doc.text})`.execute(db);
    }
  }
}

function searchWords(text: string): string[] {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) throw ValidationError.field("text", "must contain at least one word");
  return words.slice(0, 32);
}

/**
 * A search matching more documents than this is frequent. The best plan differs on either side and
 * neither database can tell without looking: with statistics PostgreSQL still guesses a rare word
 * common (it then walks every ticket newest first, 10 s at a million tickets), and SQLite, with none,
 * takes every word for rare (it then sorts all of a frequent word's tickets, 2.4 s). SQLite's walk
 * first lists every matching document, so it pays only for the most frequent words, and its count
 * reads the index alone; PostgreSQL's count reads the rows, so it stops sooner.
 */
export const frequentDocuments: Record<DialectKind, number> = { sqlite: 100_000, postgres: 20_000 };

/** The search documents the reader may see that match every word, as a FROM-WHERE for `columns`. */
function matchingDocuments(
  dialect: DialectKind,
  words: string[],
  visible: Visibility[],
  columns: RawBuilder<unknown>,
) {
  if (dialect === "postgres")
    return sql`SELECT ${columns} FROM ticket_search
      WHERE document @@ plainto_tsquery('english', ${words.join(" ")}) AND visibility IN (${sql.join(visible)})`;
  // Each word is quoted so FTS5 reads it as a term, never as query syntax (NEAR, OR, column filters).
  const match = words.map((w) => `"${w}"`).join(" ");
  return sql`SELECT ${columns} FROM ticket_search
    WHERE ticket_search MATCH ${match} AND visibility IN (${sql.join(visible)})`;
}

/** Whether the words match more documents than `frequentDocuments` says: counted up to there, no further. */
export async function searchIsFrequent(
  db: DbExecutor,
  dialect: DialectKind,
  text: string,
  visible: Visibility[],
): Promise<boolean> {
  const probe = matchingDocuments(dialect, searchWords(text), visible, sql`1`);
  const { rows } = await sql<{ count: number | string }>`SELECT count(*) AS count
    FROM (${probe} LIMIT ${frequentDocuments[dialect]}) AS probe`.execute(db);
  return Number(rows[0]?.count ?? 0) >= frequentDocuments[dialect];
}

/**
 * A condition on `tickets.id`: the ticket has a document the reader may see that matches every word.
 * A rare search reads its few matching tickets and sorts them; a frequent one walks the list's own
 * order (its index) and keeps the tickets that match, stopping at the page's end.
 */
export function ticketIdMatches(
  dialect: DialectKind,
  text: string,
  visible: Visibility[],
  frequent: boolean,
): RawBuilder<boolean> {
  const documents = matchingDocuments(dialect, searchWords(text), visible, sql`ticket_id`);
  if (dialect === "postgres")
    // ARRAY(…) is computed once, before the tickets are read: the planner cannot turn it into a walk.
    return frequent
      ? sql<boolean>`tickets.id IN (${documents})`
      : sql<boolean>`tickets.id = ANY (ARRAY(${documents}))`;
  // The unary plus keeps SQLite from looking tickets up by id, so it walks the sort's index instead.
  return frequent ? sql<boolean>`+tickets.id IN (${documents})` : sql<boolean>`tickets.id IN (${documents})`;
}

/** Drops every document of the tickets, so an erasure can index what is left of them anew. */
export async function removeSearchDocuments(db: DbExecutor, ticketIds: string[]): Promise<void> {
  for (let i = 0; i < ticketIds.length; i += 500) {
    await db
      .deleteFrom("ticket_search")
      .where("ticket_id", "in", ticketIds.slice(i, i + 500))
      .execute();
  }
}

/**
 * FTS5 deletes a document by appending a tombstone segment: the words stay in the older segments
 * until they merge. `optimize` merges every segment now, so removed words are gone from the index
 * (and, with secure_delete, from the file). PostgreSQL drops dead tsvector rows on VACUUM instead.
 */
export async function purgeRemovedSearchTerms(db: DbExecutor, dialect: DialectKind): Promise<void> {
  if (dialect === "sqlite") {
    await sql`INSERT INTO ticket_search (ticket_search) VALUES ('optimize')`.execute(db);
  }
}
