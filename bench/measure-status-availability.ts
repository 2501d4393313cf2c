import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pino from "pino";
import { type Db, type DialectKind, migrateToLatest, openDatabase } from "../src/db/database.js";
import type { StatusRollupsTable } from "../src/db/tables.js";
import { DAY_MS } from "../src/modules/calendar/zoned-time.js";
import { insertByColumns, insertInBatches } from "../src/modules/demo/insert-in-batches.js";
import { seededRandom } from "../src/modules/demo/random.js";
import { systemActor } from "../src/modules/identity/actor.js";
import { rollingWindow, rollingWindows } from "../src/modules/status/availability.js";
import { readComponentAvailability } from "../src/modules/status/read-availability.js";
import { readAvailabilityByComponent } from "../src/modules/status/read-components-availability.js";
import { ManualClock, MINUTE } from "../src/shared/clock.js";
import type { Context } from "../src/shared/context.js";
import type { BenchDatabase } from "./bench-database.js";
import { formatCount, formatNumber, type RecordFigure } from "./report.js";
import { insertPushMonitoredComponents } from "./seed-status-components.js";
import { median, percentile } from "./stats.js";

export interface StatusAvailabilitySettings {
  components: number;
  /**
   * Days of minute rollups kept at each end of the 90 days (90: all of them, as the store holds them); a
   * quick run seeds fewer, enough for the window's edges, the only minutes a read touches.
   */
  minuteDays: number;
  samples: number;
}

// Issue 8: availability over 90 days for 100 components from rollups in 50 ms or less.
const availabilityTargetMs = 50;
const days = 90;

type RollupRow = StatusRollupsTable;

/**
 * One monitor's history, minute by minute: up, except a few outages (5 minutes to 2 hours, down) and
 * the odd minute only half observed (a late check). Day rollups are the sums of the minutes, as the store
 * keeps them; minutes are kept only for the last `minuteDays`.
 */
function monitorHistory(
  monitorId: string,
  start: number,
  minuteDays: number,
  seed: number,
): { minutes: RollupRow[]; days: RollupRow[] } {
  const random = seededRandom(seed);
  const outages = Array.from({ length: random.int(1, 4) }, () => {
    const at = start + random.int(0, days * 1440 - 120) * MINUTE;
    return { start: at, end: at + random.int(5, 120) * MINUTE };
  });
  const minutes: RollupRow[] = [];
  const dayRows: RollupRow[] = [];
  const keepMinutes = (at: number) =>
    at < start + minuteDays * DAY_MS || at >= start + (days - minuteDays) * DAY_MS;
  for (let day = 0; day < days; day += 1) {
    const dayStart = start + day * DAY_MS;
    let observed = 0;
    let good = 0;
    for (let at = dayStart; at < dayStart + DAY_MS; at += MINUTE) {
      const observedMs = random.chance(0.001) ? 30_000 : MINUTE;
      const down = outages.some((outage) => at >= outage.start && at < outage.end);
      const goodMs = down ? 0 : observedMs;
      observed += observedMs;
      good += goodMs;
      if (keepMinutes(at))
        minutes.push({ monitor_id: monitorId, at, observed_ms: observedMs, good_ms: goodMs });
    }
    dayRows.push({ monitor_id: monitorId, at: dayStart, observed_ms: observed, good_ms: good });
  }
  return { minutes, days: dayRows };
}

async function insertRollups(
  db: Db,
  dialect: DialectKind,
  table: "status_minute_rollups" | "status_day_rollups",
  rows: RollupRow[],
) {
  if (dialect === "postgres") return insertByColumns(db, table, rows);
  await insertInBatches(rows, (batch) => db.insertInto(table).values(batch).execute());
}

async function seedStatus(
  db: Db,
  dialect: DialectKind,
  settings: StatusAvailabilitySettings,
  now: number,
): Promise<{ componentIds: string[]; minuteRows: number; dayRows: number; seconds: number }> {
  const started = performance.now();
  const createdAt = new Date(now).toISOString();
  const componentIds = Array.from({ length: settings.components }, (_, n) => `bench-component-${n}`);
  await insertPushMonitoredComponents(
    db,
    componentIds.map((id, n) => ({
      id,
      groupName: `Group ${n % 5}`,
      name: `Component ${n}`,
      description: "",
      monitorId: `bench-monitor-${n}`,
    })),
    now,
    createdAt,
  );
  // Whole UTC days before today, then today's minutes so far: what the store holds at `now`.
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const start = today - days * DAY_MS;
  let minuteRows = 0;
  let dayRows = 0;
  for (const [n] of componentIds.entries()) {
    const history = monitorHistory(`bench-monitor-${n}`, start, settings.minuteDays, n + 1);
    const todaysMinutes: RollupRow[] = [];
    for (let at = today; at < now - 20_000 - MINUTE; at += MINUTE)
      todaysMinutes.push({ monitor_id: `bench-monitor-${n}`, at, observed_ms: MINUTE, good_ms: MINUTE });
    const todayRow: RollupRow = {
      monitor_id: `bench-monitor-${n}`,
      at: today,
      observed_ms: todaysMinutes.length * MINUTE,
      good_ms: todaysMinutes.length * MINUTE,
    };
    const insert = async (executor: Db) => {
      await insertRollups(executor, dialect, "status_minute_rollups", [...history.minutes, ...todaysMinutes]);
      await insertRollups(executor, dialect, "status_day_rollups", [...history.days, todayRow]);
    };
    // One transaction per monitor: SQLite's synchronous=FULL would otherwise wait on the disk per statement.
    await db.transaction().execute((tx) => insert(tx));
    minuteRows += history.minutes.length + todaysMinutes.length;
    dayRows += history.days.length + 1;
  }
  return { componentIds, minuteRows, dayRows, seconds: (performance.now() - started) / 1000 };
}

