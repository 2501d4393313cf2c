import { MINUTE } from "../../shared/clock.js";
import { DAY_MS } from "../calendar/zoned-time.js";
import type { AvailabilityRollup, ObservedSpan, TimeInterval } from "./availability.js";

/**
 * How the store keeps availability exact while writing little: each new check result closes the
 * span of the one before it, and that span is cut into the minute and day buckets it crosses, to be
 * added to the stored rollups. Pure arithmetic; the repository does the adding.
 */

export type MonitorKind = "http" | "tcp" | "push";

/**
 * How long a result is believed without a newer one: the interval plus a probe's timeout (a check
 * may finish that late), or plus one more interval for a push monitor (one missed push is grace).
 */
export function staleAfterMs(monitor: { kind: MonitorKind; intervalMs: number; timeoutMs?: number }): number {
  if (monitor.kind === "push") return 2 * monitor.intervalMs;
  return monitor.intervalMs + (monitor.timeoutMs ?? 0);
}

/** The span a result covers once the next one arrives at `nextAt`, or null when it covers nothing. */
export function closedSpan(
  previous: { at: number; up: boolean },
  nextAt: number,
  staleMs: number,
): ObservedSpan | null {
  const end = Math.min(nextAt, previous.at + staleMs);
  return end > previous.at ? { start: previous.at, end, up: previous.up } : null;
}

/** A span cut at every `grainMs` boundary (UTC minutes, UTC days): one increment per bucket it touches. */
export function bucketsOf(span: ObservedSpan, grainMs: number): AvailabilityRollup[] {
  const increments: AvailabilityRollup[] = [];
  for (let at = Math.floor(span.start / grainMs) * grainMs; at < span.end; at += grainMs) {
    const observedMs = Math.min(span.end, at + grainMs) - Math.max(span.start, at);
    if (observedMs > 0) increments.push({ at, observedMs, goodMs: span.up ? observedMs : 0 });
  }
  return increments;
}

export const minuteGrain = MINUTE;
export const dayGrain = DAY_MS;

/**
 * Which rollups answer a window: the whole UTC days inside it from the day rollups, the edges from
 * the minute rollups (a rolling window starts and ends on minutes, so the answer is exact at
 * minute grain while a 90-day window reads about 90 day rows and two edges of minutes).
 */
export function readPlan(window: TimeInterval): { days: TimeInterval | null; minutes: TimeInterval[] } {
  const firstDay = Math.ceil(window.start / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(window.end / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return { days: null, minutes: [window] };
  const minutes = [
    { start: window.start, end: firstDay },
    { start: lastDay, end: window.end },
  ].filter((edge) => edge.end > edge.start);
  return { days: { start: firstDay, end: lastDay }, minutes };
}

/** The part of `span` inside `window`, as observed and good milliseconds. */
export function spanWithin(span: ObservedSpan, window: TimeInterval): { observedMs: number; goodMs: number } {
  const observedMs = Math.max(0, Math.min(span.end, window.end) - Math.max(span.start, window.start));
  return { observedMs, goodMs: span.up ? observedMs : 0 };
}
