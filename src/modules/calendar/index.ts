/** Business-hours arithmetic: the public entry of the calendar module. */
export { BusinessCalendar, NEVER_CLOSES_MS, NoOpenTimeError } from "./business-calendar.js";
export type {
  CalendarDefinition,
  ClosureInterval,
  OpeningWindow,
  Weekday,
} from "./calendar-definition.js";
export { type CalendarPresetName, calendarPresetNames, calendarPresets } from "./calendar-presets.js";
