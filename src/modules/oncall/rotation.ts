import { ValidationError } from "../../errors.js";
import { type Weekday, weekdays } from "../calendar/calendar-definition.js";
import {
  DAY_MS,
  isKnownTimeZone,
  MINUTE_MS,
  mod,
  offsetAt,
  offsetTransitions,
  parseIsoDate,
  wallToInstant,
  weekdayOfDay,
} from "../calendar/zoned-time.js";

/**
 * The rotation maths of on-call schedules: pure, no I/O. Who is on call at an instant, and the
 * final shift list of a range, from a schedule's layers and overrides.
 *
 * Handoffs happen at local wall time in the schedule's zone: a weekly Monday 09:00 handoff in New
 * York stays at 09:00 across daylight-saving changes, so that shift is an hour shorter or longer.
 * Rotations counted in hours are the exception: "every 12 hours" is 12 real hours.
 */

export type RotationUnit = "hours" | "days" | "weeks";

/** Local hours a layer covers, e.g. weekdays 09:00–17:00; `to` before `from` runs past midnight. */
export interface RestrictionWindow {
  days: readonly Weekday[];
  from: string;
  to: string;
}

export interface RotationLayer {
  id: string;
  /** People in rotation order; the first takes the first shift. */
  participants: readonly string[];
  rotation: { every: number; unit: RotationUnit };
  /** The local date from which the layer runs ("YYYY-MM-DD"). */
  startDate: string;
  /** Local handoff time ("HH:MM"). */
  handoffTime: string;
  /** For weekly rotations, the handoff weekday; the first handoff is the first such day from `startDate`. */
  handoffWeekday?: Weekday;
  /** Only these local hours are covered by this layer; elsewhere the layers below it are. */
  restriction?: readonly RestrictionWindow[];
}

/**
 * Someone covering a span, whoever the layers put there. Swaps are two overrides, one each way.
 * They are absolute instants, so editing a rotation never moves them.
 */
export interface ScheduleOverride {
  id: string;
  personId: string;
  start: number;
  end: number;
}

export interface OnCallSchedule {
  timeZone: string;
  /** Lowest first: a higher layer wins wherever it covers. */
  layers: readonly RotationLayer[];
  /** In the order they were made: a later one wins where two overlap. */
  overrides: readonly ScheduleOverride[];
}

export type OnCallSource = { kind: "layer"; layerId: string } | { kind: "override"; overrideId: string };

export interface OnCall {
  personId: string;
  source: OnCallSource;
}

/** A span of the final schedule; `onCall` null is a gap in coverage. */
export interface Shift {
  start: number;
  end: number;
  onCall: OnCall | null;
}

/** A layer's own shift (before restrictions, higher layers and overrides). */
export interface LayerShift {
  index: number;
  personId: string;
  start: number;
  end: number;
}

const timePattern = /^([01]\d|2[0-4]):([0-5]\d)$/;
const maxRotationEvery: Record<RotationUnit, number> = { hours: 24 * 365, days: 365, weeks: 52 };

interface MinuteSpan {
  day: number;
  from: number;
  to: number;
}

interface CompiledLayer {
  id: string;
  participants: readonly string[];
  /** Hours rotations step in real time; day and week rotations in wall time. */
  realTime: boolean;
  stepMs: number;
  /** The first handoff: a wall value for wall-time layers, an instant for real-time ones. */
  origin: number;
  /** Covered minutes per local weekday (0 = Sunday), from the restriction; null covers all. */
  coveredMinutes: ReadonlyArray<readonly MinuteSpan[]> | null;
  /** Shift starts already converted from wall time, by shift index. */
  starts: Map<number, number>;
}

export interface CompiledSchedule {
  timeZone: string;
  layers: readonly CompiledLayer[];
  overrides: readonly ScheduleOverride[];
  /** Wall-clock offsets by UTC hour: zones change offset on the hour or half hour at most once a day. */
  offsets: Map<number, number>;
}

