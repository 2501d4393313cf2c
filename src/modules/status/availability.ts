import { MINUTE } from "../../shared/clock.js";
import { DAY_MS, offsetAt, wallToInstant } from "../calendar/zoned-time.js";

/**
 * Availability as the service objectives define it: good time / (observed time − maintenance).
 * Everything here is plain numbers (epoch milliseconds), no I/O: the monitor runner turns check
 * results into spans, the store keeps per-minute and per-day rollups of them, and pages, rules and
 * reports read the rollups through these functions.
 */

/** One check's verdict at an instant. */
export interface CheckResult {
  at: number;
  up: boolean;
}

/** A stretch of time with one known state. */
export interface ObservedSpan {
  start: number;
  end: number;
  up: boolean;
}

export interface TimeInterval {
  start: number;
  end: number;
}

/** Observed and good time in one bucket (a minute, a day) with maintenance already taken out. */
export interface AvailabilityRollup {
  /** Start of the bucket. */
  at: number;
  observedMs: number;
  goodMs: number;
}

/**
 * Check results as spans: each result holds until the next one, but no longer than `staleAfterMs`
 * (a monitor's interval plus its timeout, say). Beyond that nobody looked, and time nobody looked at
 * counts neither for nor against availability: a probe that stops reporting does not make a
 * component look perfect, nor broken.
 */
export function spansFromResults(results: readonly CheckResult[], staleAfterMs: number): ObservedSpan[] {
  const sorted = [...results].sort((a, b) => a.at - b.at);
  const spans: ObservedSpan[] = [];
  for (const [index, result] of sorted.entries()) {
    const next = sorted[index + 1];
    const end = Math.min(result.at + staleAfterMs, next ? next.at : Number.POSITIVE_INFINITY);
    if (end <= result.at) continue;
    const last = spans.at(-1);
    if (last && last.up === result.up && last.end === result.at) last.end = end;
    else spans.push({ start: result.at, end, up: result.up });
  }
  return spans;
}

function overlap(a: TimeInterval, b: TimeInterval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** Maintenance windows merged and sorted, so overlapping announcements are not subtracted twice. */
export function mergeIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const merged: TimeInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else merged.push({ ...interval });
  }
  return merged;
}

/** Observed and good time of `spans` inside `window`, with the (merged) maintenance windows taken out. */
export function observedTime(
  spans: readonly ObservedSpan[],
  maintenance: readonly TimeInterval[],
  window: TimeInterval,
): { observedMs: number; goodMs: number } {
  const merged = mergeIntervals(maintenance);
  let observedMs = 0;
  let goodMs = 0;
  for (const span of spans) {
    const inWindow = overlap(span, window);
    if (inWindow === 0) continue;
    const clipped = { start: Math.max(span.start, window.start), end: Math.min(span.end, window.end) };
    const underMaintenance = merged.reduce((sum, m) => sum + overlap(clipped, m), 0);
    const counted = inWindow - underMaintenance;
    observedMs += counted;
    if (span.up) goodMs += counted;
  }
  return { observedMs, goodMs };
}

/**
 * Per-minute rollups of `spans` over `window` (whole minutes; a partial first or last minute is kept
 * with what was observed in it). Minutes with nothing observed are left out, which keeps a quiet
 * component's storage small.
 */
export function rollUpByMinute(
  spans: readonly ObservedSpan[],
  maintenance: readonly TimeInterval[],
  window: TimeInterval,
): AvailabilityRollup[] {
  const rollups: AvailabilityRollup[] = [];
  for (let at = Math.floor(window.start / MINUTE) * MINUTE; at < window.end; at += MINUTE) {
    const bucket = { start: Math.max(at, window.start), end: Math.min(at + MINUTE, window.end) };
    const { observedMs, goodMs } = observedTime(spans, maintenance, bucket);
    if (observedMs > 0) rollups.push({ at, observedMs, goodMs });
  }
  return rollups;
}

/** The local calendar day (as its UTC-midnight-of-the-wall-date number) `instant` falls on in `timeZone`. */
function localDayStart(instant: number, timeZone: string): number {
  const local = instant + offsetAt(timeZone, instant);
  return Math.floor(local / DAY_MS) * DAY_MS;
}

