import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { checkEscalationPolicy, type EscalationPolicy, escalationSteps, stepAfter } from "./escalation.js";

const MINUTE = 60_000;
const opened = Date.parse("2026-12-03T02:00:00Z");
const onCall = { kind: "schedule", scheduleId: "support" } as const;
const lead = { kind: "person", personId: "lead" } as const;
const leadership = { kind: "group", groupId: "support-leadership" } as const;

const policy: EscalationPolicy = {
  levels: [
    { targets: [onCall], timeoutMinutes: 15 },
    { targets: [lead, leadership], timeoutMinutes: 30 },
  ],
  repeats: 1,
  fallback: [leadership],
};

describe("escalating an unacknowledged page", () => {
  it("notifies each level after the previous one's timeout, repeats the levels, then the fallback", () => {
    const steps = escalationSteps(policy, opened).map((step) => ({
      pass: step.pass,
      level: step.level,
      after: (step.notifyAt - opened) / MINUTE,
    }));
    expect(steps).toEqual([
      { pass: 0, level: 0, after: 0 },
      { pass: 0, level: 1, after: 15 },
      { pass: 1, level: 0, after: 45 },
      { pass: 1, level: 1, after: 60 },
      { pass: 1, level: "fallback", after: 90 },
    ]);
  });

  it("says which step is due next, and nothing once the policy is spent", () => {
    expect(stepAfter(policy, opened, 0)?.targets).toEqual([onCall]);
    expect(stepAfter(policy, opened, 1)?.targets).toEqual([lead, leadership]);
    expect(stepAfter(policy, opened, 4)?.level).toBe("fallback");
    expect(stepAfter(policy, opened, 5)).toBeNull();
    expect(stepAfter({ ...policy, fallback: [] }, opened, 4)).toBeNull();
  });

  it("for any valid policy, runs every level once per pass, in order, never going back in time", () => {
    const level = fc.record({
      targets: fc.constant([onCall]),
      timeoutMinutes: fc.integer({ min: 1, max: 24 * 60 }),
    });
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (levels, repeats, withFallback) => {
          const candidate = { levels, repeats, fallback: withFallback ? [leadership] : [] };
          checkEscalationPolicy(candidate);
          const steps = escalationSteps(candidate, opened);
          expect(steps).toHaveLength(levels.length * (repeats + 1) + (withFallback ? 1 : 0));
          steps.forEach((step, i) => {
            if (i > 0) expect(step.notifyAt).toBeGreaterThan(steps[i - 1]?.notifyAt as number);
            if (step.level !== "fallback") expect(step.level).toBe(i % levels.length);
          });
        },
      ),
    );
  });

  it("refuses a policy no page could follow, naming the field", () => {
    const fieldOf = (candidate: EscalationPolicy) => {
      try {
        checkEscalationPolicy(candidate);
        return undefined;
      } catch (error) {
        if (error instanceof ValidationError) return error.problems[0]?.field;
        throw error;
      }
    };
    expect(fieldOf({ ...policy, levels: [] })).toBe("levels");
    expect(fieldOf({ ...policy, levels: [{ targets: [], timeoutMinutes: 5 }] })).toBe("levels/0/targets");
    expect(fieldOf({ ...policy, levels: [{ targets: [lead], timeoutMinutes: 0 }] })).toBe(
      "levels/0/timeoutMinutes",
    );
    expect(fieldOf({ ...policy, repeats: 10 })).toBe("repeats");
    expect(fieldOf(policy)).toBeUndefined();
  });
});