/** Checks and prepares a schedule for repeated questions; a bad field is named in the error. */
export function compileSchedule(schedule: OnCallSchedule): CompiledSchedule {
  if (!isKnownTimeZone(schedule.timeZone))
    throw ValidationError.field("timeZone", `unknown time zone "${schedule.timeZone}"`);
  const layers = schedule.layers.map((layer, index) =>
    compileLayer(schedule.timeZone, layer, `layers/${index}`),
  );
  schedule.overrides.forEach((override, index) => {
    if (!(Number.isFinite(override.start) && Number.isFinite(override.end) && override.start < override.end))
      throw ValidationError.field(`overrides/${index}`, "an override ends after it starts");
  });
  return { timeZone: schedule.timeZone, layers, overrides: [...schedule.overrides], offsets: new Map() };
}

function compileLayer(timeZone: string, layer: RotationLayer, field: string): CompiledLayer {
  if (layer.participants.length === 0)
    throw ValidationError.field(`${field}/participants`, "a layer needs someone in it");
  const { every, unit } = layer.rotation;
  if (!Number.isInteger(every) || every < 1 || every > maxRotationEvery[unit])
    throw ValidationError.field(
      `${field}/rotation/every`,
      `a rotation lasts 1 to ${maxRotationEvery[unit]} ${unit}`,
    );
  const startDay = parseIsoDate(layer.startDate);
  if (startDay === undefined) throw ValidationError.field(`${field}/startDate`, "a date, YYYY-MM-DD");
  const handoffMinute = parseMinuteOfDay(layer.handoffTime, `${field}/handoffTime`);
  if (handoffMinute === 24 * 60)
    throw ValidationError.field(`${field}/handoffTime`, "a time from 00:00 to 23:59");
  let firstDay = startDay;
  if (unit === "weeks") {
    if (!layer.handoffWeekday)
      throw ValidationError.field(`${field}/handoffWeekday`, "a weekly rotation hands off on a weekday");
    firstDay += mod(weekdays.indexOf(layer.handoffWeekday) - weekdayOfDay(startDay), 7);
  }
  const originWall = firstDay * DAY_MS + handoffMinute * MINUTE_MS;
  const realTime = unit === "hours";
  return {
    id: layer.id,
    participants: layer.participants,
    realTime,
    stepMs: every * (unit === "hours" ? 3_600_000 : unit === "days" ? DAY_MS : 7 * DAY_MS),
    origin: realTime ? wallToInstant(timeZone, originWall) : originWall,
    coveredMinutes: layer.restriction ? compileRestriction(layer.restriction, `${field}/restriction`) : null,
    starts: new Map(),
  };
}

function parseMinuteOfDay(text: string, field: string): number {
  const match = timePattern.exec(text);
  const minute = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!(minute <= 24 * 60)) throw ValidationError.field(field, "a time, HH:MM from 00:00 to 24:00");
  return minute;
}

/** Each window becomes minute spans on the weekdays it touches; one past midnight spills into the next day. */
function compileRestriction(windows: readonly RestrictionWindow[], field: string): MinuteSpan[][] {
  if (windows.length === 0) throw ValidationError.field(field, "a restriction needs at least one window");
  const byWeekday: MinuteSpan[][] = Array.from({ length: 7 }, () => []);
  windows.forEach((window, index) => {
    const from = parseMinuteOfDay(window.from, `${field}/${index}/from`);
    const to = parseMinuteOfDay(window.to, `${field}/${index}/to`);
    if (from === to)
      throw ValidationError.field(`${field}/${index}/to`, "a window ends at another time than it starts");
    if (window.days.length === 0)
      throw ValidationError.field(`${field}/${index}/days`, "a window needs a weekday");
    for (const weekday of window.days) {
      const day = weekdays.indexOf(weekday);
      if (day < 0) throw ValidationError.field(`${field}/${index}/days`, `"${weekday}" is not a weekday`);
      if (from < to) byWeekday[day]?.push({ day, from, to });
      else {
        byWeekday[day]?.push({ day, from, to: 24 * 60 });
        if (to > 0) byWeekday[(day + 1) % 7]?.push({ day: (day + 1) % 7, from: 0, to });
      }
    }
  });
  return byWeekday;
}

const HOUR_MS = 3_600_000;

