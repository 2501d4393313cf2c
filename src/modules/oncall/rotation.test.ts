import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { type Weekday, weekdays } from "../calendar/calendar-definition.js";
import {
  compileSchedule,
  coverageGaps,
  finalShifts,
  layerShifts,
  type OnCall,
  type OnCallSchedule,
  onCallAt,
  type RotationLayer,
  type RotationUnit,
} from "./rotation.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The local date and time of an instant, read straight from Intl: the reference's own clock. */
const referenceFormats = new Map<string, Intl.DateTimeFormat>();
function localFields(timeZone: string, instant: number) {
  let format = referenceFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    referenceFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: part("weekday").toLowerCase().slice(0, 3) as Weekday,
    date: `${part("year")}-${part("month")}-${part("day")}`,
    minute: Number(part("hour")) * 60 + Number(part("minute")),
  };
}

const wallReading = (timeZone: string, instant: number) => {
  const fields = localFields(timeZone, instant);
  return Date.parse(`${fields.date}T00:00:00Z`) + fields.minute * 60_000;
};

/**
 * The instant a local date and time happens in a zone: the earlier of two readings in a repeated
 * hour, and in a skipped one the instant the gap's length later. Tries the offsets of the day
 * before and after, which bracket any single change.
 */
function localToInstant(timeZone: string, date: string, minute: number): number {
  const target = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  const offsetBefore = wallReading(timeZone, target - DAY) - (target - DAY);
  const offsetAfter = wallReading(timeZone, target + DAY) - (target + DAY);
  const candidates = [target - offsetBefore, target - offsetAfter].filter(
    (instant) => wallReading(timeZone, instant) === target,
  );
  return candidates.length > 0 ? Math.min(...candidates) : target - offsetBefore;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The person a layer alone puts on call at `instant`, by walking its shifts from the first one. */
function referenceLayerOnCall(timeZone: string, layer: RotationLayer, instant: number): string | null {
  let firstDate = layer.startDate;
  if (layer.rotation.unit === "weeks") {
    while (weekdays[new Date(`${firstDate}T00:00:00Z`).getUTCDay()] !== layer.handoffWeekday)
      firstDate = addDays(firstDate, 1);
  }
  const handoff = minuteOf(layer.handoffTime);
  const first = localToInstant(timeZone, firstDate, handoff);
  const startOf = (k: number) =>
    layer.rotation.unit === "hours"
      ? first + k * layer.rotation.every * HOUR
      : localToInstant(
          timeZone,
          addDays(firstDate, k * layer.rotation.every * (layer.rotation.unit === "weeks" ? 7 : 1)),
          handoff,
        );
  if (instant < first) return null;
  let k = 0;
  while (startOf(k + 1) <= instant) k += 1;
  if (layer.restriction) {
    const local = localFields(timeZone, instant);
    const yesterday = weekdays[(weekdays.indexOf(local.weekday) + 6) % 7];
    const covered = layer.restriction.some((window) => {
      const from = minuteOf(window.from);
      const to = minuteOf(window.to);
      if (from < to) return window.days.includes(local.weekday) && local.minute >= from && local.minute < to;
      return (
        (window.days.includes(local.weekday) && local.minute >= from) ||
        (yesterday !== undefined && window.days.includes(yesterday) && local.minute < to)
      );
    });
    if (!covered) return null;
  }
  return layer.participants[k % layer.participants.length] ?? null;
}

function referenceOnCall(schedule: OnCallSchedule, instant: number): string | null {
  const override = schedule.overrides.findLast((o) => instant >= o.start && instant < o.end);
  if (override) return override.personId;
  for (const layer of [...schedule.layers].reverse()) {
    const personId = referenceLayerOnCall(schedule.timeZone, layer, instant);
    if (personId !== null) return personId;
  }
  return null;
}

const zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"];
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const windowTime = fc.oneof(time, fc.constant("24:00"));
const layerArbitrary = (id: string) =>
  fc.record({
    id: fc.constant(id),
    participants: fc.array(fc.constantFrom("ana", "ben", "cho", "dev", "eli"), {
      minLength: 1,
      maxLength: 4,
    }),
    rotation: fc.oneof(
      fc.record({ every: fc.integer({ min: 1, max: 36 }), unit: fc.constant<RotationUnit>("hours") }),
      fc.record({ every: fc.integer({ min: 1, max: 10 }), unit: fc.constant<RotationUnit>("days") }),
      fc.record({ every: fc.integer({ min: 1, max: 3 }), unit: fc.constant<RotationUnit>("weeks") }),
    ),
    startDate: fc.integer({ min: 0, max: 400 }).map((d) => addDays("2025-12-01", d)),
    handoffTime: time,
    handoffWeekday: fc.constantFrom(...weekdays),
    restriction: fc.option(
      fc.array(
        fc
          .record({
            days: fc.uniqueArray(fc.constantFrom(...weekdays), { minLength: 1 }),
            from: time,
            to: windowTime,
          })
          .filter((w) => w.from !== w.to),
        { minLength: 1, maxLength: 2 },
      ),
      { nil: undefined },
    ),
  });
const rangeStart = Date.parse("2026-01-01T00:00:00Z");
const instantArbitrary = fc
  .integer({ min: 0, max: 500 * 24 * 4 })
  .map((q) => rangeStart + q * 15 * 60_000 + 7_000);
const scheduleArbitrary = fc
  .record({
    timeZone: fc.constantFrom(...zones),
    layers: fc
      .tuple(layerArbitrary("base"), layerArbitrary("middle"), layerArbitrary("top"))
      .chain((all) => fc.integer({ min: 1, max: 3 }).map((n) => all.slice(0, n))),
    overrides: fc.array(
      fc.record({
        id: fc.uuid(),
        personId: fc.constantFrom("ovi", "pam"),
        start: instantArbitrary,
        end: fc.integer({ min: 1, max: 72 * 4 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((s) => ({
    ...s,
    overrides: s.overrides.map((o) => ({ ...o, end: o.start + o.end * 15 * 60_000 })),
  })) as fc.Arbitrary<OnCallSchedule>;

describe("who is on call", () => {
  it("agrees with a shift-by-shift reference for any schedule and instant, DST weeks included", () => {
    fc.assert(
      fc.property(
        scheduleArbitrary,
        fc.array(instantArbitrary, { minLength: 1, maxLength: 5 }),
        (schedule, instants) => {
          const compiled = compileSchedule(schedule);
          for (const instant of instants)
            expect(onCallAt(compiled, instant)?.personId ?? null).toBe(referenceOnCall(schedule, instant));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("gives an override's person for every instant it covers, the latest override where two overlap", () => {
    const schedule = compileSchedule({
      timeZone: "Europe/Berlin",
      layers: [
        {
          id: "support",
          participants: ["ana", "ben"],
          rotation: { every: 2, unit: "weeks" },
          startDate: "2026-11-02",
          handoffTime: "09:00",
          handoffWeekday: "mon",
        },
      ],
      overrides: [
        {
          id: "o1",
          personId: "cho",
          start: Date.parse("2026-11-10T00:00:00Z"),
          end: Date.parse("2026-11-12T00:00:00Z"),
        },
        {
          id: "o2",
          personId: "dev",
          start: Date.parse("2026-11-11T00:00:00Z"),
          end: Date.parse("2026-11-11T06:00:00Z"),
        },
      ],
    });
    const at = (iso: string) => onCallAt(schedule, Date.parse(iso));
    expect(at("2026-11-09T12:00:00Z")).toEqual({
      personId: "ana",
      source: { kind: "layer", layerId: "support" },
    });
    expect(at("2026-11-10T00:00:00Z")?.personId).toBe("cho");
    expect(at("2026-11-11T03:00:00Z")).toEqual({
      personId: "dev",
      source: { kind: "override", overrideId: "o2" },
    });
    expect(at("2026-11-11T06:00:00Z")?.personId).toBe("cho");
    expect(at("2026-11-12T00:00:00Z")?.personId).toBe("ana");
    // Two weeks from the first Monday 09:00 Berlin, Ben takes over.
    expect(at("2026-11-16T07:59:59Z")?.personId).toBe("ana");
    expect(at("2026-11-16T08:00:00Z")?.personId).toBe("ben");
  });

  it("keeps handoffs at local wall time across daylight-saving changes", () => {
    const schedule = compileSchedule({
      timeZone: "America/New_York",
      layers: [
        {
          id: "support",
          participants: ["ana", "ben", "cho"],
          rotation: { every: 1, unit: "weeks" },
          startDate: "2026-02-25",
          handoffTime: "09:00",
          handoffWeekday: "mon",
        },
      ],
      overrides: [],
    });
    // US clocks go forward on 8 March and back on 1 November 2026.
    const shifts = layerShifts(
      schedule,
      "support",
      Date.parse("2026-02-25T00:00:00Z"),
      Date.parse("2026-11-20T00:00:00Z"),
    );
    expect(shifts.length).toBeGreaterThan(35);
    for (const shift of shifts) {
      expect(localFields("America/New_York", shift.start)).toMatchObject({ weekday: "mon", minute: 9 * 60 });
    }
    const acrossSpring = shifts.find((s) => s.start === Date.parse("2026-03-02T14:00:00Z"));
    expect(acrossSpring && (acrossSpring.end - acrossSpring.start) / HOUR).toBe(7 * 24 - 1);
    const acrossAutumn = shifts.find((s) => s.start === Date.parse("2026-10-26T13:00:00Z"));
    expect(acrossAutumn && (acrossAutumn.end - acrossAutumn.start) / HOUR).toBe(7 * 24 + 1);
    expect(shifts.map((s) => s.personId).slice(0, 4)).toEqual(["ana", "ben", "cho", "ana"]);
  });

  it("hands off a rotation that falls in the repeated hour once, at the first of the two", () => {
    const schedule = compileSchedule({
      timeZone: "America/New_York",
      layers: [
        {
          id: "nights",
          participants: ["ana", "ben"],
          rotation: { every: 1, unit: "days" },
          startDate: "2026-10-30",
          handoffTime: "01:30",
        },
      ],
      overrides: [],
    });
    // 1 November 2026: 01:00–02:00 happens twice (EDT, then EST). Ana's day (the third) starts at
    // the first 01:30; the second 01:00–01:30 does not give Ben his day back.
    const firstOneThirty = Date.parse("2026-11-01T05:30:00Z");
    const names = [-1, 0, 30, 60, 90].map(
      (minutes) => onCallAt(schedule, firstOneThirty + minutes * 60_000)?.personId,
    );
    expect(names).toEqual(["ben", "ana", "ana", "ana", "ana"]);
  });
});

describe("the final shift list", () => {
  it("covers the range without overlaps, each span's person being who is on call throughout it", () => {
    fc.assert(
      fc.property(
        scheduleArbitrary,
        instantArbitrary,
        fc.integer({ min: 1, max: 21 * 24 }),
        (schedule, from, hours) => {
          const compiled = compileSchedule(schedule);
          const to = from + hours * HOUR;
          const shifts = finalShifts(compiled, from, to);
          expect(shifts[0]?.start).toBe(from);
          expect(shifts.at(-1)?.end).toBe(to);
          shifts.forEach((shift, i) => {
            expect(shift.end).toBeGreaterThan(shift.start);
            if (i > 0) expect(shift.start).toBe(shifts[i - 1]?.end);
            for (const instant of [shift.start, Math.floor((shift.start + shift.end) / 2), shift.end - 1])
              expect(onCallAt(compiled, instant)).toEqual(shift.onCall);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("starts a restriction whose start time is skipped by spring-forward at the jump, as who-is-on-call does", () => {
    // Found by the property above: Sunday 14 March 2027 in New York skips 02:00–03:00, so a window
    // "from 02:30" begins at 03:00 EDT (07:00Z), not at 03:30.
    const schedule = compileSchedule({
      timeZone: "America/New_York",
      layers: [
        {
          id: "base",
          participants: ["ana"],
          rotation: { every: 1, unit: "days" },
          startDate: "2025-12-01",
          handoffTime: "00:00",
          restriction: [{ days: ["sun"], from: "02:30", to: "00:00" }],
        },
      ],
      overrides: [],
    });
    const jump = Date.parse("2027-03-14T07:00:00Z");
    const shifts = finalShifts(schedule, jump - HOUR, jump + HOUR);
    expect(shifts.map((s) => [new Date(s.start).toISOString(), s.onCall?.personId ?? null])).toEqual([
      ["2027-03-14T06:00:00.000Z", null],
      ["2027-03-14T07:00:00.000Z", "ana"],
    ]);
    expect(onCallAt(schedule, jump)?.personId).toBe("ana");
  });

  it("resumes a restriction at the second reading of its start time when fall-back repeats it", () => {
    // Found by the property above (seed 313256814): Sunday 1 November 2026 in New York repeats
    // 01:00–02:00, so a window "from 01:15" covers 01:15–02:00 EDT, stops when 01:00 comes again and
    // starts once more at 01:15 EST (06:15Z).
    const schedule = compileSchedule({
      timeZone: "America/New_York",
      layers: [
        {
          id: "base",
          participants: ["ana"],
          rotation: { every: 1, unit: "weeks" },
          startDate: "2025-12-01",
          handoffTime: "00:00",
          handoffWeekday: "sun",
          restriction: [{ days: ["sun"], from: "01:15", to: "00:00" }],
        },
      ],
      overrides: [],
    });
    const fallBack = Date.parse("2026-11-01T06:00:00Z");
    const shifts = finalShifts(schedule, fallBack - 2 * HOUR, fallBack + HOUR);
    expect(shifts.map((s) => [new Date(s.start).toISOString(), s.onCall?.personId ?? null])).toEqual([
      ["2026-11-01T04:00:00.000Z", null],
      ["2026-11-01T05:15:00.000Z", "ana"],
      ["2026-11-01T06:00:00.000Z", null],
      ["2026-11-01T06:15:00.000Z", "ana"],
    ]);
    expect(onCallAt(schedule, fallBack + 20 * 60_000)?.personId).toBe("ana");
  });

  it("flags the hours a weekday-only layer leaves uncovered as gaps", () => {
    const schedule = compileSchedule({
      timeZone: "Europe/Berlin",
      layers: [
        {
          id: "office",
          participants: ["ana"],
          rotation: { every: 1, unit: "weeks" },
          startDate: "2026-11-02",
          handoffTime: "09:00",
          handoffWeekday: "mon",
          restriction: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }],
        },
      ],
      overrides: [],
    });
    const gaps = coverageGaps(
      schedule,
      Date.parse("2026-11-09T00:00:00Z"),
      Date.parse("2026-11-16T00:00:00Z"),
    );
    const covered = (onCall: OnCall | null) => onCall !== null;
    expect(gaps.every((gap) => !covered(gap.onCall))).toBe(true);
    // Before Monday 09:00, five nights, and the weekend to the end of the range.
    expect(gaps).toHaveLength(6);
    const gapHours = gaps.reduce((sum, gap) => sum + (gap.end - gap.start) / HOUR, 0);
    expect(gapHours).toBe(7 * 24 - 5 * 8);
  });
});

describe("checking a schedule", () => {
  const layer: RotationLayer = {
    id: "l",
    participants: ["ana"],
    rotation: { every: 2, unit: "weeks" },
    startDate: "2026-11-02",
    handoffTime: "09:00",
    handoffWeekday: "mon",
  };
  const refusal = (schedule: Partial<OnCallSchedule>) => {
    try {
      compileSchedule({ timeZone: "UTC", layers: [layer], overrides: [], ...schedule });
    } catch (error) {
      if (error instanceof ValidationError) return error.problems[0]?.field;
      throw error;
    }
    return undefined;
  };

  it("names the field at fault", () => {
    expect(refusal({ timeZone: "Mars/Olympus" })).toBe("timeZone");
    expect(refusal({ layers: [{ ...layer, participants: [] }] })).toBe("layers/0/participants");
    expect(refusal({ layers: [{ ...layer, rotation: { every: 0, unit: "weeks" } }] })).toBe(
      "layers/0/rotation/every",
    );
    expect(refusal({ layers: [{ ...layer, startDate: "2026-02-30" }] })).toBe("layers/0/startDate");
    expect(refusal({ layers: [{ ...layer, handoffTime: "9am" }] })).toBe("layers/0/handoffTime");
    const { handoffWeekday: _, ...withoutWeekday } = layer;
    expect(refusal({ layers: [withoutWeekday] })).toBe("layers/0/handoffWeekday");
    expect(
      refusal({ layers: [{ ...layer, restriction: [{ days: ["mon"], from: "10:00", to: "10:00" }] }] }),
    ).toBe("layers/0/restriction/0/to");
    expect(refusal({ overrides: [{ id: "o", personId: "ben", start: 10, end: 10 }] })).toBe("overrides/0");
    expect(refusal({})).toBeUndefined();
  });
});
