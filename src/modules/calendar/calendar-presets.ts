import type { CalendarDefinition, OpeningWindow, Weekday } from "./calendar-definition.js";

export const calendarPresetNames = [
  "24x7",
  "us-pacific-business",
  "us-eastern-business",
  "utc-extended",
] as const;
export type CalendarPresetName = (typeof calendarPresetNames)[number];

function hours(days: readonly Weekday[], window: OpeningWindow): CalendarDefinition["weekly"] {
  return Object.freeze(Object.fromEntries(days.map((day) => [day, Object.freeze([window])])));
}

const mondayToFriday: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri"];
const everyDay: readonly Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Common calendars; frozen, so a caller spreading one into its own definition cannot change the original. */
export const calendarPresets: Readonly<Record<CalendarPresetName, Readonly<CalendarDefinition>>> =
  Object.freeze({
    "24x7": Object.freeze({ timeZone: "UTC", weekly: hours(everyDay, ["00:00", "24:00"]) }),
    "us-pacific-business": Object.freeze({
      timeZone: "America/Los_Angeles",
      weekly: hours(mondayToFriday, ["09:00", "17:00"]),
    }),
    "us-eastern-business": Object.freeze({
      timeZone: "America/New_York",
      weekly: hours(mondayToFriday, ["09:00", "17:00"]),
    }),
    "utc-extended": Object.freeze({ timeZone: "UTC", weekly: hours(mondayToFriday, ["09:00", "24:00"]) }),
  });

export function isCalendarPresetName(name: string): name is CalendarPresetName {
  return (calendarPresetNames as readonly string[]).includes(name);
}
