import { ValidationError } from "../../errors.js";
import {
  type CalendarDefinition,
  type MinuteWindow,
  type ParsedCalendar,
  parseCalendarDefinition,
} from "./calendar-definition.js";
import {
  type CalendarPresetName,
  calendarPresetNames,
  calendarPresets,
  isCalendarPresetName,
} from "./calendar-presets.js";
import { publicHolidayDays } from "./holiday-presets.js";
import { DAY_MS, MINUTE_MS, wallToInstant, weekdayOfDay, yearOfDay } from "./zoned-time.js";

/**
 * What `nextClose` returns for a calendar that stays open for the whole search horizon (a 24x7 desk):
 * the last instant a Date can hold, so "due before close" comparisons keep working without a special case.
 */
export const NEVER_CLOSES_MS = 8_640_000_000_000_000;

/**
 * Open time is precomputed in blocks of this many UTC days. Each block holds the open intervals of every
 * local date that touches it, as absolute instants with running totals, so `add` and `elapsed` are a
 * binary search or two instead of a walk; 64 days keeps a 30-day span within one or two blocks while a
 * block still builds in under a millisecond.
 */
const BLOCK_DAYS = 64;
const BLOCK_MS = BLOCK_DAYS * DAY_MS;

/**
 * How far `nextOpen`, `nextClose` and `add` search through closed (or, for nextClose, open) time before
 * giving up: two years, so a calendar with no open day at all fails fast instead of looping forever,
 * while a long closure such as a year-end shutdown is still crossed.
 */
const SEARCH_HORIZON_BLOCKS = Math.ceil((2 * 366) / BLOCK_DAYS);

/** Thrown by `nextOpen` and `add` when a calendar has no open time within the two-year search horizon. */
export class NoOpenTimeError extends ValidationError {
  constructor(after: number) {
    super({
      field: "calendar",
      message: `the calendar has no open time within two years after ${new Date(after).toISOString()}`,
    });
  }
}

/** Sorted, disjoint open intervals [starts[i], ends[i]) inside one block, clipped to it. */
interface OpenBlock {
  readonly until: number;
  readonly count: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Open milliseconds in the block up to ends[i]. */
  readonly openThrough: Float64Array;
  readonly totalOpen: number;
}

const noWindows: readonly MinuteWindow[] = [];

/**
 * Business-hours arithmetic for one calendar. Windows are half-open: the closing instant is closed.
 * Pure apart from memoisation: the same calendar answers the same question the same way.
 */
export class BusinessCalendar {
  readonly timeZone: string;
  private readonly calendar: ParsedCalendar;
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly presetHolidayDays = new Set<number>();
  private readonly presetYearsLoaded = new Set<number>();

  /** @throws ValidationError naming each bad field, e.g. "timeZone", "weekly.mon[1]", "holidays[0]". */
  constructor(definition: CalendarDefinition) {
    this.calendar = parseCalendarDefinition(definition);
    this.timeZone = this.calendar.timeZone;
  }

  /** A preset calendar, optionally with holidays, overrides or closures of its own. */
  static preset(
    name: CalendarPresetName,
    extra: Pick<CalendarDefinition, "holidays" | "overrides" | "closures"> = {},
  ): BusinessCalendar {
    if (!isCalendarPresetName(name)) {
      throw ValidationError.field(
        "preset",
        `unknown calendar preset; use one of ${calendarPresetNames.join(", ")}`,
      );
    }
    return new BusinessCalendar({ ...calendarPresets[name], ...extra });
  }

  isOpen(t: Date): boolean {
    const at = instantOf(t, "t");
    const block = this.blockAt(Math.floor(at / BLOCK_MS));
    const i = lastStartAtOrBefore(block, at);
    return i >= 0 && at < block.ends[i]!;
  }

