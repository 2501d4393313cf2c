import { MINUTE } from "../shared/clock.js";

/**
 * Schedulers on several hosts read each other's next runs by their own clocks: NTP keeps those within
 * milliseconds of one another, so a next run more than a minute beyond one interval is a clock that
 * went back, not skew.
 */
export const clockSkewToleranceMs = MINUTE;

/** A recurring schedule as the scheduler reads it. */
export interface ScheduleState {
  nextRunAt: Date;
  intervalMs: number;
}

/** What the scheduler does with a schedule at an instant, and the next run it then sets. */
export type ScheduleTiming =
  | { action: "wait" }
  /** Due: one run, however many intervals passed (`missedRuns` > 0 after a forward jump or downtime). */
  | { action: "run"; nextRunAt: Date; lateMs: number; missedRuns: number }
  /**
   * Further ahead than one interval (and the skew tolerance), which only a clock set back can leave
   * (each run sets the next one interval past its own now) — or an interval shortened since, which
   * the same move suits: moved to one interval from now, so a backward jump does not stall the timer
   * for its whole length. `clockWentBackMs` is at least how far the clock went back.
   */
  | { action: "reanchor"; nextRunAt: Date; clockWentBackMs: number };

/**
 * The next run is always one interval past the instant the scheduler acts, never past the missed one:
 * a timer catches up once (its handlers find everything that fell due), not once per missed interval.
 */
export function scheduleTiming(schedule: ScheduleState, now: Date): ScheduleTiming {
  const nextRunAt = new Date(now.getTime() + schedule.intervalMs);
  const lateMs = now.getTime() - schedule.nextRunAt.getTime();
  if (lateMs >= 0)
    return { action: "run", nextRunAt, lateMs, missedRuns: Math.floor(lateMs / schedule.intervalMs) };
  const clockWentBackMs = -lateMs - schedule.intervalMs;
  if (clockWentBackMs > clockSkewToleranceMs) return { action: "reanchor", nextRunAt, clockWentBackMs };
  return { action: "wait" };
}
