import type { FieldProblem } from "../../errors.js";
import { templateProblem } from "./closed-hours-acknowledgement.js";
import { parseEndOfDay } from "./health-rules.js";

/** The desk's ticket health settings, as the API reads and writes them. */
export interface HealthSettings {
  /** The support calendar the rules count business hours on; null leaves the timed rules inert. */
  calendarId: string | null;
  unacknowledgedEndOfDay: {
    enabled: boolean;
    /** "close" (the close of the business day's last opening window) or a local "HH:MM". */
    deadline: string;
  };
  openOverADay: {
    enabled: boolean;
    /** Open time without an agent update before the flag goes up: 8 h is one business day. */
    idleBusinessMs: number;
  };
  closedHoursAcknowledgement: {
    enabled: boolean;
    /** Text with `{nextOpen}` (required) and `{requesterName}`. */
    template: string;
    /** Who signs it: a staff member, by default the desk's own "Support team" person. */
    authorId: string | null;
  };
}

export const MIN_IDLE_MS = 60_000;
/** A month of business days; past that the flag says nothing a queue sorted by age doesn't. */
export const MAX_IDLE_MS = 20 * 8 * 60 * 60 * 1000;

/** Checks what can be checked without the database, naming each field as a pointer into the body. */
export function settingsProblems(settings: HealthSettings): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (parseEndOfDay(settings.unacknowledgedEndOfDay.deadline) === undefined) {
    problems.push({
      field: "/unacknowledgedEndOfDay/deadline",
      message: 'must be "close" or a local time "HH:MM", e.g. "17:00"',
    });
  }
  const idle = settings.openOverADay.idleBusinessMs;
  if (!Number.isSafeInteger(idle) || idle < MIN_IDLE_MS || idle > MAX_IDLE_MS) {
    problems.push({
      field: "/openOverADay/idleBusinessMs",
      message: `must be whole milliseconds from ${MIN_IDLE_MS} (1 minute) to ${MAX_IDLE_MS} (20 business days)`,
    });
  }
  const template = templateProblem(settings.closedHoursAcknowledgement.template);
  if (template !== undefined) {
    problems.push({ field: "/closedHoursAcknowledgement/template", message: template });
  }
  return problems;
}
