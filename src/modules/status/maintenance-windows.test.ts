import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../../shared/clock.js";
import { observedTime, spansFromResults, sumRollups, type TimeInterval } from "./availability.js";
import {
  maintenanceMsInside,
  maintenanceStateAt,
  readPlanWithoutMaintenance,
  toWholeMinutes,
  withoutMaintenance,
} from "./maintenance-windows.js";
import { bucketsOf } from "./rollup-buckets.js";

const t0 = Date.parse("2026-12-01T00:00:00Z");

describe("a window less its maintenance", () => {
  it("keeps the stretches between windows, counting overlapping windows once", () => {
    const window = { start: t0, end: t0 + 10 * HOUR };
    const maintenance = [
      { start: t0 + 2 * HOUR, end: t0 + 3 * HOUR },
      { start: t0 + 150 * MINUTE, end: t0 + 4 * HOUR },
      { start: t0 - HOUR, end: t0 + 30 * MINUTE },
      { start: t0 + 11 * HOUR, end: t0 + 12 * HOUR },
    ];
    expect(withoutMaintenance(window, maintenance)).toEqual([
      { start: t0 + 30 * MINUTE, end: t0 + 2 * HOUR },
      { start: t0 + 4 * HOUR, end: t0 + 10 * HOUR },
    ]);
    expect(maintenanceMsInside(window, maintenance)).toBe(30 * MINUTE + 2 * HOUR);
  });

  it("widens a window off the minute to the whole minutes it touches", () => {
    expect(toWholeMinutes({ start: t0 + 90_000, end: t0 + 150_001 })).toEqual({
      start: t0 + MINUTE,
      end: t0 + 3 * MINUTE,
    });
  });

  it("reads whole days without maintenance from day rollups and the day with maintenance by the minute", () => {
    const window = { start: t0 + 23 * HOUR, end: t0 + 3 * DAY + HOUR };
    const plan = readPlanWithoutMaintenance(window, [
      { start: t0 + DAY + 2 * HOUR, end: t0 + DAY + 4 * HOUR },
    ]);
    expect(plan.days).toEqual([{ start: t0 + 2 * DAY, end: t0 + 3 * DAY }]);
    expect(plan.minutes).toEqual([
      { start: t0 + 23 * HOUR, end: t0 + DAY + 2 * HOUR },
      { start: t0 + DAY + 4 * HOUR, end: t0 + 2 * DAY },
      { start: t0 + 3 * DAY, end: t0 + 3 * DAY + HOUR },
    ]);
  });

  it("gives from rollups exactly the figure of availability.ts for whole-minute windows (property)", () => {
    const minutes = (max: number) => fc.integer({ min: 0, max }).map((m) => m * MINUTE);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 5 * DAY }), up: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(
          fc.tuple(minutes(5 * 24 * 60), minutes(30 * 60)).map(([start, length]) => ({
            start: t0 + start,
            end: t0 + start + length,
          })),
          { maxLength: 4 },
        ),
        minutes(5 * 24 * 60),
        minutes(5 * 24 * 60),
        (rawResults, maintenance, a, b) => {
          const results = rawResults.map((r) => ({ at: t0 + r.at, up: r.up }));
          const window: TimeInterval = { start: t0 + Math.min(a, b), end: t0 + Math.max(a, b) + MINUTE };
          const spans = spansFromResults(results, 3 * HOUR);
          // What the store holds: each span cut into minute and day buckets, maintenance left in (it is
          // taken out when read).
          const storedMinutes = spans.flatMap((span) => bucketsOf(span, MINUTE));
          const storedDays = spans.flatMap((span) => bucketsOf(span, DAY));
          const plan = readPlanWithoutMaintenance(window, maintenance);
          let observedMs = 0;
          let goodMs = 0;
          for (const [rollups, ranges] of [
            [storedDays, plan.days],
            [storedMinutes, plan.minutes],
          ] as const) {
            for (const range of ranges) {
              const sum = sumRollups(rollups, range);
              observedMs += sum.observedMs;
              goodMs += sum.goodMs;
            }
          }
          expect({ observedMs, goodMs }).toEqual(observedTime(spans, maintenance, window));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("where a maintenance window stands", () => {
  it("is in progress from its start up to, not including, its end", () => {
    const window = { start: t0, end: t0 + HOUR, cancelled: false };
    expect(maintenanceStateAt(window, t0 - 1)).toBe("scheduled");
    expect(maintenanceStateAt(window, t0)).toBe("in_progress");
    expect(maintenanceStateAt(window, t0 + HOUR)).toBe("completed");
    expect(maintenanceStateAt({ ...window, cancelled: true }, t0 + 1)).toBe("cancelled");
  });
});