  /**
   * The earliest open instant at or after `t` (`t` itself when open).
   * @throws NoOpenTimeError when nothing opens within two years.
   */
  nextOpen(t: Date): Date {
    const at = instantOf(t, "t");
    let index = Math.floor(at / BLOCK_MS);
    let block = this.blockAt(index);
    const i = lastStartAtOrBefore(block, at);
    if (i >= 0 && at < block.ends[i]!) return new Date(at);
    let next = i + 1;
    for (let searched = 0; next >= block.count; searched++) {
      if (searched >= SEARCH_HORIZON_BLOCKS) throw new NoOpenTimeError(at);
      block = this.blockAt(++index);
      next = 0;
    }
    return new Date(block.starts[next]!);
  }

  /**
   * The earliest closed instant at or after `t` (`t` itself when closed). A calendar still open two years
   * on returns `new Date(NEVER_CLOSES_MS)`.
   */
  nextClose(t: Date): Date {
    const at = instantOf(t, "t");
    let index = Math.floor(at / BLOCK_MS);
    let block = this.blockAt(index);
    const i = lastStartAtOrBefore(block, at);
    if (i < 0 || at >= block.ends[i]!) return new Date(at);
    let closes = block.ends[i]!;
    // An interval cut at a block's edge may go on in the next block; only there can a close be false.
    for (let searched = 0; closes === block.until; searched++) {
      if (searched >= SEARCH_HORIZON_BLOCKS) return new Date(NEVER_CLOSES_MS);
      block = this.blockAt(++index);
      if (block.count === 0 || block.starts[0] !== closes) break;
      closes = block.ends[0]!;
    }
    return new Date(closes);
  }

  /**
   * The earliest instant r ≥ start with exactly `ms` of open time in [start, r). So an amount that runs out
   * at closing time gives the closing instant (Friday 17:00, not Monday 09:00), and `add(t, 0)` is `t`.
   * @throws ValidationError for a negative or fractional `ms`; NoOpenTimeError past two years of closure.
   */
  add(start: Date, ms: number): Date {
    const from = instantOf(start, "start");
    if (!Number.isSafeInteger(ms) || ms < 0) {
      throw ValidationError.field("ms", "must be a whole, non-negative number of milliseconds");
    }
    if (ms === 0) return new Date(from);
    let index = Math.floor(from / BLOCK_MS);
    let block = this.blockAt(index);
    let target = openBefore(block, from) + ms;
    let closedBlocks = 0;
    while (target > block.totalOpen) {
      target -= block.totalOpen;
      block = this.blockAt(++index);
      if (block.totalOpen > 0) closedBlocks = 0;
      else if (++closedBlocks > SEARCH_HORIZON_BLOCKS) throw new NoOpenTimeError(from);
    }
    // The first interval whose running total reaches the target holds the earliest answer.
    let low = 0;
    let high = block.count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (block.openThrough[middle]! >= target) high = middle;
      else low = middle + 1;
    }
    return new Date(block.ends[low]! - (block.openThrough[low]! - target));
  }

  /**
   * Milliseconds of open time in [start, end), in real time: an open day with a fall-back has 25 hours.
   * An `end` before `start` gives 0 rather than a negative amount, so a clock stopped "in the future" by a
   * skewed timestamp reads as no time spent, not as time refunded.
   */
  elapsed(start: Date, end: Date): number {
    const from = instantOf(start, "start");
    const until = instantOf(end, "end");
    if (until <= from) return 0;
    let index = Math.floor(from / BLOCK_MS);
    const lastIndex = Math.floor(until / BLOCK_MS);
    const first = this.blockAt(index);
    if (index === lastIndex) return openBefore(first, until) - openBefore(first, from);
    let open = first.totalOpen - openBefore(first, from);
    while (++index < lastIndex) open += this.blockAt(index).totalOpen;
    return open + openBefore(this.blockAt(lastIndex), until);
  }

  private blockAt(index: number): OpenBlock {
    let block = this.blocks.get(index);
    if (block === undefined) {
      block = this.buildBlock(index);
      this.blocks.set(index, block);
    }
    return block;
  }

  private buildBlock(index: number): OpenBlock {
    const from = index * BLOCK_MS;
    const until = from + BLOCK_MS;
    // Local dates within two days of the UTC dates cover every offset the zone database holds (±14 h today).
    const firstDay = Math.floor(from / DAY_MS) - 2;
    const lastDay = Math.floor(until / DAY_MS) + 2;
    this.loadPresetHolidays(firstDay, lastDay);

    const intervals: [number, number][] = [];
    for (let day = firstDay; day <= lastDay; day++) {
      for (const window of this.windowsOn(day)) {
        const opens = wallToInstant(this.timeZone, day * DAY_MS + window.start * MINUTE_MS);
        const closes = wallToInstant(this.timeZone, day * DAY_MS + window.end * MINUTE_MS);
        const clippedOpens = Math.max(opens, from);
        const clippedCloses = Math.min(closes, until);
        if (clippedOpens < clippedCloses) intervals.push([clippedOpens, clippedCloses]);
      }
    }
    // A window opening inside a spring-forward gap moves later than one opening just after it, so the
    // instants are re-sorted and merged rather than trusted to follow the local order.
    intervals.sort((a, b) => a[0] - b[0]);
    const merged: number[] = [];
    for (const [opens, closes] of intervals) {
      const lastCloses = merged[merged.length - 1];
      if (lastCloses !== undefined && opens <= lastCloses)
        merged[merged.length - 1] = Math.max(lastCloses, closes);
      else merged.push(opens, closes);
    }
    const open = subtractIntervals(merged, this.calendar.closures);

    const count = open.length / 2;
    const starts = new Float64Array(count);
    const ends = new Float64Array(count);
    const openThrough = new Float64Array(count);
    let totalOpen = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = open[2 * i]!;
      ends[i] = open[2 * i + 1]!;
      totalOpen += ends[i]! - starts[i]!;
      openThrough[i] = totalOpen;
    }
    return { until, count, starts, ends, openThrough, totalOpen };
  }

  /** An override beats a holiday, so a desk can open on a preset holiday it chooses to work. */
  private windowsOn(day: number): readonly MinuteWindow[] {
    const override = this.calendar.overrides.get(day);
    if (override !== undefined) return override;
    if (this.calendar.holidayDays.has(day) || this.presetHolidayDays.has(day)) return noWindows;
    return this.calendar.weekly[weekdayOfDay(day)] ?? noWindows;
  }

  /**
   * Loads preset holidays lazily, a year at a time. The package lists a holiday under the year of its
   * date, substitutes included (New Year 2028's substitute, 2027-12-31, is listed in 2027).
   */
  private loadPresetHolidays(firstDay: number, lastDay: number): void {
    if (this.calendar.holidayPresets.length === 0) return;
    for (let year = yearOfDay(firstDay); year <= yearOfDay(lastDay); year++) {
      if (this.presetYearsLoaded.has(year)) continue;
      for (const preset of this.calendar.holidayPresets) {
        for (const day of publicHolidayDays(preset, year)) this.presetHolidayDays.add(day);
      }
      this.presetYearsLoaded.add(year);
    }
  }
}

