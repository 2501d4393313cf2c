import { performance } from "node:perf_hooks";
import type { Context } from "../../shared/context.js";
import { mergeSearchIndex, searchIndexSegments } from "./ticket-search.js";

export const compactSearchIndexJob = "tickets.compact-search-index";

// A step holds SQLite's write lock for 20-70 ms at a million tickets; a run stops after about this
// much work, so mail and replies wait at most one step.
const pagesPerStep = 500;
const workPerRunMs = 250;

/**
 * Keeps SQLite's ticket search index in one segment. FTS5 starts a segment per transaction and merges
 * them only in groups of the same size, so a desk's index settles in a dozen or more (17 after loading
 * a million tickets). A frequent word's search seeks in every segment once per ticket it walks: a
 * medium-frequency word took 208 ms over 17 segments and 11 ms over one. Merging them all costs about
 * ten seconds of work at a million tickets, done a quarter of a second at a time, and after that only
 * what arrived since. PostgreSQL's index needs no such care (autovacuum keeps its GIN lists).
 */
export async function compactSearchIndex(ctx: Context): Promise<{ steps: number; segments: number }> {
  if (ctx.dialect !== "sqlite") return { steps: 0, segments: 0 };
  const started = performance.now();
  let steps = 0;
  let segments = await searchIndexSegments(ctx.db);
  while (segments > 1 && performance.now() - started < workPerRunMs) {
    // Each step commits alone; between them the event loop serves whoever waits for the database.
    if (steps > 0) await new Promise((resolve) => setImmediate(resolve));
    await mergeSearchIndex(ctx.db, pagesPerStep);
    steps += 1;
    segments = await searchIndexSegments(ctx.db);
  }
  return { steps, segments };
}
