/**
 * Time-zone arithmetic on plain millisecond numbers, through Intl only.
 *
 * A "wall" value is a local date and time written as if it were UTC (`Date.UTC` of the
 * wall-clock fields), so local dates and times can be added and compared as numbers.
 * A "day number" is a local date as whole days since 1970-01-01.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Formatters kept per zone: making one costs a fifth of a millisecond, using one a microsecond. */
function keptPerZone(
  locale: string,
  options: Intl.DateTimeFormatOptions,
): (timeZone: string) => Intl.DateTimeFormat {
  const formatters = new Map<string, Intl.DateTimeFormat>();
  return (timeZone) => {
    let formatter = formatters.get(timeZone);
    if (formatter === undefined) {
      formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone });
      formatters.set(timeZone, formatter);
    }
    return formatter;
  };
}

const formatterFor = keptPerZone("en-US", {
  era: "short",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
  hourCycle: "h23",
});

/**
 * Weekday, day, month and 24-hour time in a zone ("Monday 21 December, 09:00" as `format` gives it),
 * for times people read in mail.
 */
export const readableDateTimeFormat = keptPerZone("en-GB", {
  weekday: "long",
  day: "numeric",
  month: "long",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** True when the runtime's time-zone database knows `timeZone` (an IANA name such as "Europe/Berlin"). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === "") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `Date.UTC` without its habit of reading years 0–99 as 1900–1999. */
export function wallFromFields(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Milliseconds to add to `instant` to read the wall clock in `timeZone` (negative west of Greenwich). */
export function offsetAt(timeZone: string, instant: number): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  let beforeCommonEra = false;
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type === "era") beforeCommonEra = part.value === "BC" || part.value === "B";
    else if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const year = beforeCommonEra ? 1 - fields.year : fields.year;
  const wall = wallFromFields(year, fields.month, fields.day, fields.hour, fields.minute, fields.second);
  // Intl prints whole seconds, so compare against the start of the instant's second.
  return wall - (instant - mod(instant, 1000));
}

/**
 * The instant at which the wall clock in `timeZone` reads `wall`, disambiguated like Temporal's
 * "compatible": a time skipped by a spring-forward moves forward by the length of the gap, and a time
 * repeated by a fall-back takes the earlier of its two instants.
 */
export function wallToInstant(timeZone: string, wall: number): number {
  const day = Math.floor(wall / DAY_MS);
  const offsetBeforeDay = offsetAtUtcMidnight(timeZone, day - 1);
  // No transition in the three days around the wall date: one offset serves (the common, cached case).
  if (offsetBeforeDay === offsetAtUtcMidnight(timeZone, day + 2)) return wall - offsetBeforeDay;
  // Offsets a day either side bracket any single transition, as in the Temporal polyfill.
  const offsetBefore = offsetAt(timeZone, wall - DAY_MS);
  const offsetAfter = offsetAt(timeZone, wall + DAY_MS);
  const earlier = wall - offsetBefore;
  if (offsetBefore === offsetAfter) return earlier;
  const later = wall - offsetAfter;
  const earlierFits = offsetAt(timeZone, earlier) === offsetBefore;
  const laterFits = offsetAt(timeZone, later) === offsetAfter;
  if (earlierFits && laterFits) return Math.min(earlier, later);
  if (earlierFits) return earlier;
  if (laterFits) return later;
  // In a gap neither reading exists; the old offset carries the wall time past the gap by its length.
  return earlier;
}

const midnightOffsets = new Map<string, Map<number, number>>();

/**
 * Offsets at UTC midnights, memoised per zone: building a calendar asks for the same few days again and
 * again, and each Intl call costs about a microsecond.
 */
function offsetAtUtcMidnight(timeZone: string, day: number): number {
  let offsets = midnightOffsets.get(timeZone);
  if (offsets === undefined) {
    offsets = new Map();
    midnightOffsets.set(timeZone, offsets);
  }
  let offset = offsets.get(day);
  if (offset === undefined) {
    offset = offsetAt(timeZone, day * DAY_MS);
    offsets.set(day, offset);
  }
  return offset;
}

/**
 * The instants in [from, to) at which `timeZone`'s offset changes (daylight saving, a zone's change
 * of standard time), to the millisecond. A wall-clock rule ("covered from 02:30") starts at such an
 * instant when its wall time is skipped, which no conversion of the wall time itself finds.
 */
export function offsetTransitions(timeZone: string, from: number, to: number): number[] {
  const transitions: number[] = [];
  for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day += 1) {
    // Zones change offset at most once a day; a day with equal offsets at both ends has none.
    if (offsetAtUtcMidnight(timeZone, day) === offsetAtUtcMidnight(timeZone, day + 1)) continue;
    let before = day * DAY_MS;
    let after = (day + 1) * DAY_MS;
    const offsetBefore = offsetAt(timeZone, before);
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (offsetAt(timeZone, middle) === offsetBefore) before = middle;
      else after = middle;
    }
    if (after >= from && after < to) transitions.push(after);
  }
  return transitions;
}

/** The local date, as a day number, of `instant` in `timeZone`. */
export function localDayOf(timeZone: string, instant: number): number {
  return Math.floor((instant + offsetAt(timeZone, instant)) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, as `Date#getUTCDay`. */
export function weekdayOfDay(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return mod(dayNumber + 4, 7);
}

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses a "YYYY-MM-DD" calendar date to a day number; undefined when malformed or not a real date. */
export function parseIsoDate(text: string): number | undefined {
  const match = isoDatePattern.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const wall = wallFromFields(year, month, day);
  const check = new Date(wall);
  // setUTCFullYear rolls 2026-02-30 over into March; a round trip catches it.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return wall / DAY_MS;
}

/** The "YYYY-MM-DD" form of a day number. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The Gregorian year of a day number. */
export function yearOfDay(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCFullYear();
}

export function mod(value: number, divisor: number): number {
  const remainder = value % divisor;
  return remainder < 0 ? remainder + divisor : remainder;
}
