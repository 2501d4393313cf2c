import { describe, expect, it } from "vitest";
import {
  attainmentOf,
  bucketPeriod,
  durationFigures,
  monthOf,
  sumSettled,
  weekOf,
} from "./sla-report-rules.js";

describe("SLA report rules", () => {
  it("puts an instant in the week starting Monday UTC and its month", () => {
    expect(weekOf("2026-11-23T00:00:00.000Z")).toBe("2026-11-23"); // a Monday
    expect(weekOf("2026-11-29T23:59:59.999Z")).toBe("2026-11-23"); // the Sunday after
    expect(weekOf("2026-12-01T10:00:00.000Z")).toBe("2026-11-30"); // across a month
    expect(monthOf("2026-12-01T10:00:00.000Z")).toBe("2026-12");
    expect(bucketPeriod("week", "2026-11-30")).toEqual({
      from: "2026-11-30T00:00:00.000Z",
      to: "2026-12-07T00:00:00.000Z",
    });
    expect(bucketPeriod("month", "2026-12")).toEqual({
      from: "2026-12-01T00:00:00.000Z",
      to: "2027-01-01T00:00:00.000Z",
    });
  });

  it("takes nearest-rank percentiles and leaves empty figures null", () => {
    // 10 values 1..10: median rank ceil(5) = 5th, p90 rank ceil(9) = 9th, mean 5.5 rounds to 6.
    expect(durationFigures([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ medianMs: 5, p90Ms: 9, meanMs: 6 });
    expect(durationFigures([42])).toEqual({ medianMs: 42, p90Ms: 42, meanMs: 42 });
    expect(durationFigures([])).toEqual({ medianMs: null, p90Ms: null, meanMs: null });
    expect(attainmentOf(3, 1)).toBe(0.75);
    expect(attainmentOf(0, 0)).toBeNull();
  });

  it("reads one grouped count at coarser groupings, a policy's metrics apart", () => {
    const cells = [
      { by: { week: "2026-11-23", policy: "p1", metric: "first_response" }, counts: { met: 3, breached: 1 } },
      { by: { week: "2026-11-23", policy: "p1", metric: "resolution" }, counts: { met: 2, breached: 0 } },
      { by: { week: "2026-11-30", policy: "p1", metric: "first_response" }, counts: { met: 1, breached: 1 } },
      { by: { week: "2026-11-30", policy: null, metric: "resolution" }, counts: { met: 0, breached: 2 } },
      { by: { week: "2026-11-30", policy: "p2", metric: "resolution" }, counts: { met: 0, breached: 0 } },
    ];
    expect(sumSettled(cells, null)).toEqual([{ key: null, metric: null, met: 6, breached: 4 }]);
    expect(sumSettled(cells, "week")).toEqual([
      { key: "2026-11-23", metric: null, met: 5, breached: 1 },
      { key: "2026-11-30", metric: null, met: 1, breached: 3 },
    ]);
    // Empty groups are left out; "no policy" stays a row of its own.
    expect(sumSettled(cells, "policy")).toEqual([
      { key: "p1", metric: "first_response", met: 4, breached: 2 },
      { key: "p1", metric: "resolution", met: 2, breached: 0 },
      { key: null, metric: "resolution", met: 0, breached: 2 },
    ]);
    expect(sumSettled([], null)).toEqual([]);
  });
});