/** The wall clock reading of `instant` in the schedule's zone (see zoned-time.ts for "wall"). */
function wallOf(schedule: CompiledSchedule, instant: number): number {
  const hour = Math.floor(instant / HOUR_MS);
  let offset = schedule.offsets.get(hour);
  if (offset === undefined) {
    // Offsets change on a quarter hour at the finest: the hour's two ends agree unless one falls inside.
    const atStart = offsetAt(schedule.timeZone, hour * HOUR_MS);
    offset = atStart === offsetAt(schedule.timeZone, (hour + 1) * HOUR_MS - 1) ? atStart : Number.NaN;
    if (schedule.offsets.size > 200_000) schedule.offsets.clear();
    schedule.offsets.set(hour, offset);
  }
  return instant + (Number.isNaN(offset) ? offsetAt(schedule.timeZone, instant) : offset);
}

function shiftStart(schedule: CompiledSchedule, layer: CompiledLayer, index: number): number {
  if (layer.realTime) return layer.origin + index * layer.stepMs;
  let start = layer.starts.get(index);
  if (start === undefined) {
    start = wallToInstant(schedule.timeZone, layer.origin + index * layer.stepMs);
    if (layer.starts.size > 100_000) layer.starts.clear();
    layer.starts.set(index, start);
  }
  return start;
}

/** The index of the layer's shift holding `instant`; negative before the layer starts. */
function shiftIndexAt(schedule: CompiledSchedule, layer: CompiledLayer, instant: number): number {
  const position = layer.realTime ? instant : wallOf(schedule, instant);
  let index = Math.floor((position - layer.origin) / layer.stepMs);
  // Wall time repeats an hour when clocks go back: the shift starts, not the wall reading, decide.
  while (instant < shiftStart(schedule, layer, index)) index -= 1;
  while (instant >= shiftStart(schedule, layer, index + 1)) index += 1;
  return index;
}

function coveredByRestriction(schedule: CompiledSchedule, layer: CompiledLayer, instant: number): boolean {
  if (layer.coveredMinutes === null) return true;
  const wall = wallOf(schedule, instant);
  const day = Math.floor(wall / DAY_MS);
  const minute = (wall - day * DAY_MS) / MINUTE_MS;
  const spans = layer.coveredMinutes[weekdayOfDay(day)] ?? [];
  return spans.some((span) => minute >= span.from && minute < span.to);
}

function layerOnCallAt(schedule: CompiledSchedule, layer: CompiledLayer, instant: number): string | null {
  const index = shiftIndexAt(schedule, layer, instant);
  if (index < 0 || !coveredByRestriction(schedule, layer, instant)) return null;
  return layer.participants[index % layer.participants.length] ?? null;
}

/** Who is on call at `instant`: the latest override covering it, else the highest layer covering it. */
export function onCallAt(schedule: CompiledSchedule, instant: number): OnCall | null {
  for (let i = schedule.overrides.length - 1; i >= 0; i -= 1) {
    const override = schedule.overrides[i] as ScheduleOverride;
    if (instant >= override.start && instant < override.end)
      return { personId: override.personId, source: { kind: "override", overrideId: override.id } };
  }
  for (let i = schedule.layers.length - 1; i >= 0; i -= 1) {
    const layer = schedule.layers[i] as CompiledLayer;
    const personId = layerOnCallAt(schedule, layer, instant);
    if (personId !== null) return { personId, source: { kind: "layer", layerId: layer.id } };
  }
  return null;
}

/** A layer's shifts overlapping [from, to), before restrictions, higher layers and overrides. */
export function layerShifts(
  schedule: CompiledSchedule,
  layerId: string,
  from: number,
  to: number,
): LayerShift[] {
  const layer = schedule.layers.find((l) => l.id === layerId);
  if (!layer) throw ValidationError.field("layerId", `no layer ${layerId} in this schedule`);
  const shifts: LayerShift[] = [];
  for (let index = Math.max(0, shiftIndexAt(schedule, layer, from)); ; index += 1) {
    const start = shiftStart(schedule, layer, index);
    if (start >= to) break;
    shifts.push({
      index,
      personId: layer.participants[index % layer.participants.length] as string,
      start,
      end: shiftStart(schedule, layer, index + 1),
    });
  }
  return shifts;
}

