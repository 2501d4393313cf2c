import { formatDuration, formatInstant, formatUsedOf } from "./format-duration.js";
import type { ClockStep, ComputedClock } from "./sla-types.js";

/** Steps that end a pause: the clock counts again, or it stopped while paused. */
const endsPause = new Set(["resumed", "achieved", "stopped"]);

/**
 * A clock's timeline in words, one line per event, for the agent looking at "why is this red?":
 * "Started 2026-11-23 09:00 UTC", "Paused while Pending from … to …", "Achieved at … (3 h 12 m of the 24 h
 * used)", "Running: due … (1 h 5 m left)". Durations are open time on the target's calendar.
 */
export function explainClock(clock: ComputedClock): string[] {
  const lines: string[] = [];
  const steps = clock.steps;
  const isCycle = clock.metric === "next_response" || clock.metric === "periodic_update";
  const finalStop = clock.achievedAt === null ? -1 : lastIndexOfStop(steps);

  for (const [index, step] of steps.entries()) {
    const at = formatInstant(step.at);
    switch (step.kind) {
      case "started":
        lines.push(isCycle ? `Started ${at} (cycle ${clock.cycle}: ${step.detail})` : `Started ${at}`);
        break;
      case "paused": {
        const end = steps.slice(index + 1).find((later) => endsPause.has(later.kind));
        lines.push(
          end === undefined
            ? `Paused while ${step.detail} since ${at}`
            : `Paused while ${step.detail} from ${at} to ${formatInstant(end.at)}`,
        );
        break;
      }
      case "resumed":
        break;
      case "acknowledged_not_qualifying":
        lines.push(`Acknowledged at ${at} — not a qualifying response`);
        break;
      case "breached":
        lines.push(`Breached at ${at} (due ${formatInstant(clock.dueAt ?? step.at)})`);
        break;
      case "achieved":
      case "stopped": {
        const verb = step.kind === "achieved" ? "Achieved" : "Stopped";
        if (index !== finalStop) {
          lines.push(`${verb} at ${at} — ${step.detail}`);
          break;
        }
        const used = `${formatDuration(clock.usedMs)} of the ${formatDuration(clock.targetMs)} used`;
        const late = clock.state === "breached" ? ", late" : "";
        lines.push(`${verb} at ${at}${late} (${used}) — ${step.detail}`);
        break;
      }
      case "reopened":
        lines.push(`Reopened at ${at} — ${step.detail}`);
        break;
      default:
        lines.push(`${step.kind} at ${at} — ${step.detail}`);
    }
  }

  if (clock.achievedAt === null) lines.push(currentStanding(clock));
  return lines;
}

/** Where a clock that is still open stands now. */
function currentStanding(clock: ComputedClock): string {
  const leftMs = clock.targetMs - clock.usedMs;
  if (clock.state === "breached") {
    const over = `${formatDuration(clock.usedMs - clock.targetMs)} over the ${formatDuration(clock.targetMs)}`;
    const pausedNote = isPausedNow(clock) ? ", paused while Pending" : "";
    return `Overdue: ${over} and still open${pausedNote}`;
  }
  if (clock.state === "paused" || clock.dueAt === null) {
    return `Paused: ${formatUsedOf(leftMs, clock.targetMs)} left; the due time is set when it resumes`;
  }
  return `Running: due ${formatInstant(clock.dueAt)} (${formatDuration(leftMs)} left)`;
}

function isPausedNow(clock: ComputedClock): boolean {
  for (let i = clock.steps.length - 1; i >= 0; i--) {
    const kind = clock.steps[i]!.kind;
    if (kind === "paused") return true;
    if (kind === "resumed" || kind === "started" || kind === "reopened") return false;
  }
  return false;
}

function lastIndexOfStop(steps: readonly ClockStep[]): number {
  for (let i = steps.length - 1; i >= 0; i--) {
    const kind = steps[i]!.kind;
    if (kind === "achieved" || kind === "stopped") return i;
  }
  return -1;
}
