import { type FieldProblem, ValidationError } from "../../errors.js";
import { type HolidayPreset, parseHolidayPreset } from "./holiday-presets.js";
import { isKnownTimeZone, parseIsoDate } from "./zoned-time.js";

export const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof weekdays)[number];

/** A local opening window, `["09:00", "17:00"]`: open from the first time up to, not including, the second. */
export type OpeningWindow = readonly [opens: string, closes: string];

/** An absolute interval as ISO-8601 instants with an offset (`"2026-11-23T14:00:00Z"`) or Dates. */
export type ClosureInterval = readonly [from: string | Date, until: string | Date];

/** How a business calendar is written down: in config, in the API, in a preset. */
export interface CalendarDefinition {
  /** IANA zone in which the weekly hours, holidays and overrides are read. */
  timeZone: string;
  /** Opening windows per weekday; a weekday left out is closed. "24:00" closes at midnight. */
  weekly: Partial<Record<Weekday, readonly OpeningWindow[]>>;
  /** Local dates ("2026-12-25") closed all day, or public-holiday presets ("preset:US", "preset:DE-BE"). */
  holidays?: readonly string[];
  /** Local date → windows that replace that date's weekly hours and any holiday (`[]` closes the date). */
  overrides?: Readonly<Record<string, readonly OpeningWindow[]>>;
  /** Absolute intervals during which the desk is closed whatever the hours say. */
  closures?: readonly ClosureInterval[];
}

/** A window as minutes after local midnight, 0 ≤ start < end ≤ 1440. */
export interface MinuteWindow {
  readonly start: number;
  readonly end: number;
}

/** A definition checked and turned into numbers. */
export interface ParsedCalendar {
  readonly timeZone: string;
  /** Indexed 0 = Sunday … 6 = Saturday, sorted and with touching windows merged. */
  readonly weekly: readonly (readonly MinuteWindow[])[];
  readonly holidayDays: ReadonlySet<number>;
  readonly holidayPresets: readonly HolidayPreset[];
  readonly overrides: ReadonlyMap<number, readonly MinuteWindow[]>;
  /** Sorted, disjoint [from, until) instants in ms, flattened in pairs. */
  readonly closures: readonly number[];
}

const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;
const instantPattern =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]\d{2}:[0-5]\d)$/;

/**
 * Checks a definition that may have come from JSON and reports every problem at once, each naming its
 * field ("weekly.mon[1]", "holidays[0]"), so an admin can fix a calendar in one pass.
 */
export function parseCalendarDefinition(definition: CalendarDefinition): ParsedCalendar {
  const problems: FieldProblem[] = [];
  const report = (field: string, message: string) => problems.push({ field, message });

  if (!isRecord(definition)) throw ValidationError.field("calendar", "must be an object");

  const timeZone = definition.timeZone;
  if (typeof timeZone !== "string" || !isKnownTimeZone(timeZone)) {
    report(
      "timeZone",
      `unknown time zone ${JSON.stringify(timeZone)}; use an IANA name like "Europe/Berlin"`,
    );
  }

  const weekly: MinuteWindow[][] = weekdays.map(() => []);
  if (!isRecord(definition.weekly)) {
    report("weekly", 'must be an object of weekday → windows, e.g. { mon: [["09:00", "17:00"]] }');
  } else {
    for (const [key, windows] of Object.entries(definition.weekly)) {
      const index = weekdays.indexOf(key as Weekday);
      if (index < 0) {
        report(`weekly.${key}`, `unknown weekday; use one of ${weekdays.join(", ")}`);
        continue;
      }
      weekly[index] = parseWindows(windows, `weekly.${key}`, report);
    }
  }

  const holidayDays = new Set<number>();
  const holidayPresets: HolidayPreset[] = [];
  if (definition.holidays !== undefined) {
    if (!Array.isArray(definition.holidays)) report("holidays", "must be a list of dates");
    else {
      for (const [index, entry] of (definition.holidays as unknown[]).entries()) {
        const field = `holidays[${index}]`;
        if (typeof entry !== "string") {
          report(field, 'must be a "YYYY-MM-DD" date or "preset:CC"');
        } else if (entry.startsWith("preset:")) {
          const preset = parseHolidayPreset(entry);
          if (preset === undefined) report(field, `unknown holiday preset "${entry}"; e.g. "preset:US-CA"`);
          else holidayPresets.push(preset);
        } else {
          const day = parseIsoDate(entry);
          if (day === undefined) report(field, `"${entry}" is not a "YYYY-MM-DD" date`);
          else holidayDays.add(day);
        }
      }
    }
  }

  const overrides = new Map<number, MinuteWindow[]>();
  if (definition.overrides !== undefined) {
    if (!isRecord(definition.overrides)) report("overrides", "must be an object of date → windows");
    else {
      for (const [date, windows] of Object.entries(definition.overrides)) {
        const day = parseIsoDate(date);
        if (day === undefined) report(`overrides.${date}`, `"${date}" is not a "YYYY-MM-DD" date`);
        else overrides.set(day, parseWindows(windows, `overrides.${date}`, report));
      }
    }
  }

  let closures: number[] = [];
  if (definition.closures !== undefined) {
    if (!Array.isArray(definition.closures)) report("closures", "must be a list of [from, until] pairs");
    else closures = parseClosures(definition.closures, report);
  }

  if (problems.length > 0) throw new ValidationError(problems);
  return { timeZone: timeZone as string, weekly, holidayDays, holidayPresets, overrides, closures };
}

