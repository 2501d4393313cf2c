import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE, SECOND } from "../../shared/clock.js";
import {
  availabilityOf,
  calendarMonth,
  errorBudget,
  mergeIntervals,
  observedTime,
  rollingWindow,
  rollUpByDay,
  rollUpByMinute,
  spansFromResults,
  sumRollups,
} from "./availability.js";

const at = (iso: string) => Date.parse(iso);
const t0 = at("2026-12-01T00:00:00Z");

/** Checks every `everyMs` from `from` to `to`, up unless `down` says otherwise. */
function checks(from: number, to: number, everyMs: number, down: (t: number) => boolean = () => false) {
  const results = [];
  for (let t = from; t < to; t += everyMs) results.push({ at: t, up: !down(t) });
  return results;
}

describe("spans from check results", () => {
  it("holds each result until the next, merging runs of one state", () => {
    const spans = spansFromResults(
      checks(t0, t0 + MINUTE, 10 * SECOND, (t) => t >= t0 + 30 * SECOND),
      20 * SECOND,
    );
    expect(spans).toEqual([
      { start: t0, end: t0 + 30 * SECOND, up: true },
      { start: t0 + 30 * SECOND, end: t0 + 70 * SECOND, up: false },
    ]);
  });

  it("counts nobody-looked time as unobserved, neither up nor down", () => {
    const spans = spansFromResults(
      [
        { at: t0, up: true },
        { at: t0 + HOUR, up: true },
      ],
      30 * SECOND,
    );
    expect(observedTime(spans, [], { start: t0, end: t0 + 2 * HOUR })).toEqual({
      observedMs: 60 * SECOND,
      goodMs: 60 * SECOND,
    });
  });
});

