import { CompiledQuery, Kysely, sql } from "kysely";
import { type Db, type DbExecutor, migrateToLatest, openDatabase } from "../src/db/database.js";
import type { Tables } from "../src/db/tables.js";
import { clocksToWarn, ticketsWithClocksDue } from "../src/modules/sla/sla-clock-repository.js";
import { DAY } from "../src/shared/clock.js";
import type { BenchDatabase } from "./bench-database.js";
import { dialectFor } from "./explain-ticket-lists.js";
import { type Figure, formatCount, formatNumber, printFigure, type RecordFigure } from "./report.js";
import { seedSlaClocks } from "./seed-sla-clocks.js";
import { median, percentile } from "./stats.js";

export interface BreachScanSettings {
  clocks: number;
  /** Full scans timed, each paging through every overdue clock. */
  scanSamples: number;
  /** Single queries timed, of each kind. */
  querySamples: number;
}

// The scanner's batch (sla-scan.ts): it asks for 200 due clocks at a time.
const pageSize = 200;
const breachScanTargetMs = 1_000;

/**
 * Issue 3's breach-scan target on a database of its own: seeds `settings.clocks` SLA clocks, shows the
 * plans of the scan queries, then times one full breach scan (every overdue clock, 200 at a time),
 * a single batch of `ticketsWithClocksDue`, and a batch of `clocksToWarn`.
 */
export async function measureBreachScan(
  database: BenchDatabase,
  settings: BreachScanSettings,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  const record: RecordFigure = (figure) => {
    const complete = { section: `${database.dialect} sla`, ...figure };
    printFigure(complete);
    figures.push(complete);
  };
  console.log(`\n== ${database.dialect} sla clocks`);

  const { db, dialect, destroy } = openDatabase(database.target);
  try {
    await migrateToLatest(db);
    const seeded = await seedSlaClocks(db, dialect, { clocks: settings.clocks });
    record({
      name: `seed ${formatCount(seeded.clocks)} sla clocks`,
      value: seeded.seconds,
      unit: "s",
      detail:
        `${formatCount(seeded.tickets)} tickets; running clocks overdue ${formatCount(seeded.overdue)}, ` +
        `to warn ${formatCount(seeded.toWarn)}, past warning and warned ${formatCount(seeded.alreadyWarned)}`,
    });
    if (dialect === "postgres") {
      // As measure-dialect: statistics autovacuum would gather within a minute of the load.
      await sql`ANALYZE`.execute(db);
    }
    const now = seeded.now;
    for (const plan of await explainScanQueries(database, now)) {
      console.log(`  plan, ${plan.name}:\n    ${plan.steps.join("\n    ")}`);
    }

    // Warm-up: the first pass reads the index and rows from disk into the cache.
    await scanOverdueClocks(db, now);
    const scans: number[] = [];
    let found = { clocks: 0, tickets: 0, queries: 0 };
    for (let n = 0; n < settings.scanSamples; n += 1) {
      const started = performance.now();
      found = await scanOverdueClocks(db, now);
      scans.push(performance.now() - started);
    }
    record({
      name: `breach scan over ${formatCount(seeded.clocks)} clocks`,
      value: median(scans),
      unit: "ms",
      target: { comparison: "at most", value: breachScanTargetMs },
      detail:
        `p95 ${formatNumber(percentile(scans, 95))} ms; ${formatCount(found.clocks)} overdue clocks on ` +
        `${formatCount(found.tickets)} tickets in ${found.queries} queries of ${pageSize}; ${scans.length} scans`,
    });

    const batch = await timeQuery(settings.querySamples, () => ticketsWithClocksDue(db, now, pageSize));
    record({
      name: `ticketsWithClocksDue, batch of ${pageSize}`,
      value: batch.medianMs,
      unit: "ms",
      detail: `p95 ${formatNumber(batch.p95Ms)} ms; ${batch.rows} tickets; ${settings.querySamples} samples`,
    });
    const warnings = await timeQuery(settings.querySamples, () => clocksToWarn(db, now, pageSize));
    record({
      name: `clocksToWarn, batch of ${pageSize}`,
      value: warnings.medianMs,
      unit: "ms",
      detail:
        `p95 ${formatNumber(warnings.p95Ms)} ms; ${warnings.rows} clocks, read past ` +
        `${formatCount(seeded.alreadyWarned)} warned ones; ${settings.querySamples} samples`,
    });
  } finally {
    await destroy();
  }
  return figures;
}