function parseWindows(
  windows: unknown,
  field: string,
  report: (field: string, message: string) => void,
): MinuteWindow[] {
  if (!Array.isArray(windows)) {
    report(field, 'must be a list of windows, e.g. [["09:00", "17:00"]]');
    return [];
  }
  const parsed: { start: number; end: number; index: number }[] = [];
  for (const [index, window] of (windows as unknown[]).entries()) {
    const windowField = `${field}[${index}]`;
    if (!Array.isArray(window) || window.length !== 2) {
      report(windowField, 'must be a pair of times, e.g. ["09:00", "17:00"]');
      continue;
    }
    const start = parseTime(window[0]);
    const end = parseTime(window[1]);
    if (start === undefined || end === undefined) {
      report(windowField, 'times must be "HH:MM" from "00:00" to "24:00"');
    } else if (start >= end) {
      report(windowField, `opens at ${window[0]} but closes at ${window[1]}; it must close later`);
    } else {
      parsed.push({ start, end, index });
    }
  }
  parsed.sort((a, b) => a.start - b.start);
  const merged: MinuteWindow[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const current = parsed[i]!;
    const previous = parsed[i - 1];
    if (previous !== undefined && current.start < previous.end) {
      const [later, earlier] = current.index > previous.index ? [current, previous] : [previous, current];
      report(`${field}[${later.index}]`, `overlaps ${field}[${earlier.index}]`);
      continue;
    }
    const last = merged[merged.length - 1];
    // Touching windows (12:00 closes, 12:00 opens) are one opening; merging keeps nextClose honest.
    if (last !== undefined && last.end === current.start)
      merged[merged.length - 1] = { ...last, end: current.end };
    else merged.push({ start: current.start, end: current.end });
  }
  return merged;
}

/** Minutes after midnight for "HH:MM", 1440 for "24:00". */
function parseTime(text: unknown): number | undefined {
  if (text === "24:00") return 1440;
  if (typeof text !== "string") return undefined;
  const match = timePattern.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

function parseClosures(closures: readonly unknown[], report: (field: string, message: string) => void) {
  const intervals: { from: number; until: number }[] = [];
  for (const [index, closure] of closures.entries()) {
    const field = `closures[${index}]`;
    if (!Array.isArray(closure) || closure.length !== 2) {
      report(field, 'must be a pair of instants, e.g. ["2026-11-23T14:00:00Z", "2026-11-23T16:00:00Z"]');
      continue;
    }
    const from = parseInstant(closure[0]);
    const until = parseInstant(closure[1]);
    if (from === undefined || until === undefined) {
      report(field, "instants must be ISO-8601 with a Z or ±HH:MM offset, or valid Dates");
    } else if (from >= until) {
      report(field, "must end after it starts");
    } else {
      intervals.push({ from, until });
    }
  }
  intervals.sort((a, b) => a.from - b.from);
  const flat: number[] = [];
  for (const { from, until } of intervals) {
    const lastUntil = flat[flat.length - 1];
    if (lastUntil !== undefined && from <= lastUntil) flat[flat.length - 1] = Math.max(lastUntil, until);
    else flat.push(from, until);
  }
  return flat;
}

function parseInstant(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  // A closure without an offset would silently mean the server's zone, so an offset is required.
  if (typeof value !== "string") return undefined;
  const match = instantPattern.exec(value);
  // Date.parse rolls "02-30" over into March, so the date part is checked on its own.
  if (match === null || parseIsoDate(match[1]!) === undefined) return undefined;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? undefined : instant;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
