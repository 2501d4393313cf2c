import { type RawBuilder, sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import { ValidationError } from "../../errors.js";
import { type Visibility, visibilities } from "./ticket.js";

/**
 * Full-text search over subjects and comments: SQLite FTS5 or PostgreSQL tsvector, each text filed
 * with its visibility. This file is the only place the dialects differ. Both match every word the
 * user typed (AND), with English stemming on both sides. SQLite keeps a document per subject and per
 * comment; PostgreSQL one per ticket and visibility, which a new comment's words are added to, so a
 * ticket on PostgreSQL matches when its texts of one visibility hold every word between them.
 */
export interface SearchDocument {
  ticketId: string;
  visibility: Visibility;
  text: string;
}

/**
 * On SQLite a document's rowid says whose it is: the ticket's number times `documentsPerTicket`, plus
 * the document's place among the ticket's. A frequent word's search walks the tickets in the list's
 * order and asks FTS5 for a match within each ticket's rowid range, which it answers by seeking in the
 * word's document list (a high-frequency word: 1,479 ms -> a few ms at a million tickets). The next
 * place is read from FTS5's own content table, whose primary key is the rowid (16 µs).
 */
export const documentsPerTicket = 1_048_576;

/**
 * PostgreSQL adds a text's words to its ticket's document of the same visibility, or starts one. A
 * frequent word's search walks tickets newest first and reads each one's documents: one a visibility
 * instead of one a comment made that walk 1.7 times faster at a million tickets (a word in 7,110
 * tickets: 40-46 ms -> 23-28 ms). Positions are dropped (`strip`): no search ranks or matches phrases,
 * and a document half the size stays in its row. Two transactions adding to the same document at once
 * may each start one; the search reads a ticket's documents together, so that costs a little speed and
 * no result.
 *
 * Adding rewrites the document, and the GIN index takes all of its words again, so a comment costs more
 * the larger its ticket's document. Appended without a limit, a ticket's 21st to 100th comments (60
 * words each) cost 5.7 ms apiece against 0.36 ms as documents of their own, and left 34 times the
 * table; under `appendLimitBytes` they cost 0.2-0.5 ms against 0.1-0.2 ms. A document past it, or a
 * text past it, starts a new document: a long ticket has a few, a typical one (under 2.5 KB on the bench
 * desk) one.
 */
export const appendLimitBytes = 8 * 1024;

/**
 * What the compaction job merges a ticket's documents up to (`mergeTicketDocuments`): once, so size
 * costs no more than the words, but well below tsvector's 1 MB ceiling. Comments after it start a
 * document of their own, since it is past `appendLimitBytes`.
 */
export const mergedDocumentLimitBytes = 256 * 1024;

/** The texts of each ticket and visibility joined into one, as PostgreSQL files them. */
export function textsByTicketAndVisibility<
  Text extends { ticketId: string; visibility: string; text: string },
>(documents: readonly Text[]): Text[] {
  const joined = new Map<string, Text>();
  for (const doc of documents) {
    const key = `${doc.ticketId} ${doc.visibility}`;
    const earlier = joined.get(key);
    joined.set(key, earlier ? { ...earlier, text: `${earlier.text}\n${doc.text}` } : doc);
  }
  return [...joined.values()];
}

async function indexPostgresDocuments(db: DbExecutor, documents: SearchDocument[]): Promise<void> {
  for (const { ticketId, visibility, text } of textsByTicketAndVisibility(documents)) {
    const words = sql`strip(to_tsvector('english', ${text}))`;
    if (Buffer.byteLength(text) >= appendLimitBytes) {
      await sql`INSERT INTO ticket_search (ticket_id, visibility, document)
        VALUES (${ticketId}, ${visibility}, ${words})`.execute(db);
      continue;
    }
    // The size is measured unpacked (`|| ''` makes a fresh value): a stored document may be compressed.
    await sql`WITH added AS (
        UPDATE ticket_search SET document = document || ${words}
        WHERE ctid = (SELECT ctid FROM ticket_search
          WHERE ticket_id = ${ticketId} AND visibility = ${visibility}
            AND pg_column_size(document || ''::tsvector) < ${appendLimitBytes}
          LIMIT 1)
        RETURNING 1)
      INSERT INTO ticket_search (ticket_id, visibility, document)
      SELECT ${ticketId}, ${visibility}, ${words} WHERE NOT EXISTS (SELECT 1 FROM added)`.execute(db);
  }
}

export async function indexSearchDocuments(
  db: DbExecutor,
  dialect: DialectKind,
  documents: SearchDocument[],
): Promise<void> {
  if (dialect === "postgres") return indexPostgresDocuments(db, documents);
  // A ticket's millionth document would take the next ticket's first rowid: the insert fails then.
  // The factor is written into the SQL: bound, it would make the rowid a REAL.
  const perTicket = sql.lit(documentsPerTicket);
  for (const doc of documents) {
    await sql`INSERT INTO ticket_search (rowid, ticket_id, visibility, body)
      SELECT coalesce(
          (SELECT max(id) + 1 FROM ticket_search_content
            WHERE id BETWEEN t.number * ${perTicket} AND (t.number + 1) * ${perTicket} - 2),
          t.number * ${perTicket}),
        t.id, ${doc.visibility}, ${doc.text}
      FROM tickets AS t WHERE t.id = ${doc.ticketId}`.execute(db);
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
 * takes every word for rare (it then sorts all of a frequent word's tickets, 2.4 s). Either walk seeks
 * once per ticket it passes, so it wins once a word is in a few thousand documents; at a million
 * tickets, for a word in 7,000 tickets: SQLite 40 ms walking against 50 ms sorting, PostgreSQL 60
 * against 76 ms. Counting stays cheap below the limit (PostgreSQL: 4-13 ms to 3,000 documents, 55-80 ms
 * to 20,000, which had been most of a frequent word's search).
 */
export const frequentDocuments: Record<DialectKind, number> = { sqlite: 5_000, postgres: 6_000 };

// Each word is quoted so FTS5 reads it as a term, never as query syntax (NEAR, OR, column filters).
function ftsQuery(words: string[]): string {
  return words.map((word) => `"${word}"`).join(" ");
}

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
  return sql`SELECT ${columns} FROM ticket_search
    WHERE ticket_search MATCH ${ftsQuery(words)} AND visibility IN (${sql.join(visible)})`;
}

/**
 * Whether the words match more documents than `frequentDocuments` says: counted up to there, no
 * further. SQLite counts every visibility: its index alone answers, and reading each document's
 * visibility made counting a frequent word cost more than the search.
 */
export async function searchIsFrequent(
  db: DbExecutor,
  dialect: DialectKind,
  text: string,
  visible: Visibility[],
): Promise<boolean> {
  const words = searchWords(text);
  if (
    dialect === "postgres" &&
    visibilities.every((kind) => visible.includes(kind)) &&
    frequentInSample(await sampledFrequency(db, words))
  )
    return true;
  const probe =
    dialect === "postgres"
      ? matchingDocuments(dialect, words, visible, sql`1`)
      : sql`SELECT 1 FROM ticket_search WHERE ticket_search MATCH ${ftsQuery(words)}`;
  const { rows } = await sql<{ count: number | string }>`SELECT count(*) AS count
    FROM (${probe} LIMIT ${frequentDocuments[dialect]}) AS probe`.execute(db);
  return Number(rows[0]?.count ?? 0) >= frequentDocuments[dialect];
}

/**
 * What PostgreSQL's ANALYZE sampled of the search's words: its most common lexemes with the share of
 * documents holding each, and how many documents there are.
 */
export interface SampledFrequency {
  /** The search's lexemes, as `plainto_tsquery` would AND them. */
  lexemes: string[];
  commonLexemes: string[] | null;
  shares: number[] | null;
  documents: number;
}

/**
 * How far above the counting limit the sample must put a word before its count is skipped: the
 * sample is ANALYZE's 30,000 rows, and what it says is an estimate.
 */
export const sampledFrequencyMargin = 3;

/**
 * Counting builds the word's whole index bitmap before it stops at the limit, so for a frequent word
 * it costs most of the search (a word in 30,000 tickets, 37-45 ms of a million-ticket desk). A single
 * word the sample already holds frequent by a wide margin needs no count. Several words are counted:
 * each may be frequent while few documents hold them all.
 */
export function frequentInSample(sample: SampledFrequency | undefined): boolean {
  const [lexeme, ...more] = sample?.lexemes ?? [];
  if (!sample || lexeme === undefined || more.length > 0) return false;
  const index = sample.commonLexemes?.indexOf(lexeme) ?? -1;
  const share = index < 0 ? 0 : (sample.shares?.[index] ?? 0);
  return share * sample.documents >= sampledFrequencyMargin * frequentDocuments.postgres;
}

async function sampledFrequency(db: DbExecutor, words: string[]): Promise<SampledFrequency | undefined> {
  const { rows } = await sql<SampledFrequency>`SELECT
      tsvector_to_array(to_tsvector('english', ${words.join(" ")})) AS lexemes,
      stats.most_common_elems::text::text[] AS "commonLexemes",
      stats.most_common_elem_freqs AS shares,
      greatest(search.reltuples, 0) AS documents
    FROM pg_class AS search
    LEFT JOIN pg_stats AS stats ON stats.schemaname = current_schema()
      AND stats.tablename = 'ticket_search' AND stats.attname = 'document'
    WHERE search.oid = 'ticket_search'::regclass`.execute(db);
  return rows[0];
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
  const words = searchWords(text);
  const documents = matchingDocuments(dialect, words, visible, sql`ticket_id`);
  if (dialect === "postgres")
    // ARRAY(…) is computed once, before the tickets are read: the planner cannot turn it into a walk.
    return frequent
      ? sql<boolean>`tickets.id IN (${documents})`
      : sql<boolean>`tickets.id = ANY (ARRAY(${documents}))`;
  if (!frequent) return sql<boolean>`tickets.id IN (${documents})`;
  // Each walked ticket is a seek in the words' document lists, within its rowid range; the ticket_id
  // check keeps out a document whose rowid was not given by number (written before that rule). The
  // factor is written into the SQL: bound, it arrives as a REAL, and FTS5 seeks only on an INTEGER
  // rowid (bound: 5.6 s a high-frequency word, every document list read whole per ticket).
  const perTicket = sql.lit(documentsPerTicket);
  return sql<boolean>`EXISTS (SELECT 1 FROM ticket_search
    WHERE ticket_search MATCH ${ftsQuery(words)}
      AND ticket_search.rowid BETWEEN tickets.number * ${perTicket}
        AND (tickets.number + 1) * ${perTicket} - 1
      AND ticket_search.ticket_id = tickets.id AND visibility IN (${sql.join(visible)}))`;
}

/**
 * PostgreSQL: merges the documents of the `tickets` tickets numbered after `afterNumber` into one per
 * ticket and visibility, as `indexPostgresDocuments` would have filed them (a desk indexed before it
 * did, or a comment written by a process of the release before). Documents whose sum would pass
 * `mergedDocumentLimitBytes` stay apart. Returns the last number it looked at, or null past the last.
 */
export async function mergeTicketDocuments(
  db: DbExecutor,
  afterNumber: number,
  tickets: number,
): Promise<number | null> {
  const { rows } = await sql<{ through: number | null }>`WITH batch AS (
      SELECT id, number FROM tickets WHERE number > ${afterNumber} ORDER BY number LIMIT ${tickets}
    ), split AS (
      SELECT s.ticket_id, s.visibility FROM ticket_search AS s JOIN batch ON batch.id = s.ticket_id
      GROUP BY s.ticket_id, s.visibility
      HAVING count(*) > 1 AND sum(pg_column_size(s.document || ''::tsvector)) < ${mergedDocumentLimitBytes}
    ), removed AS (
      DELETE FROM ticket_search AS s USING split
      WHERE s.ticket_id = split.ticket_id AND s.visibility = split.visibility
      RETURNING s.ticket_id, s.visibility, s.document
    ), merged AS (
      INSERT INTO ticket_search (ticket_id, visibility, document)
      SELECT removed.ticket_id, removed.visibility, array_to_tsvector(array_agg(DISTINCT word.lexeme))
      FROM removed, unnest(removed.document) AS word
      GROUP BY removed.ticket_id, removed.visibility
    )
    SELECT max(number) AS through FROM batch`.execute(db);
  return rows[0]?.through ?? null;
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

/** SQLite: how many segments the search index is in (each new transaction's documents start one). */
export async function searchIndexSegments(db: DbExecutor): Promise<number> {
  const { rows } = await sql<{ segments: number }>`SELECT count(DISTINCT segid) AS segments
    FROM ticket_search_idx`.execute(db);
  return Number(rows[0]?.segments ?? 0);
}

/** SQLite: about `pages` pages of merging the index's segments toward one, whatever their level. */
export async function mergeSearchIndex(db: DbExecutor, pages: number): Promise<void> {
  await sql`INSERT INTO ticket_search (ticket_search, rank) VALUES ('merge', ${-pages})`.execute(db);
}
