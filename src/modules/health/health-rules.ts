import { type BusinessCalendar, NEVER_CLOSES_MS, NoOpenTimeError } from "../calendar/index.js";
import { DAY_MS, localDayOf, MINUTE_MS, wallToInstant } from "../calendar/zoned-time.js";

/**
 * The ticket health rules from the service objectives, as pure functions of plain values and a business
 * calendar. No I/O and no clock: the sweep passes `now`, the repository passes what happened on a ticket.
 *
 * - "Unacknowledged at end of day": a New ticket nobody acknowledged (moved out of New, or answered in
 *   public by an agent) by the end of its business day.
 * - "Open over a day": an Open ticket with no agent update for one business day (8 open hours).
 *
 * Both need business hours. Without a support calendar they are inert: "end of day" and "business day"
 * mean nothing on a desk that never closes, and counting 8 wall-clock hours would flag every ticket every
 * night. A desk that wants round-the-clock counting names a 24x7 calendar (which still has no end of day).
 */

export const healthFlagKinds = ["unacknowledged_end_of_day", "open_over_a_day"] as const;
export type HealthFlagKind = (typeof healthFlagKinds)[number];

export const healthFlagLabels: Record<HealthFlagKind, string> = {
  unacknowledged_end_of_day: "unacknowledged at end of day",
  open_over_a_day: "open over a day",
};

/** One business day of support hours: 09:00–17:00. */
export const BUSINESS_DAY_MS = 8 * 60 * MINUTE_MS;

/** When a business day ends for the first rule: the close of its last opening window, or a local time. */
export type EndOfDay = { kind: "close" } | { kind: "time"; minutes: number };

const endOfDayTime = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `"close"` or a local `"HH:MM"`; undefined for anything else. */
export function parseEndOfDay(text: string): EndOfDay | undefined {
  if (text === "close") return { kind: "close" };
  const match = endOfDayTime.exec(text);
  if (match === null) return undefined;
  return { kind: "time", minutes: Number(match[1]) * 60 + Number(match[2]) };
}

/**
 * The business day a ticket belongs to: the one it arrived in, or, arriving while support is closed
 * (evening, weekend, holiday), the next one. Given as the instant work can start and that instant's
 * local date (a day number) on the calendar; null when the calendar never opens again.
 */
export function businessDayOf(
  calendar: BusinessCalendar,
  arrivedAt: Date,
): { opensAt: Date; day: number } | null {
  const opensAt = nextOpenOrNull(calendar, arrivedAt);
  if (opensAt === null) return null;
  return { opensAt, day: localDayOf(calendar.timeZone, opensAt.getTime()) };
}

/**
 * The close of business day `day`, working from `opensAt` inside it: the close of the day's last opening
 * window. A split day (09:00–12:00, 13:00–17:00) ends at 17:00, not at the lunch break, so windows are
 * followed while the next opening falls on the same local date. A window that runs past midnight into
 * the next date's first window (a night shift, 20:00–24:00 then 00:00–04:00) is one opening and ends the
 * day at its close, the end of the shift. Null on a calendar that never closes: it has no end of day.
 */
export function closeOfBusinessDay(calendar: BusinessCalendar, opensAt: Date, day: number): Date | null {
  let closesAt = calendar.nextClose(opensAt);
  for (;;) {
    if (closesAt.getTime() >= NEVER_CLOSES_MS) return null;
    const reopensAt = nextOpenOrNull(calendar, closesAt);
    if (reopensAt === null || localDayOf(calendar.timeZone, reopensAt.getTime()) !== day) return closesAt;
    closesAt = calendar.nextClose(reopensAt);
  }
}

/**
 * By when a New ticket must be acknowledged: the end of its business day. With a set time ("17:00"), a
 * ticket arriving at or after that time on a day the desk is still open (extended hours) belongs to the
 * next business day: it cannot be late the moment it arrives. Null when the rule cannot apply.
 */
export function acknowledgementDeadline(
  calendar: BusinessCalendar,
  arrivedAt: Date,
  endOfDay: EndOfDay,
): Date | null {
  const business = businessDayOf(calendar, arrivedAt);
  if (business === null) return null;
  if (endOfDay.kind === "close") return closeOfBusinessDay(calendar, business.opensAt, business.day);
  const atTime = (day: number) =>
    new Date(wallToInstant(calendar.timeZone, day * DAY_MS + endOfDay.minutes * MINUTE_MS));
  const deadline = atTime(business.day);
  if (deadline.getTime() > arrivedAt.getTime()) return deadline;
  const nextMidnight = new Date(wallToInstant(calendar.timeZone, (business.day + 1) * DAY_MS));
  const next = businessDayOf(calendar, nextMidnight);
  return next === null ? null : atTime(next.day);
}

/** What the first rule needs to know about a ticket. */
export interface AcknowledgementFacts {
  status: string;
  createdAt: Date;
  /** The first status change out of New, by anyone. */
  leftNewAt: Date | null;
  /** The first public reply by an agent after the description; Tend's own messages do not count. */
  firstAgentReplyAt: Date | null;
}

