import os from "node:os";
import { loadConfig } from "../src/config.js";
import { createTend, type Tend } from "../src/main.js";
import { benchCalendar } from "../src/modules/calendar/calendar.bench.js";
import type { SeededDesk } from "../src/modules/demo/seed-desk.js";
import { benchOnCall } from "../src/modules/oncall/rotation.bench.js";
import { benchClockEngine } from "../src/modules/sla/sla-clock-engine.bench.js";
import {
  type BenchDatabase,
  benchDialects,
  createPostgresBenchDatabase,
  createSqliteBenchDatabase,
} from "./bench-database.js";
import { openPostgresBigDesk, openSqliteBigDesk } from "./big-desk.js";
import { type BreachScanSettings, measureBreachScan } from "./measure-breach-scan.js";
import { type DialectSettings, measureDialect } from "./measure-dialect.js";
import { measureFrequentQuestions } from "./measure-frequent-questions.js";
import { measureInboundEmail } from "./measure-inbound-email.js";
import { measureKnowledgeSearch } from "./measure-knowledge-search.js";
import { measureMonitorJitter } from "./measure-monitor-jitter.js";
import { measurePaging } from "./measure-paging.js";
import { measureReports } from "./measure-reports.js";
import { measureStatusAvailability } from "./measure-status-availability.js";
import { measureStatusPage } from "./measure-status-page.js";
import { measureTicketLists } from "./measure-ticket-lists.js";
import { type Figure, formatCount, printFigure, printSummary, type RecordFigure } from "./report.js";
import { measureWebBundle } from "./web-bundle.js";

/**
 * `npm run bench`: prints Tend's figures next to the issue's targets; asserts nothing.
 *   BENCH_TICKETS       tickets to seed (default 100000)
 *   BENCH_CLOCKS        SLA clocks to seed for the breach scan (default 1000000)
 *   BENCH_QUICK=1       a smoke run: 10k tickets, 100k clocks, 3 s loads, fewer samples
 *   BENCH_ONLY=sla      only the SLA sections: the clock engine and the breach scan on each dialect
 *   BENCH_ONLY=email    only inbound email over SMTP on each dialect
 *   BENCH_ONLY=oncall   only on-call: the rotation maths, and paging on each dialect
 *   BENCH_ONLY=knowledge  only knowledge search on the big desk, on each dialect
 *   BENCH_ONLY=reports  only the reports (CSAT, SLA attainment, times, flow, people) for a quarter of the big desk
 *   BENCH_ONLY=big-desk-tickets  only queues, search and the ticket page on the big desk (issue 11's targets)
 *   BENCH_BIG_DESK_TICKETS  the big desk's size (default 1000000, 50000 with BENCH_QUICK); built once and cached
 *                       (see bench/big-desk.ts), with about five comments a ticket
 *   BENCH_ONLY=web      only the workspace's initial JavaScript (reads dist/web: `npm run build` first)
 *   BENCH_ONLY=frequent-questions  only the frequent-question grouping job over 50k recent tickets (10k quick)
 *   BENCH_ONLY=status   only the status page: monitor check timing; 90-day availability of 100 components and the
 *                       public page's requests/s on each dialect
 *   BENCH_POSTGRES_URL  a server to create a scratch database on (default the local one, trust auth)
 *   BENCH_DIALECTS      the databases to measure on: sqlite, postgres or both (the default), comma-separated
 *   BENCH_CHILD_NODE_ARGS  node flags for the servers the bench starts, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
 */
const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY || undefined;
const sections = [
  "sla",
  "email",
  "web",
  "oncall",
  "status",
  "frequent-questions",
  "knowledge",
  "reports",
  "big-desk-tickets",
];
if (only !== undefined && !sections.includes(only))
  throw new Error(`BENCH_ONLY must be ${sections.join(", ")} or unset`);
const postgresServerUrl = process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const dialects = benchDialects();

/** A fresh scratch database for each dialect measured, created when its turn comes. */
function scratchDatabases(): Array<() => Promise<BenchDatabase | undefined>> {
  return [
    ...(dialects.has("sqlite") ? [async () => createSqliteBenchDatabase()] : []),
    ...(dialects.has("postgres") ? [() => createPostgresBenchDatabase(postgresServerUrl)] : []),
  ];
}

