import { type BusinessCalendar, NoOpenTimeError } from "../calendar/index.js";
import { isKnownTimeZone, readableDateTimeFormat } from "../calendar/zoned-time.js";

/**
 * The automatic acknowledgement of a ticket that arrives while support is closed: the words, and when
 * support opens next in the requester's time zone. Pure; `acknowledge-while-closed.ts` stores it.
 */

export const defaultAcknowledgementTemplate =
  "Thanks for writing. Our support team is away right now; we'll be back {nextOpen}.";

/** What a template may say: `{nextOpen}` ("Monday 23 November at 09:00 (America/New_York)") and the requester's name. */
export const acknowledgementPlaceholders = ["nextOpen", "requesterName"] as const;
const placeholderPattern = /\{([^{}]*)\}/g;

/** What is wrong with a template, or undefined: it must say when support is back, and nothing unknown. */
export function templateProblem(template: string): string | undefined {
  if (template.trim() === "") return "must not be empty";
  for (const match of template.matchAll(placeholderPattern)) {
    const name = match[1] ?? "";
    if (!(acknowledgementPlaceholders as readonly string[]).includes(name)) {
      return `unknown placeholder {${name}}; use ${acknowledgementPlaceholders.map((p) => `{${p}}`).join(" or ")}`;
    }
  }
  if (!template.includes("{nextOpen}")) return "must say when support is back: include {nextOpen}";
  return undefined;
}

/**
 * The zone to tell the time in. People's time zone defaults to UTC when nobody set it (a customer
 * created from an email), so UTC reads as "not known" and the support calendar's zone is used instead.
 * The zone is always named in the message, so either way the time is right.
 */
export function acknowledgementTimeZone(requesterTimeZone: string | null, calendarTimeZone: string): string {
  if (!requesterTimeZone || requesterTimeZone === "UTC" || !isKnownTimeZone(requesterTimeZone)) {
    return calendarTimeZone;
  }
  return requesterTimeZone;
}

/** "Monday 23 November at 09:00 (America/New_York)": unambiguous on any continent, 24-hour clock. */
export function formatReturnTime(at: Date, timeZone: string): string {
  const parts = readableDateTimeFormat(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("day")} ${part("month")} at ${part("hour")}:${part("minute")} (${timeZone})`;
}

export function renderAcknowledgement(
  template: string,
  values: Record<(typeof acknowledgementPlaceholders)[number], string>,
): string {
  return template.replace(placeholderPattern, (whole, name: string) =>
    name in values ? values[name as keyof typeof values] : whole,
  );
}

/**
 * The acknowledgement for a ticket arriving at `arrivedAt`, or null when support is open then (a person
 * will see it) or never opens again (a promise to be back would be false).
 */
export function closedHoursAcknowledgement(input: {
  calendar: BusinessCalendar;
  arrivedAt: Date;
  template: string;
  requester: { name: string; timeZone: string | null };
}): { text: string; nextOpenAt: Date; timeZone: string } | null {
  const { calendar, arrivedAt } = input;
  if (calendar.isOpen(arrivedAt)) return null;
  let nextOpenAt: Date;
  try {
    nextOpenAt = calendar.nextOpen(arrivedAt);
  } catch (error) {
    if (error instanceof NoOpenTimeError) return null;
    throw error;
  }
  const timeZone = acknowledgementTimeZone(input.requester.timeZone, calendar.timeZone);
  const text = renderAcknowledgement(input.template, {
    nextOpen: formatReturnTime(nextOpenAt, timeZone),
    requesterName: input.requester.name,
  });
  return { text, nextOpenAt, timeZone };
}
