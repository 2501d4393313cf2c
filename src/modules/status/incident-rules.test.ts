import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE, SECOND } from "../../shared/clock.js";
import { availabilityOf, type CheckResult, observedTime, spansFromResults } from "./availability.js";
import {
  brokenIncidentRules,
  defaultIncidentRules,
  ruleSummary,
  type UserImpactSample,
} from "./incident-rules.js";

const outageStart = Date.parse("2026-12-02T12:00:00Z");

/** A component checked every 10 s for two days, down from `outageStart`; the rules as read at `now`. */
function rulesBrokenAt(now: number, latestUserImpact: UserImpactSample | null = null) {
  const results: CheckResult[] = [];
  for (let t = outageStart - 2 * DAY; t <= now; t += 10 * SECOND)
    results.push({ at: t, up: t < outageStart });
  const spans = spansFromResults(results, 20 * SECOND);
  return brokenIncidentRules(defaultIncidentRules, {
    availabilityOver: (windowMs) =>
      availabilityOf(observedTime(spans, [], { start: now - windowMs, end: now })),
    latestUserImpact,
  });
}

describe("incident rules from the objectives", () => {
  it("fire for the last hour exactly when availability crosses under 90%", () => {
    // Six minutes down in the last sixty is exactly 90%: the promise is kept.
    expect(rulesBrokenAt(outageStart + 6 * MINUTE)).toEqual([]);
    const fired = rulesBrokenAt(outageStart + 6 * MINUTE + 10 * SECOND);
    expect(fired.map((f) => f.rule)).toEqual([
      { kind: "availability_below", windowMs: HOUR, threshold: 0.9 },
    ]);
    expect(fired[0]?.measured).toBeCloseTo(1 - 370 / 3600, 12);
    expect(fired[0]?.explanation).toBe("Availability over the last hour is 89.72%, under the 90% objective.");
  });

  it("fire for 24 hours under 97%, after about 43 minutes down", () => {
    // 3% of 24 h is 43.2 minutes.
    const rulesAt43 = rulesBrokenAt(outageStart + 43 * MINUTE).map((f) => f.rule);
    expect(rulesAt43).not.toContainEqual(expect.objectContaining({ windowMs: DAY }));
    const rulesAt44 = rulesBrokenAt(outageStart + 44 * MINUTE).map((f) => f.rule);
    expect(rulesAt44).toContainEqual({ kind: "availability_below", windowMs: DAY, threshold: 0.97 });
  });

  it("fire when more than 10% of users saw errors, not at exactly 10%", () => {
    const before = outageStart - MINUTE;
    expect(rulesBrokenAt(before, { at: before, affectedUsers: 100, totalUsers: 1000 })).toEqual([]);
    const fired = rulesBrokenAt(before, { at: before, affectedUsers: 101, totalUsers: 1000 });
    expect(fired).toEqual([
      {
        rule: { kind: "users_affected_above", share: 0.1 },
        measured: 0.101,
        explanation:
          "101 of 1000 users (10.10%) saw errors, more than the 10% that makes the service unavailable.",
      },
    ]);
    expect(rulesBrokenAt(before, { at: before, affectedUsers: 0, totalUsers: 0 })).toEqual([]);
  });

  it("break nothing over a window nobody observed", () => {
    expect(
      brokenIncidentRules(defaultIncidentRules, { availabilityOver: () => null, latestUserImpact: null }),
    ).toEqual([]);
  });

  it("says each rule as an incident title ends", () => {
    expect(defaultIncidentRules.map(ruleSummary)).toEqual([
      "availability under 90% over the last hour",
      "availability under 97% over the last 24 hours",
      "more than 10% of users affected",
    ]);
    expect(ruleSummary({ kind: "availability_below", windowMs: 15 * MINUTE, threshold: 0.995 })).toBe(
      "availability under 99.50% over the last 15 minutes",
    );
  });
});
