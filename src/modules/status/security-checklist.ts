import type { FieldProblem } from "../../errors.js";
import { HOUR } from "../../shared/clock.js";

/** A configured step of the security-incident checklist; the deadline counts from the incident's start. */
export interface SecurityChecklistStep {
  title: string;
  deadlineHours: number | null;
}

/**
 * The incident-response steps most regimes ask for. 72 hours is the GDPR's limit (Art. 33) for telling the
 * supervisory authority of a personal-data breach, counted here from the incident's start as the safe reading.
 */
export const defaultSecurityChecklist: readonly SecurityChecklistStep[] = [
  { title: "Contain", deadlineHours: null },
  { title: "Assess", deadlineHours: null },
  { title: "Notify authorities", deadlineHours: 72 },
  { title: "Communicate", deadlineHours: null },
];

export const maxChecklistSteps = 20;
export const maxDeadlineHours = 24 * 365;

/** Every problem with a checklist an admin wants to configure, each naming the step. */
export function checklistProblems(steps: readonly SecurityChecklistStep[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (steps.length === 0) problems.push({ field: "/steps", message: "must have at least one step" });
  if (steps.length > maxChecklistSteps)
    problems.push({ field: "/steps", message: `must have at most ${maxChecklistSteps} steps` });
  const seen = new Set<string>();
  steps.forEach((step, index) => {
    const title = step.title.trim();
    if (title === "") problems.push({ field: `/steps/${index}/title`, message: "must not be blank" });
    const key = title.toLowerCase();
    if (title !== "" && seen.has(key))
      problems.push({ field: `/steps/${index}/title`, message: `repeats the step "${title}"` });
    seen.add(key);
    const hours = step.deadlineHours;
    if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > maxDeadlineHours))
      problems.push({
        field: `/steps/${index}/deadlineHours`,
        message: `must be a whole number of hours from 1 to ${maxDeadlineHours}`,
      });
  });
  return problems;
}

/** A step of one incident's checklist as stored. */
export interface ChecklistStepRecord {
  position: number;
  title: string;
  deadlineHours: number | null;
  doneAt: string | null;
  doneBy: string | null;
}

export interface ChecklistStepProgress extends ChecklistStepRecord {
  dueAt: string | null;
  /** Not done and its deadline has passed. */
  overdue: boolean;
  /** Done at or after its deadline: the same instant it became overdue counts as late. */
  doneLate: boolean;
}

/** Each step's due time and whether it is overdue, from the incident's start and the clock. */
export function checklistProgress(
  steps: readonly ChecklistStepRecord[],
  startedAt: Date,
  now: Date,
): ChecklistStepProgress[] {
  return [...steps]
    .sort((a, b) => a.position - b.position)
    .map((step) => {
      const due = step.deadlineHours === null ? null : startedAt.getTime() + step.deadlineHours * HOUR;
      const doneAt = step.doneAt === null ? null : Date.parse(step.doneAt);
      return {
        ...step,
        dueAt: due === null ? null : new Date(due).toISOString(),
        overdue: due !== null && doneAt === null && now.getTime() >= due,
        doneLate: due !== null && doneAt !== null && doneAt >= due,
      };
    });
}
