import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessCalendar, type CalendarDefinition, calendarPresets, type OpeningWindow } from "./index.js";
import { minuteSteppingAdd } from "./minute-stepping-reference.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const zones = ["America/Los_Angeles", "Europe/Berlin", "Australia/Sydney", "UTC", "Asia/Kolkata"] as const;
const weekdayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** DST changes of 2026: Los Angeles, Berlin and Sydney, each way. */
const transitions = [
  "2026-03-08T10:00:00Z",
  "2026-11-01T09:00:00Z",
  "2026-03-29T01:00:00Z",
  "2026-10-25T01:00:00Z",
  "2026-04-04T16:00:00Z",
  "2026-10-03T16:00:00Z",
].map(Date.parse);

const rangeStart = Date.parse("2026-01-01T00:00:00Z");
const rangeEnd = Date.parse("2027-12-31T00:00:00Z");

/** Instants over two years, half of them in the weeks around a DST change. */
const instantMs = fc.oneof(
  fc.integer({ min: rangeStart, max: rangeEnd }),
  fc
    .tuple(fc.constantFrom(...transitions), fc.integer({ min: -4 * DAY, max: 4 * DAY }))
    .map(([transition, shift]) => transition + shift),
);
const minuteAlignedMs = instantMs.map((ms) => ms - (ms % MINUTE));
const instant = instantMs.map((ms) => new Date(ms));
const iso = (date: Date) => date.toISOString();

function timeOfDay(minutes: number): string {
  if (minutes === 1440) return "24:00";
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** Non-overlapping windows from sorted distinct boundaries, paired off. */
function windowsFrom(boundaryMinutes: fc.Arbitrary<number>): fc.Arbitrary<OpeningWindow[]> {
  return fc.uniqueArray(boundaryMinutes, { maxLength: 6 }).map((boundaries) => {
    const sorted = [...boundaries].sort((a, b) => a - b);
    const windows: OpeningWindow[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2)
      windows.push([timeOfDay(sorted[i]!), timeOfDay(sorted[i + 1]!)]);
    return windows;
  });
}

/** Any quarter hour, with midnight, 24:00 and the hours DST changes touch drawn often. */
const anyBoundary = fc.oneof(
  fc.integer({ min: 0, max: 96 }).map((quarter) => quarter * 15),
  fc.constantFrom(0, 60, 90, 120, 150, 180, 1440),
);
/** Boundaries away from 00:00–04:00, where DST changes make a wall clock read two instants or none. */
const wallClockSafeBoundary = fc.oneof(
  fc.integer({ min: 16, max: 96 }).map((quarter) => quarter * 15),
  fc.constantFrom(0, 1440),
);

const dateInRange = fc
  .integer({ min: rangeStart / DAY, max: rangeEnd / DAY })
  .map((day) => new Date(day * DAY).toISOString().slice(0, 10));

const closure = fc
  .tuple(minuteAlignedMs, fc.integer({ min: 1, max: 3 * 24 * 60 }))
  .map(
    ([from, minutes]) =>
      [new Date(from).toISOString(), new Date(from + minutes * MINUTE).toISOString()] as const,
  );

function definitionWith(boundary: fc.Arbitrary<number>): fc.Arbitrary<CalendarDefinition> {
  const windows = windowsFrom(boundary);
  return fc.record({
    timeZone: fc.constantFrom(...zones),
    weekly: fc
      .record(
        Object.fromEntries(weekdayKeys.map((day) => [day, windows])) as Record<string, typeof windows>,
        {
          requiredKeys: [],
        },
      )
      // A calendar closed every week would leave nothing to check but the horizon, tested by hand.
      .filter((weekly) => Object.values(weekly).some((dayWindows) => (dayWindows?.length ?? 0) > 0)),
    holidays: fc.uniqueArray(dateInRange, { maxLength: 6 }),
    overrides: fc.dictionary(dateInRange, windows, { maxKeys: 3 }),
    closures: fc.array(closure, { maxLength: 3 }),
  });
}

const calendar = fc
  .oneof(
    { weight: 4, arbitrary: definitionWith(anyBoundary) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...Object.values(calendarPresets)).map((preset) => ({
        ...preset,
        holidays: ["preset:US"],
      })),
    },
  )
  .map((definition) => new BusinessCalendar(definition));

/** Up to 20 days of open time, with small amounts drawn often. */
const amount = fc.oneof(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 0, max: 20 * DAY }));

const runs = { numRuns: 150 };