/**
 * What the scanner's loop reads when every overdue ticket takes its turn. The real loop pages by
 * recomputing: a breached clock leaves the range, so each batch is again the front of it. The bench
 * must not write, so it starts each batch at the last due time read instead: the same index range and
 * order as `ticketsWithClocksDue`, with the clocks already read at that instant skipped.
 */
async function scanOverdueClocks(
  db: DbExecutor,
  now: string,
): Promise<{ clocks: number; tickets: number; queries: number }> {
  const tickets = new Set<string>();
  let clocks = 0;
  let queries = 0;
  let from: { dueAt: string; readIds: Set<string> } | undefined;
  for (;;) {
    const page = await overdueClocksPage(db, now, from?.dueAt);
    queries += 1;
    const fresh = page.filter((row) => !(row.due_at === from?.dueAt && from.readIds.has(row.id)));
    clocks += fresh.length;
    for (const row of fresh) tickets.add(row.ticket_id);
    const lastDueAt = page.at(-1)?.due_at;
    if (page.length < pageSize || !lastDueAt) return { clocks, tickets: tickets.size, queries };
    if (fresh.length === 0) throw new Error(`more than ${pageSize} running clocks are due at ${lastDueAt}`);
    const readIds = lastDueAt === from?.dueAt ? from.readIds : new Set<string>();
    for (const row of fresh) if (row.due_at === lastDueAt) readIds.add(row.id);
    from = { dueAt: lastDueAt, readIds };
  }
}

function overdueClocksPage(db: DbExecutor, now: string, fromDueAt?: string) {
  return db
    .selectFrom("sla_clocks")
    .select(["id", "ticket_id", "due_at"])
    .where("state", "=", "running")
    .where("due_at", "<=", now)
    .$if(fromDueAt !== undefined, (query) => query.where("due_at", ">=", fromDueAt ?? ""))
    .orderBy("due_at")
    .limit(pageSize)
    .execute();
}

async function timeQuery(
  samples: number,
  query: () => Promise<readonly unknown[]>,
): Promise<{ medianMs: number; p95Ms: number; rows: number }> {
  let rows = (await query()).length;
  const latencies: number[] = [];
  for (let n = 0; n < samples; n += 1) {
    const started = performance.now();
    rows = (await query()).length;
    latencies.push(performance.now() - started);
  }
  return { medianMs: median(latencies), p95Ms: percentile(latencies, 95), rows };
}

/**
 * The plans of the SQL the scans really send, recorded from a second connection and run again under
 * EXPLAIN: each should be a range on sla_clocks_by_state_due or sla_clocks_by_state_warn, not a scan.
 */
async function explainScanQueries(
  database: BenchDatabase,
  now: string,
): Promise<{ name: string; steps: string[] }[]> {
  let recorded: CompiledQuery | undefined;
  const db: Db = new Kysely<Tables>({
    dialect: dialectFor(database.target),
    log: (event) => {
      recorded = event.query;
    },
  });
  const explain = database.dialect === "postgres" ? "EXPLAIN (COSTS OFF)" : "EXPLAIN QUERY PLAN";
  const queries: { name: string; run: () => Promise<unknown> }[] = [
    { name: "breach scan (ticketsWithClocksDue)", run: () => ticketsWithClocksDue(db, now, pageSize) },
    {
      name: "breach scan, next page",
      run: () => overdueClocksPage(db, now, new Date(Date.parse(now) - DAY).toISOString()),
    },
    { name: "warning scan (clocksToWarn)", run: () => clocksToWarn(db, now, pageSize) },
  ];
  try {
    const plans: { name: string; steps: string[] }[] = [];
    for (const query of queries) {
      await query.run();
      if (!recorded) throw new Error(`the ${query.name} query was not recorded`);
      const { rows } = await db.executeQuery<Record<string, string>>(
        CompiledQuery.raw(`${explain} ${recorded.sql}`, [...recorded.parameters]),
      );
      plans.push({
        name: query.name,
        steps: rows.map((row) => String(row["QUERY PLAN"] ?? row.detail ?? "")),
      });
    }
    return plans;
  } finally {
    await db.destroy();
  }
}
