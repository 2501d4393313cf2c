import os from "node:os";
import { benchCalendar } from "../src/modules/calendar/calendar.bench.js";
import {
  type BenchDatabase,
  createPostgresBenchDatabase,
  createSqliteBenchDatabase,
} from "./bench-database.js";
import { type DialectSettings, measureDialect } from "./measure-dialect.js";
import { type Figure, printFigure, printSummary } from "./report.js";

/**
 * `npm run bench`: prints Tend's figures next to the targets; asserts nothing.
 *   BENCH_TICKETS       tickets to seed (default 100000)
 *   BENCH_QUICK=1       a smoke run: 10k tickets, 3 s loads, fewer samples
 *   BENCH_POSTGRES_URL  a server to create a scratch database on (default the local one, trust auth)
 */
function readSettings(): DialectSettings {
  const quick = process.env.BENCH_QUICK === "1";
  const tickets = Number(process.env.BENCH_TICKETS || (quick ? 10_000 : 100_000));
  if (!Number.isInteger(tickets) || tickets < 1) {
    throw new Error("BENCH_TICKETS must be a positive whole number");
  }
  return {
    tickets,
    // 16 connections keep a two-core machine's server busy without the load generator starving it.
    load: { connections: 16, durationSeconds: quick ? 3 : 10, runs: 3, warmUpSeconds: quick ? 1 : 3 },
    warmUpSamples: quick ? 5 : 20,
    queueSamples: quick ? 50 : 200,
    searchSamples: quick ? 30 : 100,
  };
}

async function measureAndDrop(database: BenchDatabase, settings: DialectSettings): Promise<Figure[]> {
  try {
    return await measureDialect(database, settings);
  } finally {
    await database.drop();
  }
}

const settings = readSettings();
console.log(
  `Tend bench: ${settings.tickets} tickets; node ${process.version}; ${os.cpus().length} cores; ` +
    "latencies in ms, medians and p95 over repeated samples.",
);
const figures: Figure[] = [];
figures.push(...(await measureAndDrop(createSqliteBenchDatabase(), settings)));

const postgres = await createPostgresBenchDatabase(
  process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres",
);
if (postgres) figures.push(...(await measureAndDrop(postgres, settings)));
else console.log("\npostgres: skipped (unreachable)");

console.log("\n== calendar");
for (const calendarFigure of await benchCalendar()) {
  const figure = { section: "calendar", ...calendarFigure };
  printFigure(figure);
  figures.push(figure);
}

printSummary(figures);
