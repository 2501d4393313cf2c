import { DAY_MS, formatDayNumber, localDayOf, wallToInstant } from "../calendar/zoned-time.js";
import type { TicketStatus } from "../tickets/ticket-status.js";

/**
 * The Flow report's definitions, pure: which statuses are the backlog, the age buckets, what counts as
 * a reopen, and how hourly counts from the database become days on the desk's calendar.
 */

/** Waiting on someone: the statuses a backlog holds. Solved and Closed are done. */
export const backlogStatuses = ["new", "open", "pending"] as const satisfies readonly TicketStatus[];

/**
 * A reopen is a Solved ticket going back to work (a customer's reply, an agent's change). Solved to
 * Closed is the end of the road, and a reply to a Closed ticket starts a follow-up, a new ticket.
 */
export const reopenedFrom: TicketStatus = "solved";
export const reopenedTo = ["new", "open", "pending"] as const satisfies readonly TicketStatus[];

export const ageBucketKeys = [
  "under_1_day",
  "1_to_3_days",
  "3_to_7_days",
  "7_to_30_days",
  "over_30_days",
] as const;
export type AgeBucketKey = (typeof ageBucketKeys)[number];

/** Each bucket holds ages in [minDays, maxDays): a ticket exactly 1 day old is in "1–3 days". */
const ageBucketDays: Record<AgeBucketKey, { minDays: number; maxDays: number | null; label: string }> = {
  under_1_day: { minDays: 0, maxDays: 1, label: "< 1 day" },
  "1_to_3_days": { minDays: 1, maxDays: 3, label: "1–3 days" },
  "3_to_7_days": { minDays: 3, maxDays: 7, label: "3–7 days" },
  "7_to_30_days": { minDays: 7, maxDays: 30, label: "7–30 days" },
  over_30_days: { minDays: 30, maxDays: null, label: "> 30 days" },
};

export function ageBucketLabel(key: AgeBucketKey): string {
  return ageBucketDays[key].label;
}

export function ageBucketOf(createdAt: Date, now: Date): AgeBucketKey {
  const ageDays = (now.getTime() - createdAt.getTime()) / DAY_MS;
  return ageBucketKeys.find((key) => {
    const { maxDays } = ageBucketDays[key];
    return maxDays === null || ageDays < maxDays;
  }) as AgeBucketKey;
}

/** The creation instants a bucket holds at `now`: created in (createdAfter, createdAtOrBefore]. */
export function ageBucketCreatedRange(
  key: AgeBucketKey,
  now: Date,
): { createdAfter: string | null; createdAtOrBefore: string } {
  const { minDays, maxDays } = ageBucketDays[key];
  return {
    createdAfter: maxDays === null ? null : new Date(now.getTime() - maxDays * DAY_MS).toISOString(),
    createdAtOrBefore: new Date(now.getTime() - minDays * DAY_MS).toISOString(),
  };
}

/** An hour as the database groups it: the first 13 characters of an ISO instant, "2026-11-23T09". */
export type HourKey = string;

/**
 * The local date of an hour on the desk's calendar. The database counts per UTC hour (the same
 * `substr` on both dialects, and at most 24 groups a day), and the hours become local days here, so a
 * day is the support team's day. Zones with a half-hour offset split an hour across two days; the
 * whole hour goes to the day its start falls in.
 */
export function localDateOfHour(timeZone: string, hour: HourKey): string {
  return formatDayNumber(localDayOf(timeZone, Date.parse(`${hour}:00:00.000Z`)));
}

/** Every local date of the period [from, to), in order, so days with nothing still show as zero. */
export function localDatesOf(timeZone: string, from: Date, to: Date): string[] {
  const first = localDayOf(timeZone, from.getTime());
  const last = localDayOf(timeZone, to.getTime() - 1);
  const dates: string[] = [];
  for (let day = first; day <= last; day += 1) dates.push(formatDayNumber(day));
  return dates;
}

export interface HourlyCount {
  hour: HourKey;
  channel: string;
  count: number;
}

export interface DailyChannelCounts {
  date: string;
  /** Channel → count; only channels with something that day. */
  byChannel: Record<string, number>;
  total: number;
}

/** Hourly counts per channel folded into the period's local days. */
export function dailyByChannel(
  timeZone: string,
  from: Date,
  to: Date,
  counts: readonly HourlyCount[],
): DailyChannelCounts[] {
  const days = new Map(
    localDatesOf(timeZone, from, to).map((date) => [date, { date, byChannel: {}, total: 0 }]),
  );
  // Rows come per hour and channel: each hour's date is worked out once (the zone's offset goes
  // through Intl, a large share of the report's time over a big desk's quarter when done per row).
  const dateOfHour = new Map<HourKey, string>();
  for (const { hour, channel, count } of counts) {
    let date = dateOfHour.get(hour);
    if (date === undefined) {
      date = localDateOfHour(timeZone, hour);
      dateOfHour.set(hour, date);
    }
    const day: DailyChannelCounts | undefined = days.get(date);
    // An hour can only fall outside when it straddles the period's edge; its count is from inside.
    if (!day) continue;
    day.byChannel[channel] = (day.byChannel[channel] ?? 0) + count;
    day.total += count;
  }
  return [...days.values()];
}

/** The instants of a local date on the calendar: [start, end), for a day's drill-down link. */
export function localDateBounds(timeZone: string, date: string): { from: string; to: string } {
  // A local day starts when its wall clock first reads midnight; a midnight skipped by a spring-forward
  // starts the day at the end of the gap, which is how `wallToInstant` resolves a skipped time.
  const midnight = Date.parse(`${date}T00:00:00.000Z`);
  return {
    from: new Date(wallToInstant(timeZone, midnight)).toISOString(),
    to: new Date(wallToInstant(timeZone, midnight + DAY_MS)).toISOString(),
  };
}
