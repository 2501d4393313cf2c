import { HOUR } from "../../shared/clock.js";
import { DAY_MS, offsetAt } from "../calendar/zoned-time.js";

/** ISO weekday numbers: 1 is Monday, 7 is Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const weekdayNames = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * When maintenance may happen. The service objectives we model: only Tuesday to Thursday (in the
 * team's time zone), announced at least 24 hours ahead, at most 2 hours long.
 */
export interface MaintenancePolicy {
  allowedWeekdays: readonly IsoWeekday[];
  minimumNoticeMs: number;
  maximumDurationMs: number;
  /** The zone whose calendar decides what "Tuesday" is. */
  timeZone: string;
}

export const defaultMaintenancePolicy: MaintenancePolicy = {
  allowedWeekdays: [2, 3, 4],
  minimumNoticeMs: 24 * HOUR,
  maximumDurationMs: 2 * HOUR,
  timeZone: "UTC",
};

export interface MaintenanceWindow {
  start: number;
  end: number;
}

export type MaintenanceBreach =
  | { rule: "window_order"; message: string }
  | { rule: "weekday"; message: string; weekday: IsoWeekday }
  | { rule: "notice"; message: string; noticeMs: number; minimumNoticeMs: number }
  | { rule: "duration"; message: string; durationMs: number; maximumDurationMs: number };

/** The local ISO weekday of `instant` in `timeZone`. */
export function isoWeekdayAt(instant: number, timeZone: string): IsoWeekday {
  const localDay = Math.floor((instant + offsetAt(timeZone, instant)) / DAY_MS);
  // 1970-01-01 was a Thursday (ISO 4).
  return (((((localDay + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

function describeDuration(ms: number): string {
  const totalMinutes = Math.round(ms / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** The local weekdays a window touches, in order; it ends just before `end`, so 00:00 sharp stays on the day before. */
function weekdaysTouched(window: MaintenanceWindow, timeZone: string): IsoWeekday[] {
  const touched: IsoWeekday[] = [];
  let instant = window.start;
  while (instant < window.end) {
    touched.push(isoWeekdayAt(instant, timeZone));
    const local = instant + offsetAt(timeZone, instant);
    const nextLocalMidnight = (Math.floor(local / DAY_MS) + 1) * DAY_MS;
    // Converting back with the current offset may land an hour off across a DST change; a day is
    // long enough that the next step still falls on the next local day.
    instant = Math.max(instant + 1, nextLocalMidnight - offsetAt(timeZone, instant));
  }
  return touched;
}

/**
 * Every rule of `policy` that a maintenance window breaks when it is scheduled at `scheduledAt`;
 * empty when the window keeps the policy. All breaches are listed, not just the first, so the person
 * scheduling it fixes the window in one go. A window is on allowed days only when every local day it
 * touches is allowed: a Thursday-night window running into Friday morning is Friday maintenance.
 */
export function maintenanceBreaches(
  window: MaintenanceWindow,
  scheduledAt: number,
  policy: MaintenancePolicy,
): MaintenanceBreach[] {
  if (!(window.end > window.start)) {
    return [{ rule: "window_order", message: "The maintenance window must end after it starts." }];
  }
  const breaches: MaintenanceBreach[] = [];
  const allowed = [...policy.allowedWeekdays].sort().map((d) => weekdayNames[d]);
  for (const weekday of weekdaysTouched(window, policy.timeZone)) {
    if (policy.allowedWeekdays.includes(weekday)) continue;
    breaches.push({
      rule: "weekday",
      weekday,
      message: `Maintenance may only run on ${allowed.join(", ")} (${policy.timeZone}); this window falls on a ${weekdayNames[weekday]}.`,
    });
    break;
  }
  const noticeMs = window.start - scheduledAt;
  if (noticeMs < policy.minimumNoticeMs) {
    breaches.push({
      rule: "notice",
      noticeMs,
      minimumNoticeMs: policy.minimumNoticeMs,
      message: `Maintenance must be announced at least ${describeDuration(policy.minimumNoticeMs)} ahead; this window starts ${noticeMs <= 0 ? "now or in the past" : `in ${describeDuration(noticeMs)}`}.`,
    });
  }
  const durationMs = window.end - window.start;
  if (durationMs > policy.maximumDurationMs) {
    breaches.push({
      rule: "duration",
      durationMs,
      maximumDurationMs: policy.maximumDurationMs,
      message: `Maintenance may last at most ${describeDuration(policy.maximumDurationMs)}; this window lasts ${describeDuration(durationMs)}.`,
    });
  }
  return breaches;
}