describe("add and elapsed agree", () => {
  it("elapsed(t, add(t, d)) is d", () => {
    fc.assert(
      fc.property(calendar, instant, amount, (cal, t, d) => {
        expect(cal.elapsed(t, cal.add(t, d))).toBe(d);
      }),
      runs,
    );
  });

  it("add gives the earliest instant: the millisecond before it is open and still short of d", () => {
    fc.assert(
      fc.property(calendar, instant, amount, (cal, t, d) => {
        fc.pre(d > 0);
        const due = cal.add(t, d);
        const justBefore = new Date(due.getTime() - 1);
        expect(cal.isOpen(justBefore)).toBe(true);
        expect(cal.elapsed(t, justBefore)).toBe(d - 1);
      }),
      runs,
    );
  });

  it("add(t, elapsed(t, u)) is u when u ends open time, a closing instant above all", () => {
    fc.assert(
      fc.property(calendar, instant, instant, fc.boolean(), (cal, t, later, atClose) => {
        fc.pre(later.getTime() > t.getTime());
        const u = atClose ? cal.nextClose(later) : later;
        fc.pre(u.getTime() < Date.parse("2100-01-01T00:00:00Z"));
        const due = cal.add(t, cal.elapsed(t, u));
        expect(due.getTime()).toBeLessThanOrEqual(u.getTime());
        expect(cal.elapsed(due, u)).toBe(0);
        if (cal.isOpen(new Date(u.getTime() - 1))) expect(iso(due)).toBe(iso(u));
      }),
      runs,
    );
  });

  it("add is monotonic in the amount", () => {
    fc.assert(
      fc.property(calendar, instant, amount, amount, (cal, t, a, b) => {
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(cal.add(t, small).getTime()).toBeLessThanOrEqual(cal.add(t, large).getTime());
      }),
      runs,
    );
  });

  it("add is monotonic in the start", () => {
    fc.assert(
      fc.property(calendar, instantMs, fc.integer({ min: 0, max: 10 * DAY }), amount, (cal, t, shift, d) => {
        expect(cal.add(new Date(t), d).getTime()).toBeLessThanOrEqual(
          cal.add(new Date(t + shift), d).getTime(),
        );
      }),
      runs,
    );
  });

  it("add(add(t, a), b) is add(t, a + b)", () => {
    fc.assert(
      fc.property(calendar, instant, amount, amount, (cal, t, a, b) => {
        expect(cal.add(cal.add(t, a), b).toISOString()).toBe(cal.add(t, a + b).toISOString());
      }),
      runs,
    );
  });

  it("elapsed adds up over consecutive spans and never exceeds real time", () => {
    fc.assert(
      fc.property(calendar, instantMs, instantMs, instantMs, (cal, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q).map((ms) => new Date(ms)) as [Date, Date, Date];
        expect(cal.elapsed(a, c)).toBe(cal.elapsed(a, b) + cal.elapsed(b, c));
        expect(cal.elapsed(a, c)).toBeLessThanOrEqual(c.getTime() - a.getTime());
        expect(cal.elapsed(c, a)).toBe(0);
      }),
      runs,
    );
  });
});

describe("isOpen, nextOpen and nextClose agree", () => {
  it("nextOpen is t exactly when open, and is itself open with closed time before it", () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const opens = cal.nextOpen(t);
        expect(opens.getTime() === t.getTime()).toBe(cal.isOpen(t));
        expect(cal.isOpen(opens)).toBe(true);
        expect(cal.elapsed(t, opens)).toBe(0);
        if (opens.getTime() > t.getTime()) expect(cal.isOpen(new Date(opens.getTime() - 1))).toBe(false);
      }),
      runs,
    );
  });

  it("nextClose is t exactly when closed, and is itself closed with open time before it", () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const closes = cal.nextClose(t);
        expect(closes.getTime() === t.getTime()).toBe(!cal.isOpen(t));
        expect(cal.isOpen(closes)).toBe(false);
        expect(cal.elapsed(t, closes)).toBe(closes.getTime() - t.getTime());
        if (closes.getTime() > t.getTime()) expect(cal.isOpen(new Date(closes.getTime() - 1))).toBe(true);
      }),
      runs,
    );
  });
});

describe("agreement with references", () => {
  it("matches minute-stepping on minute-aligned inputs", () => {
    fc.assert(
      fc.property(calendar, minuteAlignedMs, fc.integer({ min: 0, max: 12 * 60 }), (cal, t, minutes) => {
        const start = new Date(t);
        expect(cal.add(start, minutes * MINUTE).toISOString()).toBe(
          minuteSteppingAdd(cal, start, minutes * MINUTE).toISOString(),
        );
      }),
      { numRuns: 80 },
    );
  });

  it("matches reading the wall clock when no window edge falls in DST-shifted hours", () => {
    fc.assert(
      fc.property(definitionWith(wallClockSafeBoundary), instantMs, (definition, t) => {
        const cal = new BusinessCalendar(definition);
        expect(cal.isOpen(new Date(t))).toBe(openByWallClock(definition, t));
      }),
      { numRuns: 300 },
    );
  });

  it("counts real time, DST days included, on a calendar open around the clock", () => {
    const allDay = (timeZone: string) =>
      new BusinessCalendar({
        timeZone,
        weekly: Object.fromEntries(weekdayKeys.map((day) => [day, [["00:00", "24:00"]]])),
      });
    const calendars = zones.map(allDay);
    fc.assert(
      fc.property(
        fc.constantFrom(...calendars),
        instantMs,
        fc.integer({ min: 0, max: 40 * DAY }),
        (cal, t, d) => {
          expect(cal.elapsed(new Date(t), new Date(t + d))).toBe(d);
          expect(cal.add(new Date(t), d).getTime()).toBe(t + d);
        },
      ),
      runs,
    );
  });
});

/** Whether a definition is open at `instant`, read straight off the local wall clock with Intl. */
function openByWallClock(definition: CalendarDefinition, instant: number): boolean {
  for (const [from, until] of definition.closures ?? []) {
    if (instant >= Date.parse(String(from)) && instant < Date.parse(String(until))) return false;
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: definition.timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const weekday = String(parts.weekday).toLowerCase().slice(0, 3) as (typeof weekdayKeys)[number];
  const windows =
    definition.overrides?.[date] ??
    (definition.holidays?.includes(date) ? [] : (definition.weekly[weekday] ?? []));
  const minute =
    Number(parts.hour) * 60 + Number(parts.minute) + (Number(parts.second) + (instant % 1000) / 1000) / 60;
  return windows.some(([opens, closes]) => minute >= minutesOf(opens) && minute < minutesOf(closes));
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}
