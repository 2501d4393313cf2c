import type { BusinessCalendar } from "./business-calendar.js";
import { MINUTE_MS, mod } from "./zoned-time.js";

/** Two years of closed minutes, the same horizon the calendar itself searches. */
const MAX_CLOSED_MINUTES = 2 * 366 * 24 * 60;

/**
 * `calendar.add` done the slow, obvious way: ask `isOpen` minute by minute and count. Exact only when every
 * opening and closing falls on a whole minute (true for "HH:MM" windows in zones with whole-minute
 * offsets, and for minute-aligned closures). Kept as a test oracle and as the baseline the bench compares
 * against; never use it in the app.
 */
export function minuteSteppingAdd(calendar: BusinessCalendar, start: Date, ms: number): Date {
  let at = start.getTime();
  let remaining = ms;
  let closedMinutes = 0;
  while (remaining > 0) {
    const toNextMinute = MINUTE_MS - mod(at, MINUTE_MS);
    if (calendar.isOpen(new Date(at))) {
      const step = Math.min(toNextMinute, remaining);
      at += step;
      remaining -= step;
      closedMinutes = 0;
    } else {
      at += toNextMinute;
      if (++closedMinutes > MAX_CLOSED_MINUTES) throw new Error("no open time within two years");
    }
  }
  return new Date(at);
}
