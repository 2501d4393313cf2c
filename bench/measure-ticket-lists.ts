import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import { buildApp } from "../src/http/build-app.js";
import type { Tend } from "../src/main.js";
import type { SeededDesk } from "../src/modules/demo/seed-desk.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { compactSearchIndex } from "../src/modules/tickets/compact-search-index.js";
import type { TicketListQuery } from "../src/modules/tickets/ticket-repository.js";
import type { BenchDatabase } from "./bench-database.js";
import { explainTicketLists } from "./explain-ticket-lists.js";
import { measureTicketPage } from "./measure-ticket-page.js";
import { formatCount, formatNumber, type RecordFigure } from "./report.js";
import { measureTicketListLatency } from "./ticket-list-latency.js";

export interface ListSampling {
  warmUpSamples: number;
  queueSamples: number;
  searchSamples: number;
  /** Tickets opened for the ticket page's figures; absent, the page is not measured. */
  ticketPageSamples?: number;
}

/** p95 targets: issue 2's on the 100k desk (10 ms a queue, 50 ms a search), issue 11's on the million (20, 100). */
export interface ListTargets {
  queueMs: number;
  searchMs: number;
}

/** Queue and search latency through the HTTP layer in-process, and the plans behind them. */
export async function measureTicketLists(
  tend: Tend,
  database: BenchDatabase,
  desk: SeededDesk,
  sampling: ListSampling,
  targets: ListTargets,
  record: RecordFigure,
): Promise<void> {
  const queueTarget = { comparison: "at most", value: targets.queueMs } as const;
  const searchTarget = { comparison: "at most", value: targets.searchMs } as const;
  const app = await buildApp({
    database: tend.database,
    logger: tend.logger,
    clock: tend.clock,
    publicUrl: tend.config.publicUrl,
    bodyLimitBytes: tend.config.bodyLimitBytes,
  });
  try {
    // Read as the agent with the most unsolved tickets, so "assigned to me" is the heaviest it gets.
    const { token } = await issueApiToken(tend.context(), desk.busiestAgentId, { name: "bench queues" });
    const authorization = `Bearer ${token}`;
    const list = "/api/v1/tickets?sort=-updatedAt&limit=50";

    const queues = [
      { name: "queue: Tier 1, open", url: `${list}&status=open&groupId=${desk.tier1GroupId}` },
      { name: "queue: assigned to me, unsolved", url: `${list}&assignee=me&status=new,open,pending` },
      { name: "queue: unassigned, new", url: `${list}&assignee=none&status=new` },
      { name: "queue: one organization, all", url: `${list}&organizationId=${desk.busiestOrganizationId}` },
    ];
    const queueSampling = { warmUpSamples: sampling.warmUpSamples, samples: sampling.queueSamples };
    for (const result of await measureTicketListLatency(app, authorization, queues, queueSampling)) {
      record({
        name: `${result.shape.name} p95`,
        value: result.p95Ms,
        unit: "ms",
        target: queueTarget,
        detail: `p50 ${formatNumber(result.p50Ms)} ms, ${result.rows} rows, ${result.samples} samples`,
      });
    }

    {
      // Searched as the compaction job leaves the index: SQLite's in one segment however it was
      // loaded, PostgreSQL's documents one per ticket and visibility however they were indexed.
      const started = performance.now();
      let steps = 0;
      for (;;) {
        const run = await compactSearchIndex(tend.context());
        steps += run.steps;
        if (run.finished) break;
      }
      // What autovacuum does after the merge on a server that runs it (this machine's does not).
      if (database.dialect === "postgres" && steps > 0)
        await sql`VACUUM ANALYZE ticket_search`.execute(tend.database.db);
      if (steps > 0)
        record({
          name:
            database.dialect === "sqlite"
              ? "search index merged into one segment"
              : "search documents merged",
          value: (performance.now() - started) / 1000,
          unit: "s",
          detail: `${steps} steps of the tickets.compact-search-index job`,
        });
    }
    const words = searchWords(desk);
    const searches = words.map((word) => ({
      ...word,
      name: `search: ${word.label}`,
      url: `${list}&text=${encodeURIComponent(word.text)}`,
    }));
    const searchSampling = { warmUpSamples: sampling.warmUpSamples, samples: sampling.searchSamples };
    for (const result of await measureTicketListLatency(app, authorization, searches, searchSampling)) {
      record({
        name: `${result.shape.name} p95`,
        value: result.p95Ms,
        unit: "ms",
        target: searchTarget,
        detail:
          `p50 ${formatNumber(result.p50Ms)} ms, "${result.shape.text}" in ${result.shape.tickets} tickets, ` +
          `${result.rows} rows, ${result.samples} samples`,
      });
    }

    const page = { sort: "updatedAt", descending: true, limit: 51 } as const;
    const plans = await explainTicketLists(database.target, [
      { name: "queue: Tier 1, open", query: { ...page, statuses: ["open"], groupId: desk.tier1GroupId } },
      ...words.map(({ label, text }) => ({
        name: `search: ${label}`,
        query: { ...page, text: { query: text, visible: ["public", "internal"] } } satisfies TicketListQuery,
      })),
    ]);
    for (const plan of plans) console.log(`  plan, ${plan.name}: ${plan.summary}`);

    if (sampling.ticketPageSamples)
      await measureTicketPage(
        tend,
        app,
        authorization,
        { warmUpSamples: sampling.warmUpSamples, samples: sampling.ticketPageSamples },
        record,
      );
  } finally {
    await app.close();
  }
}

/**
 * Search words picked by how many tickets mention them, from a reference pasted into one ticket to a
 * word in nearly half: what a search costs depends on how many matches it reads before sorting.
 */
function searchWords(desk: SeededDesk): { label: string; text: string; tickets: string }[] {
  const candidates = [...desk.ticketsMentioning].filter(([word]) => /^[a-z]+$/.test(word));
  const closestTo = (share: number) => {
    const wanted = Math.max(1, share * desk.tickets);
    const distance = (count: number) => Math.abs(Math.log(count / wanted));
    const [text = "", tickets = 0] = candidates.reduce((best, entry) =>
      distance(entry[1]) < distance(best[1]) ? entry : best,
    );
    return { text, tickets: formatCount(tickets) };
  };
  const [reference = "", referenceTickets = 0] =
    [...desk.ticketsMentioning].find(([word]) => /^ref\d+$/.test(word)) ?? [];
  const high = closestTo(0.4);
  const medium = closestTo(0.03);
  return [
    { label: "a reference (rare)", text: reference, tickets: formatCount(referenceTickets) },
    { label: "low-frequency word", ...closestTo(0.002) },
    { label: "medium-frequency word", ...medium },
    { label: "high-frequency word", ...high },
    // The seed counts single words only; a ticket mentioning both is somewhere below the rarer one.
    {
      label: "two words (high AND medium)",
      text: `${high.text} ${medium.text}`,
      tickets: `< ${medium.tickets}`,
    },
  ];
}