async function timed(samples: number, run: () => Promise<unknown>): Promise<number[]> {
  await run();
  const durations: number[] = [];
  for (let n = 0; n < samples; n += 1) {
    const started = performance.now();
    await run();
    durations.push(performance.now() - started);
  }
  return durations;
}

/**
 * Issue 8's availability target on a database of its own: seeds `components` components with a push
 * monitor each and `days` of rollups, then times the 90-day availability of every component in one
 * batch read (three queries), beside the per-component read the admin API does (every rolling window and
 * the month, about twenty queries a component), and checks both give the same 90-day figures.
 */
export async function measureStatusAvailability(
  database: BenchDatabase,
  settings: StatusAvailabilitySettings,
  record: RecordFigure,
): Promise<void> {
  const { db, dialect, destroy } = openDatabase(database.target);
  try {
    await migrateToLatest(db);
    // Mid-afternoon, so the window's edges hold minute rollups on both sides.
    const now = Date.parse("2026-12-04T15:42:37.000Z");
    const seeded = await seedStatus(db, dialect, settings, now);
    record({
      name: `seed ${settings.components} components, ${days} days of rollups`,
      value: seeded.seconds,
      unit: "s",
      detail:
        `${formatCount(seeded.minuteRows)} minute rows (${settings.minuteDays >= days ? "every day" : `first and last ${settings.minuteDays} days`}), ` +
        `${formatCount(seeded.dayRows)} day rows`,
    });
    // As the other benches: the statistics autovacuum would gather within a minute of the load.
    if (dialect === "postgres") await sql`ANALYZE`.execute(db);

    const window = rollingWindow(now, rollingWindows["90d"]);
    let batch = new Map<string, { observedMs: number; goodMs: number; availability: number | null }>();
    const batchTimes = await timed(settings.samples, async () => {
      batch = await readAvailabilityByComponent(db, window, now);
    });
    const availabilities = [...batch.values()].map((figure) => figure.availability ?? Number.NaN);
    record({
      name: `availability over ${days} days, ${settings.components} components (batch)`,
      value: median(batchTimes),
      unit: "ms",
      target: { comparison: "at most", value: availabilityTargetMs },
      detail:
        `p95 ${formatNumber(percentile(batchTimes, 95))} ms over ${batchTimes.length} reads; ` +
        `${batch.size} components, availability ${formatNumber(Math.min(...availabilities) * 100)}–` +
        `${formatNumber(Math.max(...availabilities) * 100)}%`,
    });

    const ctx: Context = {
      actor: systemActor("bench"),
      channel: "system",
      db,
      dialect,
      clock: new ManualClock(new Date(now)),
      logger: pino({ level: "silent" }),
    };
    const single = new Map<string, { observedMs: number; goodMs: number }>();
    const perComponentTimes = await timed(Math.max(3, Math.floor(settings.samples / 10)), async () => {
      for (const componentId of seeded.componentIds) {
        const view = await readComponentAvailability(ctx, componentId);
        single.set(componentId, view.rolling["90d"]);
      }
    });
    const mismatches = seeded.componentIds.filter((id) => {
      const a = batch.get(id);
      const b = single.get(id);
      return !a || !b || a.observedMs !== b.observedMs || a.goodMs !== b.goodMs;
    });
    record({
      name: `${settings.components} × readComponentAvailability (every window)`,
      value: median(perComponentTimes),
      unit: "ms",
      detail:
        `p95 ${formatNumber(percentile(perComponentTimes, 95))} ms over ${perComponentTimes.length} rounds; ` +
        `its 90-day figures ${mismatches.length === 0 ? "equal the batch's" : `differ from the batch's for ${mismatches.length} components`}`,
    });
  } finally {
    await destroy();
  }
}
