import type { DbExecutor } from "../../db/database.js";
import { availabilityOf, type ObservedSpan, observedTime, type TimeInterval } from "./availability.js";
import { maintenanceIntervalsOf } from "./maintenance-repository.js";
import { maintenanceInside, readPlanWithoutMaintenance } from "./maintenance-windows.js";
import type { WindowAvailability } from "./read-availability.js";
import { staleAfterOf } from "./record-check-result.js";
import { economicalReadPlan } from "./rollup-read-plan.js";
import { sumRollupsByMonitor } from "./status-feed-repository.js";
import { listMonitorRows, type StatusMonitorRow, sumRollupsInRanges } from "./status-repository.js";

type Sums = Map<string, { observedMs: number; goodMs: number }>;
type Figures = { observedMs: number; goodMs: number };

function openSpanOf(monitor: StatusMonitorRow, now: number): ObservedSpan[] {
  if (monitor.last_result_at === null) return [];
  const start = Number(monitor.last_result_at);
  const end = Math.min(now, start + staleAfterOf(monitor));
  return end > start ? [{ start, end, up: monitor.last_result_up === 1 }] : [];
}

/** Components without maintenance in the window: all of them together, edges read the cheaper way. */
async function withoutMaintenanceInWindow(
  db: DbExecutor,
  monitors: readonly StatusMonitorRow[],
  window: TimeInterval,
  now: number,
): Promise<Map<string, Figures>> {
  const ids = monitors.map((monitor) => monitor.id);
  const plan = economicalReadPlan(window, now);
  const read = (table: "status_minute_rollups" | "status_day_rollups", interval: TimeInterval) =>
    sumRollupsByMonitor(db, table, ids, interval);
  // PostgreSQL runs these side by side on the pool's connections; SQLite one after another.
  const [added, subtracted]: [Sums[], Sums[]] = await Promise.all([
    Promise.all([
      ...(plan.days ? [read("status_day_rollups", plan.days)] : []),
      ...plan.addMinutes.map((edge) => read("status_minute_rollups", edge)),
    ]),
    Promise.all(plan.subtractMinutes.map((part) => read("status_minute_rollups", part))),
  ]);
  const totals = new Map<string, Figures>();
  for (const monitor of monitors) {
    const total = totals.get(monitor.component_id) ?? { observedMs: 0, goodMs: 0 };
    for (const sums of added) {
      total.observedMs += sums.get(monitor.id)?.observedMs ?? 0;
      total.goodMs += sums.get(monitor.id)?.goodMs ?? 0;
    }
    for (const sums of subtracted) {
      total.observedMs -= sums.get(monitor.id)?.observedMs ?? 0;
      total.goodMs -= sums.get(monitor.id)?.goodMs ?? 0;
    }
    const open = observedTime(openSpanOf(monitor, now), [], window);
    total.observedMs += open.observedMs;
    total.goodMs += open.goodMs;
    totals.set(monitor.component_id, total);
  }
  return totals;
}

/** A component with maintenance in the window: as `readComponentAvailability` reads it, minutes around the maintenance. */
async function withMaintenanceInWindow(
  db: DbExecutor,
  monitors: readonly StatusMonitorRow[],
  window: TimeInterval,
  maintenance: readonly TimeInterval[],
  now: number,
): Promise<Figures> {
  const ids = monitors.map((monitor) => monitor.id);
  const plan = readPlanWithoutMaintenance(window, maintenance);
  const [days, minutes] = await Promise.all([
    sumRollupsInRanges(db, "status_day_rollups", ids, plan.days),
    sumRollupsInRanges(db, "status_minute_rollups", ids, plan.minutes),
  ]);
  const open = observedTime(
    monitors.flatMap((monitor) => openSpanOf(monitor, now)),
    maintenanceInside(window, maintenance),
    window,
  );
  return {
    observedMs: days.observedMs + minutes.observedMs + open.observedMs,
    goodMs: days.goodMs + minutes.goodMs + open.goodMs,
  };
}

/**
 * Availability of every component (or one) over one window, with the figures `readComponentAvailability`
 * gives — rollups of closed spans plus each monitor's open span up to now, maintenance taken out — for all
 * components in a handful of queries instead of about three per component and window: 100 components over
 * 90 days is what the badges and the bench ask for (issue 8: ≤ 50 ms). Components without maintenance in
 * the window are read together (`rollup-read-plan.ts`); the few with some, one by one as the admin API does.
 */
export async function readAvailabilityByComponent(
  db: DbExecutor,
  window: TimeInterval,
  now: number,
  componentId?: string,
): Promise<Map<string, WindowAvailability>> {
  const monitors = await listMonitorRows(db, componentId);
  const componentIds = [...new Set(monitors.map((monitor) => monitor.component_id))];
  const maintenance = await maintenanceIntervalsOf(db, componentIds, window);
  const maintained = new Set(componentIds.filter((id) => (maintenance.get(id)?.length ?? 0) > 0));
  const totals = await withoutMaintenanceInWindow(
    db,
    monitors.filter((monitor) => !maintained.has(monitor.component_id)),
    window,
    now,
  );
  for (const id of maintained)
    totals.set(
      id,
      await withMaintenanceInWindow(
        db,
        monitors.filter((monitor) => monitor.component_id === id),
        window,
        maintenance.get(id) ?? [],
        now,
      ),
    );
  const start = new Date(window.start).toISOString();
  const end = new Date(window.end).toISOString();
  return new Map(
    [...totals].map(([id, total]) => [id, { start, end, ...total, availability: availabilityOf(total) }]),
  );
}
