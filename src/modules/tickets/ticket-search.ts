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

/** A condition on `tickets.id`: the ticket has a document the reader may see that matches every word. */
export function ticketIdMatches(
  dialect: DialectKind,
  text: string,
  visible: Visibility[],
): RawBuilder<boolean> {
  const words = searchWords(text);
  if (dialect === "postgres") {
    return sql<boolean>`tickets.id IN (SELECT ticket_id FROM ticket_search
      WHERE document @@ plainto_tsquery('english', ${words.join(" ")})
      AND visibility IN (${sql.join(visible)}))`;
  }
  // Each word is quoted so FTS5 reads it as a term, never as query syntax (NEAR, OR, column filters).
  const match = words.map((w) => `"${w}"`).join(" ");
  return sql<boolean>`tickets.id IN (SELECT ticket_id FROM ticket_search
    WHERE ticket_search MATCH ${match} AND visibility IN (${sql.join(visible)}))`;
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
