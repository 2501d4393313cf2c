import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, MINUTE } from "../../shared/clock.js";
import { type AvailabilityRollup, rollUpByMinute, spansFromResults } from "./availability.js";
import { bucketsOf, closedSpan, dayGrain, minuteGrain, readPlan, staleAfterMs } from "./rollup-buckets.js";

/** Increments per bucket added up, as the store's upsert adds them. */
function accumulate(increments: AvailabilityRollup[]): AvailabilityRollup[] {
  const byBucket = new Map<number, AvailabilityRollup>();
  for (const increment of increments) {
    const sum = byBucket.get(increment.at) ?? { at: increment.at, observedMs: 0, goodMs: 0 };
    sum.observedMs += increment.observedMs;
    sum.goodMs += increment.goodMs;
    byBucket.set(increment.at, sum);
  }
  return [...byBucket.values()].sort((a, b) => a.at - b.at);
}

describe("rollup buckets", () => {
  it("adding each closed span as results arrive gives availability.ts's per-minute rollups", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 5 * MINUTE }), up: fc.boolean() }), {
          minLength: 2,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: DAY }),
        fc.integer({ min: 1_000, max: 3 * MINUTE }),
        (steps, offset, staleMs) => {
          let at = Date.parse("2026-12-01T00:00:00Z") + offset;
          const results = steps.map((step) => {
            at += step.gap;
            return { at, up: step.up };
          });
          const increments = results.slice(1).flatMap((result, index) => {
            const span = closedSpan(results[index] as { at: number; up: boolean }, result.at, staleMs);
            return span ? bucketsOf(span, minuteGrain) : [];
          });
          const last = results.at(-1)?.at as number;
          const closedWindow = { start: results[0]?.at as number, end: last };
          expect(accumulate(increments)).toEqual(
            rollUpByMinute(spansFromResults(results, staleMs), [], closedWindow),
          );
        },
      ),
    );
  });

  it("cuts a span at UTC midnight into its two days", () => {
    const midnight = Date.parse("2026-12-02T00:00:00Z");
    expect(bucketsOf({ start: midnight - 1_000, end: midnight + 2_000, up: false }, dayGrain)).toEqual([
      { at: midnight - DAY, observedMs: 1_000, goodMs: 0 },
      { at: midnight, observedMs: 2_000, goodMs: 0 },
    ]);
  });

  it("reads whole days from day rollups and the edges from minute rollups", () => {
    const start = Date.parse("2026-11-01T10:07:00Z");
    const end = Date.parse("2026-11-04T08:31:00Z");
    expect(readPlan({ start, end })).toEqual({
      days: { start: Date.parse("2026-11-02T00:00:00Z"), end: Date.parse("2026-11-04T00:00:00Z") },
      minutes: [
        { start, end: Date.parse("2026-11-02T00:00:00Z") },
        { start: Date.parse("2026-11-04T00:00:00Z"), end },
      ],
    });
    const hour = { start, end: start + 60 * MINUTE };
    expect(readPlan(hour)).toEqual({ days: null, minutes: [hour] });
  });

  it("believes a probe's result for its interval and timeout, a push for two intervals", () => {
    expect(staleAfterMs({ kind: "http", intervalMs: 30_000, timeoutMs: 10_000 })).toBe(40_000);
    expect(staleAfterMs({ kind: "push", intervalMs: 60_000 })).toBe(120_000);
  });
});
