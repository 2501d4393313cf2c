import { describe, expect, it } from "vitest";
import { dayUnit, hourUnit, maxLiveRanges, nextRefreshRange, planRollupRead } from "./rollup-periods.js";
import { durationFigures } from "./sla-report-rules.js";
import {
  decodeDurations,
  digestsOf,
  encodeDurations,
  figuresAcrossSorted,
  valueAtRank,
} from "./stopped-duration-digests.js";

describe("rollup periods", () => {
  it("rolls up whole hours and reads the ragged ends and the stale hours live", () => {
    const plan = planRollupRead(
      { from: "2026-12-01T09:30:00.000Z", to: "2026-12-01T15:10:00.000Z" },
      hourUnit,
      ["2026-12-01T12", "2026-12-01T13", "2026-11-30T10", "2026-12-01T15"],
    );
    expect(plan.rolledUp).toEqual({
      from: "2026-12-01T10",
      to: "2026-12-01T15",
      stale: new Set(["2026-12-01T12", "2026-12-01T13"]),
    });
    expect(plan.live).toEqual([
      { from: "2026-12-01T09:30:00.000Z", to: "2026-12-01T10:00:00.000Z" },
      // Two stale hours side by side are one live read.
      { from: "2026-12-01T12:00:00.000Z", to: "2026-12-01T14:00:00.000Z" },
      { from: "2026-12-01T15:00:00.000Z", to: "2026-12-01T15:10:00.000Z" },
    ]);
  });

  it("reads a period within one unit, or one too scattered with stale units, live as a whole", () => {
    const short = { from: "2026-12-01T09:30:00.000Z", to: "2026-12-01T09:50:00.000Z" };
    expect(planRollupRead(short, hourUnit, [])).toEqual({ rolledUp: null, live: [short] });
    const quarter = { from: "2026-07-01T00:00:00.000Z", to: "2026-10-01T00:00:00.000Z" };
    const everyOtherDay = Array.from({ length: maxLiveRanges + 1 }, (_, index) =>
      new Date(Date.parse(quarter.from) + index * 2 * dayUnit.lengthMs).toISOString().slice(0, 10),
    );
    expect(planRollupRead(quarter, dayUnit, everyOtherDay)).toEqual({ rolledUp: null, live: [quarter] });
    expect(planRollupRead(quarter, dayUnit, everyOtherDay.slice(1))).toMatchObject({
      rolledUp: { from: "2026-07-01", to: "2026-10-01" },
    });
  });

  it("refreshes the earliest stale units within a span, as one inclusive range", () => {
    expect(
      nextRefreshRange(["2026-12-03", "2026-12-01", "2026-12-01", "2026-12-02", "2026-12-09"], dayUnit, 3),
    ).toEqual({
      fromKey: "2026-12-01",
      toKey: "2026-12-03",
      from: "2026-12-01T00:00:00.000Z",
      to: "2026-12-04T00:00:00.000Z",
    });
    expect(nextRefreshRange([], hourUnit, 24)).toBeNull();
  });
});

describe("stopped-duration digests", () => {
  it("keep every duration of a day, policy and metric, sorted, and read back exactly", () => {
    const row = (stoppedAt: string, metric: string, business: number, calendar: number) => ({
      policy_id: "p1",
      metric,
      stopped_at: stoppedAt,
      business_ms: business,
      calendar_ms: calendar,
    });
    const digests = digestsOf([
      row("2026-12-01T23:59:59.999Z", "first_response", 3_000, 9_000),
      row("2026-12-01T01:00:00.000Z", "first_response", 1_000.5, 4_000),
      row("2026-12-02T00:00:00.000Z", "first_response", 2_000, 2_000),
      row("2026-12-01T12:00:00.000Z", "resolution", 86_400_000 * 40, 86_400_000 * 45),
    ]);
    const read = digests.map((digest) => ({
      day: digest.day,
      metric: digest.metric,
      count: digest.count,
      business: [...decodeDurations(digest.business_ms)],
      calendar: [...decodeDurations(digest.calendar_ms)],
    }));
    expect(read).toEqual([
      {
        day: "2026-12-01",
        metric: "first_response",
        count: 2,
        business: [1_000.5, 3_000],
        calendar: [4_000, 9_000],
      },
      {
        day: "2026-12-01",
        metric: "resolution",
        count: 1,
        business: [3_456_000_000],
        calendar: [3_888_000_000],
      },
      { day: "2026-12-02", metric: "first_response", count: 1, business: [2_000], calendar: [2_000] },
    ]);
    // A copy that starts inside a larger buffer (as a driver may hand back) decodes the same.
    const bytes = encodeDurations(Float64Array.of(5, 7));
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect([...decodeDurations(padded.subarray(3))]).toEqual([5, 7]);
  });
});

describe("ranks across sorted arrays", () => {
  it("finds what sorting all the values together would find, ties and empty arrays included", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 200; round += 1) {
      const arrays = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        Float64Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 30)).sort(),
      );
      const all = [...arrays.flatMap((array) => [...array])].sort((a, b) => a - b);
      if (all.length === 0) {
        expect(figuresAcrossSorted(arrays)).toEqual({ medianMs: null, p90Ms: null, meanMs: null });
        continue;
      }
      for (const rank of [0, Math.floor(all.length / 2), all.length - 1]) {
        expect(valueAtRank(arrays, rank)).toBe(all[rank]);
      }
      expect(figuresAcrossSorted(arrays)).toEqual(durationFigures(all));
    }
  });
});
