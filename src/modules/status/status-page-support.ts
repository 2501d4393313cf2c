import type { CalendarDefinition, Weekday } from "../calendar/calendar-definition.js";
import { formatDuration } from "../sla/format-duration.js";
import type { StoredTarget } from "../sla/sla-types.js";

/**
 * The page's transparency section (pure): the support calendar's opening hours in words and the first
 * response each severity is promised by the active policies — what the objectives say a customer may
 * count on, read from the SLA configuration itself so the page can never promise what the desk doesn't.
 */

export interface SupportPromises {
  calendarName: string;
  timeZone: string;
  /** "Monday–Friday 09:00–17:00", one line per run of days with the same hours. */
  hours: string[];
  responseObjectives: { severity: string; label: string; promises: string[] }[];
}

const dayOrder: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const dayNames: Record<Weekday, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};
const BUSINESS_DAY_MS = 8 * 60 * 60 * 1000;

export function openingHoursInWords(weekly: CalendarDefinition["weekly"]): string[] {
  const hoursOf = (day: Weekday) =>
    (weekly[day] ?? [])
      .map(([opens, closes]) => `${opens}–${closes === "24:00" ? "24:00" : closes}`)
      .join(", ");
  const lines: string[] = [];
  let runStart = 0;
  for (let index = 1; index <= dayOrder.length; index += 1) {
    const previous = dayOrder[index - 1] as Weekday;
    const current = dayOrder[index];
    if (current !== undefined && hoursOf(current) === hoursOf(previous)) continue;
    const first = dayOrder[runStart] as Weekday;
    const hours = hoursOf(previous);
    if (hours !== "") {
      const days = first === previous ? dayNames[first] : `${dayNames[first]}–${dayNames[previous]}`;
      lines.push(`${days} ${hours}`);
    }
    runStart = index;
  }
  return lines;
}

function promiseInWords(
  target: StoredTarget,
  policyName: string,
  calendarNames: ReadonlyMap<string, string>,
) {
  if (target.calendarId === null)
    return `First response within ${formatDuration(target.durationMs)}, around the clock (${policyName})`;
  const calendar = calendarNames.get(target.calendarId) ?? "support hours";
  const amount =
    target.durationMs >= 2 * BUSINESS_DAY_MS && target.durationMs % BUSINESS_DAY_MS === 0
      ? `${target.durationMs / BUSINESS_DAY_MS} business days`
      : `${formatDuration(target.durationMs)} of business hours`;
  return `First response within ${amount} on ${calendar} (${policyName})`;
}

const severityLabels: Record<string, string> = { sev1: "Sev 1", sev2: "Sev 2" };

export function supportPromises(input: {
  calendar: { name: string; definition: Pick<CalendarDefinition, "timeZone" | "weekly"> } | null;
  policies: readonly { name: string; active: boolean; targets: readonly StoredTarget[] }[];
  calendarNames: ReadonlyMap<string, string>;
  severities: readonly string[];
}): SupportPromises | null {
  if (!input.calendar) return null;
  const responseObjectives = input.severities.map((severity) => ({
    severity,
    label: severityLabels[severity] ?? severity,
    // Only targets written for a severity are promises to customers; a target for every ticket (the
    // internal one-hour first response) is the team's own aim, not something to publish.
    promises: input.policies
      .filter((policy) => policy.active)
      .flatMap((policy) =>
        policy.targets
          .filter(
            (target) =>
              target.metric === "first_response" && target.conditions?.severities?.includes(severity),
          )
          .map((target) => promiseInWords(target, policy.name, input.calendarNames)),
      ),
  }));
  return {
    calendarName: input.calendar.name,
    timeZone: input.calendar.definition.timeZone,
    hours: openingHoursInWords(input.calendar.definition.weekly),
    responseObjectives: responseObjectives.filter((objective) => objective.promises.length > 0),
  };
}
