import { ValidationError } from "../../errors.js";

/**
 * Escalation policies: pure. A page notifies the first level's targets at once; if nobody
 * acknowledges within the level's timeout, the next level; after the last, the whole policy again
 * up to `repeats` more times; then the fallback, once. Whether a page was acknowledged is the
 * caller's to check before each step: this file only says who is due when.
 */

export type EscalationTarget =
  | { kind: "schedule"; scheduleId: string }
  | { kind: "person"; personId: string }
  | { kind: "group"; groupId: string };

export interface EscalationLevel {
  targets: readonly EscalationTarget[];
  /** Minutes to wait for an acknowledgement before the next level. */
  timeoutMinutes: number;
}

export interface EscalationPolicy {
  levels: readonly EscalationLevel[];
  /** How many more times the levels run after the first pass (0 to 9). */
  repeats: number;
  /** Notified once every pass went unanswered; none when empty. */
  fallback: readonly EscalationTarget[];
}

export interface EscalationStep {
  /** 0 for the first pass through the levels, 1 for the first repeat, … */
  pass: number;
  /** The level's position, or "fallback". */
  level: number | "fallback";
  targets: readonly EscalationTarget[];
  notifyAt: number;
}

const minuteMs = 60_000;
const maxLevels = 10;
const maxRepeats = 9;
const maxTimeoutMinutes = 24 * 60;

/** Refuses a policy no page could follow, naming the field at fault. */
export function checkEscalationPolicy(policy: EscalationPolicy): void {
  if (policy.levels.length === 0) throw ValidationError.field("levels", "a policy needs at least one level");
  if (policy.levels.length > maxLevels) throw ValidationError.field("levels", `at most ${maxLevels} levels`);
  policy.levels.forEach((level, index) => {
    if (level.targets.length === 0)
      throw ValidationError.field(`levels/${index}/targets`, "a level needs someone to notify");
    if (
      !Number.isInteger(level.timeoutMinutes) ||
      level.timeoutMinutes < 1 ||
      level.timeoutMinutes > maxTimeoutMinutes
    )
      throw ValidationError.field(`levels/${index}/timeoutMinutes`, `1 to ${maxTimeoutMinutes} minutes`);
  });
  if (!Number.isInteger(policy.repeats) || policy.repeats < 0 || policy.repeats > maxRepeats)
    throw ValidationError.field("repeats", `0 to ${maxRepeats}`);
}

/** Every step of a page opened at `openedAt` that nobody acknowledges, in order. */
export function escalationSteps(policy: EscalationPolicy, openedAt: number): EscalationStep[] {
  const steps: EscalationStep[] = [];
  let at = openedAt;
  for (let pass = 0; pass <= policy.repeats; pass += 1) {
    policy.levels.forEach((level, index) => {
      steps.push({ pass, level: index, targets: level.targets, notifyAt: at });
      at += level.timeoutMinutes * minuteMs;
    });
  }
  if (policy.fallback.length > 0)
    steps.push({ pass: policy.repeats, level: "fallback", targets: policy.fallback, notifyAt: at });
  return steps;
}

/**
 * The step due after `done` steps of a page opened at `openedAt`, or null when the policy is
 * spent: the job that notifies a step schedules the next one with this.
 */
export function stepAfter(policy: EscalationPolicy, openedAt: number, done: number): EscalationStep | null {
  return escalationSteps(policy, openedAt)[done] ?? null;
}
