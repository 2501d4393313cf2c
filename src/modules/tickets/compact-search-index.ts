import { performance } from "node:perf_hooks";
import type { Db } from "../../db/database.js";
import type { Context } from "../../shared/context.js";
import { inTransaction } from "../../shared/context.js";
import { mergeSearchIndex, mergeTicketDocuments, searchIndexSegments } from "./ticket-search.js";

export const compactSearchIndexJob = "tickets.compact-search-index";

// A step holds SQLite's write lock for 20-70 ms at a million tickets; a run stops after about this
// much work, so mail and replies wait at most one step.
const pagesPerStep = 500;
const sqliteWorkPerRunMs = 250;

// PostgreSQL locks only the documents a step merges: a comment on one of its tickets waits for it,
// nothing else does. A step of 1,000 tickets is a few hundred ms; a run works longer, so a desk
// indexed before documents were merged is done in a few dozen runs, not a few thousand.
const ticketsPerStep = 1_000;
const postgresWorkPerRunMs = 20_000;
/** The `counters` row holding the number of the last ticket whose documents are merged. */
export const mergedThroughCounter = "ticket_search_merged_through";

export interface CompactionRun {
  steps: number;
  /** Nothing left to do: SQLite's index is in one segment, or PostgreSQL's documents are merged. */
  finished: boolean;
}

/**
 * Keeps the ticket search index in the shape its search reads fastest.
 *
 * SQLite: in one segment. FTS5 starts a segment per transaction and merges them only in groups of
 * the same size, so a desk's index settles in a dozen or more (17 after loading a million tickets). A
 * frequent word's search seeks in every segment once per ticket it walks: a medium-frequency word took
 * 208 ms over 17 segments and 11 ms over one. Merging them all costs about ten seconds of work at a
 * million tickets, done a quarter of a second at a time, and after that only what arrived since.
 *
 * PostgreSQL: one document per ticket and visibility (see `indexPostgresDocuments`), for tickets
 * indexed before documents were merged. A cursor in `counters` follows the ticket numbers, so each run
 * looks only at tickets it has not seen; once through the backlog, only at the newest.
 */
export async function compactSearchIndex(ctx: Context): Promise<CompactionRun> {
  return ctx.dialect === "postgres" ? mergePostgresDocuments(ctx) : mergeSqliteSegments(ctx);
}

async function mergeSqliteSegments(ctx: Context): Promise<CompactionRun> {
  const started = performance.now();
  let steps = 0;
  let segments = await searchIndexSegments(ctx.db);
  while (segments > 1 && performance.now() - started < sqliteWorkPerRunMs) {
    // Each step commits alone; between them the event loop serves whoever waits for the database.
    if (steps > 0) await new Promise((resolve) => setImmediate(resolve));
    await mergeSearchIndex(ctx.db, pagesPerStep);
    steps += 1;
    segments = await searchIndexSegments(ctx.db);
  }
  return { steps, finished: segments <= 1 };
}

async function mergePostgresDocuments(ctx: Context): Promise<CompactionRun> {
  const started = performance.now();
  let steps = 0;
  for (;;) {
    const through = await inTransaction(ctx, async (tx) => {
      await tx.db
        .insertInto("counters")
        .values({ name: mergedThroughCounter, value: 0 })
        .onConflict((conflict) => conflict.column("name").doNothing())
        .execute();
      // Locked for the step: two schedulers' runs take turns instead of merging the same tickets.
      const cursor = await tx.db
        .selectFrom("counters")
        .select("value")
        .where("name", "=", mergedThroughCounter)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const throughNumber = await mergeTicketDocuments(tx.db, cursor.value, ticketsPerStep);
      if (throughNumber !== null)
        await tx.db
          .updateTable("counters")
          .set({ value: throughNumber })
          .where("name", "=", mergedThroughCounter)
          .execute();
      return throughNumber;
    });
    if (through === null) return { steps, finished: true };
    steps += 1;
    if (performance.now() - started >= postgresWorkPerRunMs) return { steps, finished: false };
  }
}

/**
 * After a bulk load that wrote its tickets' documents merged (`tend demo --bulk`, PostgreSQL): moves the
 * cursor past them when every ticket before them was merged already, so the job does not walk a million
 * tickets it has nothing to merge in. Loaded beside tickets still indexed one document per comment, the
 * cursor stays, and the job merges those as it passes. Returns whether it moved.
 */
export async function markLoadedTicketsMerged(
  db: Db,
  loaded: { firstNumber: number; lastNumber: number },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto("counters")
      .values({ name: mergedThroughCounter, value: 0 })
      .onConflict((conflict) => conflict.column("name").doNothing())
      .execute();
    const cursor = await tx
      .selectFrom("counters")
      .select("value")
      .where("name", "=", mergedThroughCounter)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const earlier = await tx
      .selectFrom("tickets")
      .select((eb) => eb.fn.max<number | null>("number").as("number"))
      .where("number", "<", loaded.firstNumber)
      .executeTakeFirstOrThrow();
    if (earlier.number !== null && Number(earlier.number) > Number(cursor.value)) return false;
    await tx
      .updateTable("counters")
      .set({ value: loaded.lastNumber })
      .where("name", "=", mergedThroughCounter)
      .where("value", "<", loaded.lastNumber)
      .execute();
    return true;
  });
}