async function onEachScratchDatabase(
  measure: (database: BenchDatabase) => Promise<Figure[]>,
): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const create of scratchDatabases()) figures.push(...(await measureAndDrop(await create(), measure)));
  return figures;
}

function positiveWholeNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
}

function readSettings(): DialectSettings {
  return {
    tickets: positiveWholeNumber("BENCH_TICKETS", quick ? 10_000 : 100_000),
    // 16 connections keep a two-core machine's server busy without the load generator starving it.
    load: { connections: 16, durationSeconds: quick ? 3 : 10, runs: 3, warmUpSeconds: quick ? 1 : 3 },
    warmUpSamples: quick ? 5 : 20,
    queueSamples: quick ? 50 : 200,
    searchSamples: quick ? 30 : 100,
    renderSamples: quick ? 3 : 10,
  };
}

function readBreachScanSettings(): BreachScanSettings {
  return {
    clocks: positiveWholeNumber("BENCH_CLOCKS", quick ? 100_000 : 1_000_000),
    scanSamples: quick ? 10 : 30,
    querySamples: quick ? 50 : 200,
  };
}

async function measureAndDrop(
  database: BenchDatabase | undefined,
  measure: (database: BenchDatabase) => Promise<Figure[]>,
): Promise<Figure[]> {
  if (!database) {
    console.log("\npostgres: skipped (unreachable)");
    return [];
  }
  try {
    return await measure(database);
  } finally {
    await database.drop();
  }
}

/** Runs `measure` on a fresh SQLite and a fresh PostgreSQL database, printing each figure as it comes. */
async function onEachDialect(
  label: string,
  measure: (database: BenchDatabase, record: RecordFigure) => Promise<void>,
): Promise<Figure[]> {
  const measureOne = async (database: BenchDatabase) => {
    const section = `${database.dialect} ${label}`;
    console.log(`\n== ${section}`);
    const recorded: Figure[] = [];
    await measure(database, (figure) => {
      printFigure({ section, ...figure });
      recorded.push({ section, ...figure });
    });
    return recorded;
  };
  return onEachScratchDatabase(measureOne);
}

/** Runs `measure` on the cached big desk of each dialect (building it first if need be), read-only. */
async function onEachBigDesk(
  tickets: number,
  measure: (tend: Tend, desk: SeededDesk, record: RecordFigure, database: BenchDatabase) => Promise<void>,
): Promise<Figure[]> {
  const recorded: Figure[] = [];
  const opened = [
    ...(dialects.has("sqlite") ? [() => openSqliteBigDesk(tickets)] : []),
    ...(dialects.has("postgres") ? [() => openPostgresBigDesk(postgresServerUrl, tickets)] : []),
  ];
  for (const open of opened) {
    const bigDesk = await open();
    if (!bigDesk) {
      console.log("\npostgres: skipped (unreachable)");
      continue;
    }
    const section = `${bigDesk.database.dialect} big desk`;
    console.log(
      `\n== ${section}: ${formatCount(bigDesk.desk.tickets)} tickets, ${formatCount(bigDesk.desk.comments)} comments`,
    );
    const record: RecordFigure = (figure) => {
      printFigure({ section, ...figure });
      recorded.push({ section, ...figure });
    };
    if (bigDesk.built)
      record({ name: `seed ${formatCount(tickets)} tickets`, value: bigDesk.desk.seconds, unit: "s" });
    // Reports and search are measured through the web role's app, with its pool.
    const tend = await createTend(loadConfig({ ...bigDesk.database.environment, LOG_LEVEL: "silent" }), {
      roles: ["web"],
    });
    try {
      await measure(tend, bigDesk.desk, record, bigDesk.database);
    } finally {
      await tend.stop();
    }
  }
  return recorded;
}

const settings = readSettings();
const breachScan = readBreachScanSettings();
console.log(
  `Tend bench: ${only === "sla" ? "" : `${formatCount(settings.tickets)} tickets, `}` +
    `${formatCount(breachScan.clocks)} SLA clocks; node ${process.version}; ${os.cpus().length} cores; ` +
    "latencies in ms, medians and p95 over repeated samples.",
);
const figures: Figure[] = [];