/** When the ticket was acknowledged: moved out of New or answered in public by an agent, whichever came first. */
export function acknowledgedAt(facts: AcknowledgementFacts): Date | null {
  const instants = [facts.leftNewAt, facts.firstAgentReplyAt].filter((at): at is Date => at !== null);
  if (instants.length === 0) return facts.status === "new" ? null : facts.createdAt;
  return new Date(Math.min(...instants.map((at) => at.getTime())));
}

/**
 * The deadline a New ticket missed, if it is to be flagged now; null otherwise. An acknowledgement that
 * lands between the deadline and the sweep wins, as a reply does against the lifecycle rules: flagging a
 * ticket someone has just answered would only be noise.
 */
export function missedAcknowledgementDeadline(
  facts: AcknowledgementFacts,
  calendar: BusinessCalendar,
  endOfDay: EndOfDay,
  now: Date,
): Date | null {
  if (facts.status !== "new" || acknowledgedAt(facts) !== null) return null;
  const deadline = acknowledgementDeadline(calendar, facts.createdAt, endOfDay);
  return deadline !== null && deadline.getTime() <= now.getTime() ? deadline : null;
}

/** What the second rule needs to know about a ticket. */
export interface IdleFacts {
  status: string;
  /** The last time the ticket became Open (created Open, or moved to Open). */
  lastOpenedAt: Date;
  /** The last change or comment by an agent or admin, public or internal; null if none. */
  lastAgentUpdateAt: Date | null;
}

/**
 * Silence is counted from the later of the last agent update and the moment the ticket last became Open:
 * a ticket a customer reopens after a week on Pending has waited on us since the reopening, not a week.
 */
export function idleSince(facts: IdleFacts): Date {
  const lastUpdate = facts.lastAgentUpdateAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return new Date(Math.max(facts.lastOpenedAt.getTime(), lastUpdate));
}

/** When an Open ticket silent since `since` has been idle for `idleMs` of open time. */
export function idleDueAt(calendar: BusinessCalendar, since: Date, idleMs: number): Date | null {
  try {
    return calendar.add(since, idleMs);
  } catch (error) {
    if (error instanceof NoOpenTimeError) return null;
    throw error;
  }
}

/** The due instant of an idle Open ticket's flag, if it is to be flagged now; null otherwise. */
export function idleFlagDueAt(
  facts: IdleFacts,
  calendar: BusinessCalendar,
  idleMs: number,
  now: Date,
): Date | null {
  if (facts.status !== "open") return null;
  const dueAt = idleDueAt(calendar, idleSince(facts), idleMs);
  return dueAt !== null && dueAt.getTime() <= now.getTime() ? dueAt : null;
}

/** How far back the sweep looks for tickets falling due: the calendar's own search horizon. */
const horizonMs = 2 * 366 * DAY_MS;

/**
 * The latest start (arrival, or beginning of silence) that is due by `now`, for a rule under which
 * earlier starts never fall due later than later ones: both rules are, as the calendar only moves
 * forward. So the sweep selects exactly the due tickets with one range condition on the start instead of
 * reading every candidate. Binary search to the millisecond: about 46 probes of the calendar.
 * Undefined when nothing in the last two years is due.
 */
export function latestDueStart(now: Date, isDue: (start: Date) => boolean): Date | undefined {
  const nowMs = now.getTime();
  let due = nowMs - horizonMs;
  if (!isDue(new Date(due))) return undefined;
  if (isDue(now)) return now;
  let notDue = nowMs;
  while (notDue - due > 1) {
    const middle = Math.floor((due + notDue) / 2);
    if (isDue(new Date(middle))) due = middle;
    else notDue = middle;
  }
  return new Date(due);
}

/** The latest arrival whose acknowledgement deadline has passed by `now`. */
export function latestArrivalPastDeadline(
  calendar: BusinessCalendar,
  endOfDay: EndOfDay,
  now: Date,
): Date | undefined {
  return latestDueStart(now, (arrivedAt) => {
    const deadline = acknowledgementDeadline(calendar, arrivedAt, endOfDay);
    return deadline !== null && deadline.getTime() <= now.getTime();
  });
}

/** The latest start of a silence that has lasted `idleMs` of open time by `now`. */
export function latestIdleStartDue(calendar: BusinessCalendar, idleMs: number, now: Date): Date | undefined {
  return latestDueStart(now, (since) => {
    const dueAt = idleDueAt(calendar, since, idleMs);
    return dueAt !== null && dueAt.getTime() <= now.getTime();
  });
}

function nextOpenOrNull(calendar: BusinessCalendar, at: Date): Date | null {
  try {
    return calendar.nextOpen(at);
  } catch (error) {
    if (error instanceof NoOpenTimeError) return null;
    throw error;
  }
}