/** A layer's shift by its index (the first shift is 0), before restrictions, higher layers and overrides. */
export function layerShiftAt(schedule: CompiledSchedule, layerId: string, index: number): LayerShift {
  const layer = schedule.layers.find((l) => l.id === layerId);
  if (!layer) throw ValidationError.field("layerId", `no layer ${layerId} in this schedule`);
  if (!Number.isInteger(index) || index < 0)
    throw ValidationError.field("shiftIndex", "a shift index counts from 0");
  return {
    index,
    personId: layer.participants[index % layer.participants.length] as string,
    start: shiftStart(schedule, layer, index),
    end: shiftStart(schedule, layer, index + 1),
  };
}

/**
 * The final schedule over [from, to): consecutive spans, each with who is on call (or null, a gap),
 * merged where the same person continues from the same source.
 */
export function finalShifts(schedule: CompiledSchedule, from: number, to: number): Shift[] {
  const boundaries = new Set<number>([from]);
  const within = (instant: number) => {
    if (instant > from && instant < to) boundaries.add(instant);
  };
  for (const override of schedule.overrides) {
    within(override.start);
    within(override.end);
  }
  for (const layer of schedule.layers) {
    for (let index = Math.max(0, shiftIndexAt(schedule, layer, from)); ; index += 1) {
      const start = shiftStart(schedule, layer, index);
      if (start >= to) break;
      within(start);
    }
    if (layer.coveredMinutes !== null) restrictionBoundaries(schedule, layer, from, to).forEach(within);
  }
  const ordered = [...boundaries].sort((a, b) => a - b);
  const shifts: Shift[] = [];
  ordered.forEach((start, i) => {
    const end = ordered[i + 1] ?? to;
    const onCall = onCallAt(schedule, start);
    const last = shifts.at(-1);
    if (last && sameOnCall(last.onCall, onCall)) last.end = end;
    else shifts.push({ start, end, onCall });
  });
  return shifts;
}

/**
 * Where a restricted layer starts and stops covering, day by local day, across [from, to). Coverage
 * is decided on the wall clock, so it also changes where the clocks jump: a window "from 02:30" on a
 * night that skips 02:00–03:00 starts at the jump, and one "until 01:30" resumes when 01:00 repeats.
 */
function restrictionBoundaries(
  schedule: CompiledSchedule,
  layer: CompiledLayer,
  from: number,
  to: number,
): number[] {
  const instants = offsetTransitions(schedule.timeZone, from, to);
  const firstDay = Math.floor(wallOf(schedule, from) / DAY_MS) - 1;
  const lastDay = Math.floor(wallOf(schedule, to) / DAY_MS) + 1;
  for (let day = firstDay; day <= lastDay; day += 1) {
    for (const span of layer.coveredMinutes?.[weekdayOfDay(day)] ?? []) {
      instants.push(...instantsReading(schedule, day * DAY_MS + span.from * MINUTE_MS));
      instants.push(...instantsReading(schedule, day * DAY_MS + span.to * MINUTE_MS));
    }
  }
  return instants;
}

/**
 * The instants at which the wall clock reads `wall`: usually one, two when a fall-back repeats it
 * ("from 01:15" on a night that repeats 01:00–02:00 starts again at the second 01:15). A candidate
 * that is not a real crossing only splits a span that finalShifts merges back.
 */
function instantsReading(schedule: CompiledSchedule, wall: number): number[] {
  const earlier = wallToInstant(schedule.timeZone, wall);
  return [earlier, wall - offsetAt(schedule.timeZone, earlier + DAY_MS)];
}

function sameOnCall(a: OnCall | null, b: OnCall | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.personId !== b.personId || a.source.kind !== b.source.kind) return false;
  return a.source.kind === "layer"
    ? b.source.kind === "layer" && a.source.layerId === b.source.layerId
    : b.source.kind === "override" && a.source.overrideId === b.source.overrideId;
}

/** The spans of [from, to) nobody covers: the schedule's gaps, flagged for the coming weeks. */
export function coverageGaps(schedule: CompiledSchedule, from: number, to: number): Shift[] {
  return finalShifts(schedule, from, to).filter((shift) => shift.onCall === null);
}
