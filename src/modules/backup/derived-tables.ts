import type { Context } from "../../shared/context.js";
import { automaticCommentChannel } from "../health/health-repository.js";
import { rebuildKnowledgeSearchIndex } from "../knowledge/rebuild-knowledge-search.js";
import { rollUpAllHistoryAgain } from "../reports/rollup-repository.js";
import type { Visibility } from "../tickets/ticket.js";
import { indexSearchDocuments } from "../tickets/ticket-search.js";
import { searchSourcesAfter } from "./backup-repository.js";

/**
 * Tables a backup does not carry because they are built from other tables, with how a restore
 * rebuilds them. The search index is an FTS5 table on SQLite and a tsvector on PostgreSQL: neither
 * moves to the other dialect, and both follow from subjects and comments. The reports' rollups are
 * emptied and the whole history noted stale, so the refresh job rolls it up after the restore (the
 * reports read it live until then); each of the four entries does that once, harmlessly repeated.
 */
export const derivedTables: Record<string, (ctx: Context) => Promise<void>> = {
  ticket_search: rebuildSearchIndex,
  knowledge_search: rebuildKnowledgeSearchIndex,
  report_stale_periods: rollUpReportsAgain,
  flow_hourly_counts: rollUpReportsAgain,
  stopped_duration_digests: rollUpReportsAgain,
  people_daily_cells: rollUpReportsAgain,
};

async function rollUpReportsAgain(ctx: Context): Promise<void> {
  await rollUpAllHistoryAgain(ctx.db);
}

/**
 * The documents createTicket and addComment index: each subject and each comment with its
 * visibility, except the automatic closed-hours acknowledgement, which is never indexed.
 */
async function rebuildSearchIndex(ctx: Context): Promise<void> {
  for (const source of ["tickets", "comments"] as const) {
    let afterId = "";
    for (;;) {
      const page = await searchSourcesAfter(ctx.db, source, afterId, automaticCommentChannel);
      await indexSearchDocuments(
        ctx.db,
        ctx.dialect,
        page.map((doc) => ({
          ticketId: doc.ticketId,
          visibility: doc.visibility as Visibility,
          text: doc.text,
        })),
      );
      const last = page.at(-1);
      if (!last) break;
      afterId = last.id;
    }
  }
}
