import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE, SECOND } from "../shared/clock.js";
import { clockSkewToleranceMs, type ScheduleState, scheduleTiming } from "./schedule-timing.js";

const at = (iso: string) => new Date(iso);
const everyMinute = (nextRunAt: string): ScheduleState => ({
  nextRunAt: at(nextRunAt),
  intervalMs: MINUTE,
});

describe("scheduleTiming", () => {
  it("waits until the next run, and runs at it with the next one an interval later", () => {
    expect(scheduleTiming(everyMinute("2026-12-01T10:01:00Z"), at("2026-12-01T10:00:30Z"))).toEqual({
      action: "wait",
    });
    expect(scheduleTiming(everyMinute("2026-12-01T10:01:00Z"), at("2026-12-01T10:01:00Z"))).toEqual({
      action: "run",
      nextRunAt: at("2026-12-01T10:02:00Z"),
      lateMs: 0,
      missedRuns: 0,
    });
  });

  it("runs once after a forward jump of a day, the next run an interval past the new now", () => {
    expect(scheduleTiming(everyMinute("2026-12-01T10:01:00Z"), at("2026-12-02T10:01:30Z"))).toEqual({
      action: "run",
      nextRunAt: at("2026-12-02T10:02:30Z"),
      lateMs: DAY + 30 * SECOND,
      missedRuns: 1440,
    });
  });

  it("re-anchors a timer a backward jump left further ahead than its interval, naming the jump", () => {
    // Last run at 10:00 set the next to 10:01; then the clock stepped back an hour.
    expect(scheduleTiming(everyMinute("2026-12-01T10:01:00Z"), at("2026-12-01T09:00:00Z"))).toEqual({
      action: "reanchor",
      nextRunAt: at("2026-12-01T09:01:00Z"),
      clockWentBackMs: HOUR,
    });
  });

  it("leaves alone a timer another scheduler's clock, a few seconds ahead, set a little further", () => {
    const setByAnotherHost = everyMinute("2026-12-01T10:01:05Z");
    expect(scheduleTiming(setByAnotherHost, at("2026-12-01T10:00:00Z")).action).toBe("wait");
    expect(scheduleTiming(setByAnotherHost, at("2026-12-01T09:59:05Z")).action).toBe("wait");
    expect(scheduleTiming(setByAnotherHost, at("2026-12-01T09:59:04Z")).action).toBe("reanchor");
  });

  it("whatever the clock does, runs at most once per reading and never waits much more than an interval", () => {
    const start = Date.parse("2026-12-01T10:00:00Z");
    const jump = fc.integer({ min: -2 * DAY, max: 2 * DAY });
    fc.assert(
      fc.property(
        fc.integer({ min: SECOND, max: DAY }),
        fc.array(jump, { maxLength: 40 }),
        (intervalMs, jumps) => {
          let schedule: ScheduleState = { nextRunAt: new Date(start), intervalMs };
          let now = start;
          for (const by of jumps) {
            now += by;
            const timing = scheduleTiming(schedule, new Date(now));
            if (timing.action !== "wait") schedule = { ...schedule, nextRunAt: timing.nextRunAt };
            // The timer runs again no later than one interval, and the skew tolerance, from here.
            expect(schedule.nextRunAt.getTime() - now).toBeLessThanOrEqual(intervalMs + clockSkewToleranceMs);
            // Once run, the next reading finds it waiting unless a whole interval passed.
            if (timing.action === "run") expect(scheduleTiming(schedule, new Date(now)).action).toBe("wait");
          }
        },
      ),
    );
  });
});
