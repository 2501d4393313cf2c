import { DAY_MS } from "../calendar/zoned-time.js";
import type { TimeInterval } from "./availability.js";
import { readPlan } from "./rollup-buckets.js";

/**
 * Which rollups to add and subtract to sum a window while reading as few minute rows as possible. A day
 * rollup is the sum of that day's minute rollups (the store adds both from each span in one transaction),
 * so a partial day at an edge is either its minutes, or its day row less the minutes outside the window,
 * whichever reads fewer rows. Minutes after `now` hold nothing yet: a rolling window's last edge costs one
 * day row instead of up to 1,439 minute rows per monitor, and the first edge at most 720. Pure; exact as long
 * as both rollups of a day are kept, which holds within the 400-day retention.
 */
export interface RollupReads {
  /** Whole UTC days to add from the day rollups, one interval (null: none). */
  days: TimeInterval | null;
  addMinutes: TimeInterval[];
  subtractMinutes: TimeInterval[];
}

/** How many minutes of `interval` may hold rows at `now`. */
function storedLength(interval: TimeInterval, now: number): number {
  return Math.max(0, Math.min(interval.end, now) - interval.start);
}

export function economicalReadPlan(window: TimeInterval, now: number): RollupReads {
  const plan = readPlan(window);
  let days = plan.days ? { ...plan.days } : null;
  const addMinutes: TimeInterval[] = [];
  const subtractMinutes: TimeInterval[] = [];
  for (const edge of plan.minutes) {
    const dayStart = Math.floor(edge.start / DAY_MS) * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    const withinOneDay = edge.end <= dayEnd;
    const outside = [
      { start: dayStart, end: edge.start },
      { start: edge.end, end: dayEnd },
    ].filter((part) => part.end > part.start);
    const outsideCost = outside.reduce((sum, part) => sum + storedLength(part, now), 0);
    // The whole day joins the day read only if it touches the days already read (or none are).
    const adjacent = days === null || dayEnd === days.start || dayStart === days.end;
    if (withinOneDay && adjacent && outsideCost < storedLength(edge, now)) {
      days =
        days === null
          ? { start: dayStart, end: dayEnd }
          : { start: Math.min(days.start, dayStart), end: Math.max(days.end, dayEnd) };
      subtractMinutes.push(...outside);
    } else {
      addMinutes.push(edge);
    }
  }
  return { days, addMinutes, subtractMinutes };
}