/**
 * Minute rollups summed per local day in `timeZone`; a day's `at` is its date written as UTC
 * midnight (2026-12-04T00:00Z for 4 December wherever the page's zone is), which is how the 90-day
 * bars label their days.
 */
export function rollUpByDay(minutes: readonly AvailabilityRollup[], timeZone: string): AvailabilityRollup[] {
  const days = new Map<number, AvailabilityRollup>();
  for (const minute of minutes) {
    const day = localDayStart(minute.at, timeZone);
    const sum = days.get(day) ?? { at: day, observedMs: 0, goodMs: 0 };
    sum.observedMs += minute.observedMs;
    sum.goodMs += minute.goodMs;
    days.set(day, sum);
  }
  return [...days.values()].sort((a, b) => a.at - b.at);
}

/** good / observed, or null when nothing was observed (an unknown is not 100%). */
export function availabilityOf(totals: { observedMs: number; goodMs: number }): number | null {
  return totals.observedMs > 0 ? totals.goodMs / totals.observedMs : null;
}

/** Sums the rollups whose bucket starts inside `window` (rollups are aligned to their buckets). */
export function sumRollups(
  rollups: readonly AvailabilityRollup[],
  window: TimeInterval,
): { observedMs: number; goodMs: number } {
  let observedMs = 0;
  let goodMs = 0;
  for (const rollup of rollups) {
    if (rollup.at < window.start || rollup.at >= window.end) continue;
    observedMs += rollup.observedMs;
    goodMs += rollup.goodMs;
  }
  return { observedMs, goodMs };
}

/** The rolling windows the status page and reports show, ending now. */
export const rollingWindows = {
  "1h": 60 * MINUTE,
  "24h": DAY_MS,
  "7d": 7 * DAY_MS,
  "30d": 30 * DAY_MS,
  "90d": 90 * DAY_MS,
} as const;
export type RollingWindowName = keyof typeof rollingWindows;

/** The rolling window of length `lengthMs` ending at `now`, widened to whole minutes (the rollups' grain). */
export function rollingWindow(now: number, lengthMs: number): TimeInterval {
  const end = Math.floor(now / MINUTE) * MINUTE + MINUTE;
  return { start: end - lengthMs, end };
}

/** The calendar month containing `now`, in `timeZone`. */
export function calendarMonth(now: number, timeZone: string): TimeInterval {
  const local = new Date(now + offsetAt(timeZone, now));
  const firstWall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1);
  const nextWall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1);
  return { start: wallToInstant(timeZone, firstWall), end: wallToInstant(timeZone, nextWall) };
}

/**
 * The error budget of a period against an uptime target (the objectives' 99.5%): how much downtime
 * the period allows, how much was used, how much is left, and the burn rate — how fast the budget is
 * being spent relative to the pace that would use exactly all of it by the period's end (1 is on
 * pace, 14.4 empties a 30-day budget in about two days). Maintenance is not in the budget: it is
 * excluded from the period's length as it is from availability.
 */
export interface ErrorBudget {
  target: number;
  periodMs: number;
  allowedDowntimeMs: number;
  usedMs: number;
  leftMs: number;
  /** Null until anything has been observed. */
  burnRate: number | null;
  /** Null until anything has been observed. */
  availability: number | null;
}

export function errorBudget(input: {
  target: number;
  period: TimeInterval;
  maintenanceInPeriodMs: number;
  observedMs: number;
  goodMs: number;
}): ErrorBudget {
  const periodMs = input.period.end - input.period.start - input.maintenanceInPeriodMs;
  const allowedDowntimeMs = Math.max(0, periodMs) * (1 - input.target);
  const usedMs = input.observedMs - input.goodMs;
  const availability = availabilityOf(input);
  const sustainableShare = 1 - input.target;
  const burnRate =
    input.observedMs > 0 && sustainableShare > 0 ? usedMs / input.observedMs / sustainableShare : null;
  return {
    target: input.target,
    periodMs,
    allowedDowntimeMs,
    usedMs,
    leftMs: allowedDowntimeMs - usedMs,
    burnRate,
    availability,
  };
}