if (only === undefined) {
  const measure = (database: BenchDatabase) => measureDialect(database, settings);
  figures.push(...(await onEachScratchDatabase(measure)));

  console.log("\n== calendar");
  for (const calendarFigure of await benchCalendar()) {
    const figure = { section: "calendar", ...calendarFigure };
    printFigure(figure);
    figures.push(figure);
  }
}

if (only === undefined || only === "oncall") {
  console.log("\n== on-call");
  for (const onCallFigure of await benchOnCall()) {
    // Issue 7: who is on call at 100,000 resolutions a second or more.
    const figure: Figure = {
      section: "on-call",
      ...onCallFigure,
      target: { comparison: "at least", value: 100_000 },
    };
    printFigure(figure);
    figures.push(figure);
  }
  figures.push(
    ...(await onEachDialect("paging", (database, record) =>
      measurePaging(database, { pages: quick ? 20 : 100 }, record),
    )),
  );
}

if (only === undefined || only === "status") {
  console.log("\n== status");
  await measureMonitorJitter(
    // Two full rounds of the 30 s interval (one in a quick run), every check a sample.
    { monitors: 1_000, intervalMs: 30_000, durationMs: quick ? 31_000 : 61_000 },
    (figure) => {
      const recorded = { section: "status", ...figure };
      printFigure(recorded);
      figures.push(recorded);
    },
  );
  figures.push(
    ...(await onEachDialect("status availability", (database, record) =>
      // A quick run seeds minute rollups for the first and last 3 days only: the read touches the edges alone.
      measureStatusAvailability(
        database,
        { components: 100, minuteDays: quick ? 3 : 90, samples: quick ? 20 : 100 },
        record,
      ),
    )),
  );
  figures.push(
    ...(await onEachDialect("status page", (database, record) =>
      measureStatusPage(
        database,
        { load: { connections: 32, durationSeconds: quick ? 3 : 10, runs: 3, warmUpSeconds: quick ? 1 : 2 } },
        record,
      ),
    )),
  );
}

if (only === undefined || only === "web") {
  console.log("\n== web");
  const bundle = measureWebBundle();
  printFigure(bundle);
  figures.push(bundle);
}

if (only === undefined || only === "email") {
  figures.push(
    ...(await onEachDialect("email", (database, record) =>
      measureInboundEmail(database, { messagesPerSender: quick ? 250 : 1000 }, record),
    )),
  );
}

if (only === undefined || only === "frequent-questions") {
  figures.push(
    ...(await onEachDialect("frequent questions", (database, record) =>
      measureFrequentQuestions(database, { tickets: quick ? 10_000 : 50_000 }, record),
    )),
  );
}

if (only === undefined || only === "sla") {
  console.log("\n== sla engine");
  for (const engineFigure of await benchClockEngine()) {
    // Issue 3: recomputing all clocks of a ticket with 50 events at 20,000 tickets a second or more.
    const figure: Figure = {
      section: "sla engine",
      ...engineFigure,
      target: engineFigure.unit === "tickets/s" ? { comparison: "at least", value: 20_000 } : undefined,
    };
    printFigure(figure);
    figures.push(figure);
  }

  const measureScan = (database: BenchDatabase) => measureBreachScan(database, breachScan);
  figures.push(...(await onEachScratchDatabase(measureScan)));
}

if (only === undefined || only === "knowledge" || only === "reports" || only === "big-desk-tickets") {
  const tickets = positiveWholeNumber("BENCH_BIG_DESK_TICKETS", quick ? 50_000 : 1_000_000);
  const measures = (section: string) => only === undefined || only === section;
  figures.push(
    ...(await onEachBigDesk(tickets, async (tend, desk, record, database) => {
      if (measures("big-desk-tickets"))
        await measureTicketLists(
          tend,
          database,
          desk,
          { ...settings, ticketPageSamples: quick ? 50 : 200 },
          { queueMs: 20, searchMs: 100 },
          record,
        );
      if (measures("knowledge"))
        await measureKnowledgeSearch(tend, desk, { warmUpSamples: 2, rounds: quick ? 5 : 20 }, record);
      if (measures("reports"))
        await measureReports(tend, desk, { warmUpSamples: 1, samples: quick ? 3 : 9 }, record);
    })),
  );
}

printSummary(figures);
