import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MINUTE } from "../../shared/clock.js";
import { DAY_MS } from "../calendar/zoned-time.js";
import { rollingWindow } from "./availability.js";
import { economicalReadPlan } from "./rollup-read-plan.js";

const start = Date.parse("2026-08-01T00:00:00.000Z");

describe("the economical rollup read plan", () => {
  it("reads a 90-day window's last edge from today's day row and its first edge from the shorter side", () => {
    const now = Date.parse("2026-12-04T15:42:37.000Z");
    const window = rollingWindow(now, 90 * DAY_MS);
    const plan = economicalReadPlan(window, now);
    expect(plan.days).toEqual({
      start: Date.parse("2026-09-06T00:00:00.000Z"),
      end: Date.parse("2026-12-05T00:00:00.000Z"),
    });
    expect(plan.addMinutes).toEqual([{ start: window.start, end: Date.parse("2026-09-06T00:00:00.000Z") }]);
    expect(plan.subtractMinutes).toEqual([
      { start: window.end, end: Date.parse("2026-12-05T00:00:00.000Z") },
    ]);
  });

  it("sums exactly what the minute rollups hold inside the window, for any window and data", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 * 1440 - 1 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 6 * 1440 }),
        fc.integer({ min: 1, max: 6 * 1440 }),
        fc.integer({ min: 0, max: 6 * 1440 }),
        (minutesWithData, startMinute, lengthMinutes, nowMinute) => {
          const now = start + nowMinute * MINUTE;
          // Nothing is stored after now: each stored minute closed before it.
          const stored = [...new Set(minutesWithData)]
            .map((m) => start + m * MINUTE)
            .filter((at) => at + MINUTE <= now);
          const window = {
            start: start + startMinute * MINUTE,
            end: start + (startMinute + lengthMinutes) * MINUTE,
          };
          const inside = (at: number, interval: { start: number; end: number }) =>
            at >= interval.start && at < interval.end;
          const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;
          const plan = economicalReadPlan(window, now);
          let sum = 0;
          for (const at of stored) {
            if (plan.days && inside(dayOf(at), plan.days)) sum += 1;
            if (plan.addMinutes.some((interval) => inside(at, interval))) sum += 1;
            if (plan.subtractMinutes.some((interval) => inside(at, interval))) sum -= 1;
          }
          expect(sum).toBe(stored.filter((at) => inside(at, window)).length);
        },
      ),
      { numRuns: 500 },
    );
  });
});