function instantOf(value: Date, field: string): number {
  const instant = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(instant)) throw ValidationError.field(field, "must be a valid Date");
  return instant;
}

/** Index of the last interval starting at or before `at`, or -1. */
function lastStartAtOrBefore(block: OpenBlock, at: number): number {
  let low = 0;
  let high = block.count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (block.starts[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** Open milliseconds in the block before `at`. */
function openBefore(block: OpenBlock, at: number): number {
  const i = lastStartAtOrBefore(block, at);
  if (i < 0) return 0;
  const ends = block.ends[i]!;
  return at >= ends ? block.openThrough[i]! : block.openThrough[i]! - (ends - at);
}

/** `open` minus `closed`, both flat sorted disjoint [from, until) pairs. */
function subtractIntervals(open: readonly number[], closed: readonly number[]): number[] {
  if (closed.length === 0) return open as number[];
  const result: number[] = [];
  let c = 0;
  for (let i = 0; i < open.length; i += 2) {
    let from = open[i]!;
    const until = open[i + 1]!;
    while (c < closed.length && closed[c + 1]! <= from) c += 2;
    for (let k = c; k < closed.length && closed[k]! < until && from < until; k += 2) {
      if (closed[k]! > from) result.push(from, closed[k]!);
      from = Math.max(from, closed[k + 1]!);
    }
    if (from < until) result.push(from, until);
  }
  return result;
}