describe("availability", () => {
  it("is good time over observed time minus maintenance", () => {
    // Down 09:00–09:30 of which 09:00–09:20 is announced maintenance: 10 bad minutes of 1430 counted.
    const spans = spansFromResults(
      checks(t0, t0 + DAY, 10 * SECOND, (t) => t >= t0 + 9 * HOUR && t < t0 + 9 * HOUR + 30 * MINUTE),
      20 * SECOND,
    );
    const maintenance = [{ start: t0 + 9 * HOUR, end: t0 + 9 * HOUR + 20 * MINUTE }];
    const totals = observedTime(spans, maintenance, { start: t0, end: t0 + DAY });
    expect(totals.observedMs).toBe(DAY - 20 * MINUTE);
    expect(totals.goodMs).toBe(DAY - 30 * MINUTE);
    expect(availabilityOf(totals)).toBeCloseTo(1410 / 1420, 12);
  });

  it("does not subtract overlapping maintenance twice", () => {
    expect(
      mergeIntervals([
        { start: 10, end: 20 },
        { start: 15, end: 30 },
        { start: 40, end: 50 },
        { start: 5, end: 5 },
      ]),
    ).toEqual([
      { start: 10, end: 30 },
      { start: 40, end: 50 },
    ]);
  });

  it("is unknown, not perfect, when nothing was observed", () => {
    expect(availabilityOf({ observedMs: 0, goodMs: 0 })).toBeNull();
  });

  it("from minute rollups equals the exact figure for any whole-minute window (property)", () => {
    const resultsArbitrary = fc.array(
      fc.record({ at: fc.integer({ min: 0, max: 6 * HOUR }), up: fc.boolean() }),
      { maxLength: 60 },
    );
    const maintenanceArbitrary = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 6 * HOUR }), fc.integer({ min: 0, max: HOUR })).map(([s, l]) => ({
        start: t0 + s,
        end: t0 + s + l,
      })),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(
        resultsArbitrary,
        maintenanceArbitrary,
        fc.integer({ min: 0, max: 6 * 60 }),
        fc.integer({ min: 1, max: 6 * 60 }),
        (raw, maintenance, fromMinute, lengthMinutes) => {
          const spans = spansFromResults(
            raw.map((r) => ({ at: t0 + r.at, up: r.up })),
            5 * MINUTE,
          );
          const whole = { start: t0, end: t0 + 7 * HOUR };
          const minutes = rollUpByMinute(spans, maintenance, whole);
          const window = {
            start: t0 + fromMinute * MINUTE,
            end: t0 + (fromMinute + lengthMinutes) * MINUTE,
          };
          const exact = observedTime(spans, maintenance, window);
          const rolled = sumRollups(minutes, window);
          expect(rolled).toEqual(exact);
          const availability = availabilityOf(rolled);
          if (availability !== null) {
            expect(availability).toBeGreaterThanOrEqual(0);
            expect(availability).toBeLessThanOrEqual(1);
          }
          // Days are sums of their minutes: nothing is lost or counted twice.
          const days = rollUpByDay(minutes, "America/New_York");
          expect(days.reduce((s, d) => s + d.observedMs, 0)).toBe(
            minutes.reduce((s, m) => s + m.observedMs, 0),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("groups minutes by the page's local day", () => {
    const spans = [{ start: at("2026-12-01T03:00:00Z"), end: at("2026-12-01T07:00:00Z"), up: true }];
    const minutes = rollUpByMinute(spans, [], {
      start: at("2026-12-01T00:00:00Z"),
      end: at("2026-12-02T00:00:00Z"),
    });
    // 03:00–05:00 UTC is 30 November in New York (UTC−5), 05:00–07:00 is 1 December.
    expect(rollUpByDay(minutes, "America/New_York")).toEqual([
      { at: at("2026-11-30T00:00:00Z"), observedMs: 2 * HOUR, goodMs: 2 * HOUR },
      { at: at("2026-12-01T00:00:00Z"), observedMs: 2 * HOUR, goodMs: 2 * HOUR },
    ]);
  });
});

describe("windows", () => {
  it("rolls a window back from the end of the current minute", () => {
    const now = at("2026-12-04T10:15:30Z");
    expect(rollingWindow(now, HOUR)).toEqual({
      start: at("2026-12-04T09:16:00Z"),
      end: at("2026-12-04T10:16:00Z"),
    });
  });

  it("takes the calendar month in the page's zone", () => {
    expect(calendarMonth(at("2026-12-01T03:00:00Z"), "America/New_York")).toEqual({
      start: at("2026-11-01T04:00:00Z"),
      end: at("2026-12-01T05:00:00Z"),
    });
    expect(calendarMonth(at("2026-12-15T00:00:00Z"), "UTC")).toEqual({
      start: at("2026-12-01T00:00:00Z"),
      end: at("2027-01-01T00:00:00Z"),
    });
  });
});

describe("the error budget", () => {
  it("allows 0.5% of a 30-day month at 99.5%, and burns at 1 when spent evenly", () => {
    const period = { start: t0, end: t0 + 30 * DAY };
    const halfway = 15 * DAY;
    const budget = errorBudget({
      target: 0.995,
      period,
      maintenanceInPeriodMs: 0,
      observedMs: halfway,
      goodMs: halfway - 0.005 * halfway,
    });
    expect(budget.allowedDowntimeMs).toBeCloseTo(3.6 * HOUR, 3);
    expect(budget.usedMs).toBeCloseTo(1.8 * HOUR, 3);
    expect(budget.leftMs).toBeCloseTo(1.8 * HOUR, 3);
    expect(budget.burnRate).toBeCloseTo(1, 9);
    expect(budget.availability).toBeCloseTo(0.995, 12);
  });

  it("goes negative when overspent, and excludes maintenance from the period", () => {
    const budget = errorBudget({
      target: 0.995,
      period: { start: t0, end: t0 + 30 * DAY },
      maintenanceInPeriodMs: 2 * HOUR,
      observedMs: 10 * DAY,
      goodMs: 10 * DAY - 5 * HOUR,
    });
    expect(budget.periodMs).toBe(30 * DAY - 2 * HOUR);
    expect(budget.leftMs).toBeLessThan(0);
    expect(budget.burnRate).toBeCloseTo(5 / 240 / 0.005, 9);
  });

  it("has no burn rate before anything was observed", () => {
    const budget = errorBudget({
      target: 0.995,
      period: { start: t0, end: t0 + DAY },
      maintenanceInPeriodMs: 0,
      observedMs: 0,
      goodMs: 0,
    });
    expect(budget.burnRate).toBeNull();
    expect(budget.availability).toBeNull();
    expect(budget.leftMs).toBe(budget.allowedDowntimeMs);
  });
});
