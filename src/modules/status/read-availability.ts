import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import {
  availabilityOf,
  calendarMonth,
  type ErrorBudget,
  errorBudget,
  type ObservedSpan,
  observedTime,
  type RollingWindowName,
  rollingWindow,
  rollingWindows,
  type TimeInterval,
} from "./availability.js";
import { maintenanceIntervalsOf } from "./maintenance-repository.js";
import { maintenanceInside, maintenanceMsInside, readPlanWithoutMaintenance } from "./maintenance-windows.js";
import { staleAfterOf } from "./record-check-result.js";
import {
  findComponentById,
  latestUserImpactSample,
  listMonitorRows,
  type StatusMonitorRow,
  sumRollupsInRanges,
} from "./status-repository.js";

export interface WindowAvailability {
  start: string;
  end: string;
  observedMs: number;
  goodMs: number;
  /** good / observed; null when nothing was observed. */
  availability: number | null;
}

export interface ComponentAvailabilityView {
  componentId: string;
  at: string;
  uptimeTarget: number;
  rolling: Record<RollingWindowName, WindowAvailability>;
  /** The calendar month (UTC) so far, with its error budget against the component's target. */
  month: WindowAvailability & { errorBudget: ErrorBudget };
  /** The latest "N of M users saw errors" pushed for the component, if any. */
  userImpact: { at: string; affected: number; total: number } | null;
}

/**
 * The span of each monitor's latest result up to now: stored rollups hold only closed spans, so a
 * read adds this to be current to the millisecond.
 */
function openSpans(monitors: readonly StatusMonitorRow[], now: number): ObservedSpan[] {
  return monitors.flatMap((monitor) => {
    if (monitor.last_result_at === null) return [];
    const start = Number(monitor.last_result_at);
    const end = Math.min(now, start + staleAfterOf(monitor));
    return end > start ? [{ start, end, up: monitor.last_result_up === 1 }] : [];
  });
}

/**
 * Observed and good time of the monitors over `window`, maintenance taken out: day rollups for the
 * whole UTC days free of maintenance, minute rollups for the edges and the days a window touches
 * (skipping its minutes), so the figure is exact at the rollups' minute grain.
 */
async function measure(
  ctx: Context,
  monitorIds: readonly string[],
  open: readonly ObservedSpan[],
  window: TimeInterval,
  maintenance: readonly TimeInterval[],
): Promise<WindowAvailability> {
  const plan = readPlanWithoutMaintenance(window, maintenance);
  let observedMs = 0;
  let goodMs = 0;
  const parts = await Promise.all([
    sumRollupsInRanges(ctx.db, "status_day_rollups", monitorIds, plan.days),
    sumRollupsInRanges(ctx.db, "status_minute_rollups", monitorIds, plan.minutes),
  ]);
  for (const part of parts) {
    observedMs += part.observedMs;
    goodMs += part.goodMs;
  }
  const openInside = observedTime(open, maintenanceInside(window, maintenance), window);
  observedMs += openInside.observedMs;
  goodMs += openInside.goodMs;
  return {
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    observedMs,
    goodMs,
    availability: availabilityOf({ observedMs, goodMs }),
  };
}

/**
 * A component's availability: its monitors' observed and good time summed (a component measured
 * by two monitors is up for the share of their combined observed time they saw it up). The time of
 * its maintenance windows (not cancelled) is taken out of every window and of the month's error budget.
 */
export async function readComponentAvailability(
  ctx: Context,
  componentId: string,
): Promise<ComponentAvailabilityView> {
  requireStaff(ctx.actor);
  const component = await findComponentById(ctx.db, componentId);
  if (!component) throw new NotFoundError(`No status component ${componentId}.`);
  const monitors = await listMonitorRows(ctx.db, componentId);
  const monitorIds = monitors.map((monitor) => monitor.id);
  const now = ctx.clock.now().getTime();
  const open = openSpans(monitors, now);
  const period = calendarMonth(now, "UTC");
  const windows = (Object.entries(rollingWindows) as [RollingWindowName, number][]).map(
    ([name, lengthMs]) => [name, rollingWindow(now, lengthMs)] as const,
  );
  const covering = {
    start: Math.min(period.start, ...windows.map(([, window]) => window.start)),
    end: Math.max(period.end, ...windows.map(([, window]) => window.end)),
  };
  const maintenance = (await maintenanceIntervalsOf(ctx.db, [componentId], covering)).get(componentId) ?? [];
  const rolling = {} as Record<RollingWindowName, WindowAvailability>;
  for (const [name, window] of windows)
    rolling[name] = await measure(ctx, monitorIds, open, window, maintenance);
  const month = await measure(ctx, monitorIds, open, period, maintenance);
  const target = Number(component.uptime_target);
  const impact = await latestUserImpactSample(ctx.db, componentId);
  return {
    componentId,
    at: new Date(now).toISOString(),
    uptimeTarget: target,
    rolling,
    month: {
      ...month,
      errorBudget: errorBudget({
        target,
        period,
        maintenanceInPeriodMs: maintenanceMsInside(period, maintenance),
        ...month,
      }),
    },
    userImpact: impact
      ? { at: new Date(Number(impact.at)).toISOString(), affected: impact.affected, total: impact.total }
      : null,
  };
}
