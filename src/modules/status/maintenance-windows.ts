import { MINUTE } from "../../shared/clock.js";
import { mergeIntervals, type TimeInterval } from "./availability.js";
import { readPlan } from "./rollup-buckets.js";

/**
 * Maintenance taken out of availability read from rollups (pure). Rollups are per minute and per UTC
 * day, so a window is taken out at minute grain: whole days without maintenance come from the day
 * rollups, every other part of the window — the edges and the days a maintenance touches — from the
 * minute rollups, skipping the minutes under maintenance. Windows are scheduled on whole minutes (the
 * API refuses others), which makes this exact.
 */

/** The smallest whole-minute interval covering `interval`. */
export function toWholeMinutes(interval: TimeInterval): TimeInterval {
  return {
    start: Math.floor(interval.start / MINUTE) * MINUTE,
    end: Math.ceil(interval.end / MINUTE) * MINUTE,
  };
}

export function isWholeMinute(instant: number): boolean {
  return instant % MINUTE === 0;
}

/** The maintenance inside `window`, merged (overlapping windows count once), widened to whole minutes. */
export function maintenanceInside(
  window: TimeInterval,
  maintenance: readonly TimeInterval[],
): TimeInterval[] {
  return mergeIntervals(maintenance.map(toWholeMinutes))
    .map((m) => ({ start: Math.max(m.start, window.start), end: Math.min(m.end, window.end) }))
    .filter((m) => m.end > m.start);
}

/** How long maintenance lasts inside `window`: what the error budget's period leaves out. */
export function maintenanceMsInside(window: TimeInterval, maintenance: readonly TimeInterval[]): number {
  return maintenanceInside(window, maintenance).reduce((sum, m) => sum + (m.end - m.start), 0);
}

/** `window` less the maintenance: the stretches whose measurements count, in order. */
export function withoutMaintenance(
  window: TimeInterval,
  maintenance: readonly TimeInterval[],
): TimeInterval[] {
  const parts: TimeInterval[] = [];
  let from = window.start;
  for (const m of maintenanceInside(window, maintenance)) {
    if (m.start > from) parts.push({ start: from, end: m.start });
    from = Math.max(from, m.end);
  }
  if (window.end > from) parts.push({ start: from, end: window.end });
  return parts;
}

/**
 * Which rollups answer `window` once maintenance is out: `readPlan` of each stretch between windows,
 * so a day with maintenance in it is read minute by minute and the others whole.
 */
export function readPlanWithoutMaintenance(
  window: TimeInterval,
  maintenance: readonly TimeInterval[],
): { days: TimeInterval[]; minutes: TimeInterval[] } {
  const days: TimeInterval[] = [];
  const minutes: TimeInterval[] = [];
  for (const part of withoutMaintenance(window, maintenance)) {
    const plan = readPlan(part);
    if (plan.days) days.push(plan.days);
    minutes.push(...plan.minutes);
  }
  return { days, minutes };
}

export type MaintenanceState = "scheduled" | "in_progress" | "completed" | "cancelled";

/** Where a window stands at `now`: it is in progress from its start (inclusive) to its end (exclusive). */
export function maintenanceStateAt(
  window: TimeInterval & { cancelled: boolean },
  now: number,
): MaintenanceState {
  if (window.cancelled) return "cancelled";
  if (now < window.start) return "scheduled";
  return now < window.end ? "in_progress" : "completed";
}
