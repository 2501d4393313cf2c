import { describe, expect, it } from "vitest";
import { HOUR } from "../../shared/clock.js";
import { checklistProblems, checklistProgress, defaultSecurityChecklist } from "./security-checklist.js";

const startedAt = new Date("2026-12-01T08:00:00.000Z");

describe("security checklist configuration", () => {
  it("accepts the defaults, notifying authorities within 72 hours", () => {
    expect(checklistProblems(defaultSecurityChecklist)).toEqual([]);
    expect(defaultSecurityChecklist.map((step) => step.title)).toEqual([
      "Contain",
      "Assess",
      "Notify authorities",
      "Communicate",
    ]);
    expect(defaultSecurityChecklist.find((step) => step.title === "Notify authorities")?.deadlineHours).toBe(
      72,
    );
  });

  it("names every broken step", () => {
    expect(
      checklistProblems([
        { title: "Contain", deadlineHours: 0 },
        { title: " contain ", deadlineHours: null },
        { title: "  ", deadlineHours: 1.5 },
      ]),
    ).toEqual([
      { field: "/steps/0/deadlineHours", message: "must be a whole number of hours from 1 to 8760" },
      { field: "/steps/1/title", message: 'repeats the step "contain"' },
      { field: "/steps/2/title", message: "must not be blank" },
      { field: "/steps/2/deadlineHours", message: "must be a whole number of hours from 1 to 8760" },
    ]);
    expect(checklistProblems([])).toEqual([{ field: "/steps", message: "must have at least one step" }]);
  });
});

describe("a security incident's checklist progress", () => {
  const steps = [
    { position: 1, title: "Notify authorities", deadlineHours: 72, doneAt: null, doneBy: null },
    { position: 0, title: "Contain", deadlineHours: null, doneAt: null, doneBy: null },
  ];

  it("is due 72 hours after the start and overdue from that instant, not before", () => {
    const due = new Date(startedAt.getTime() + 72 * HOUR);
    const before = checklistProgress(steps, startedAt, new Date(due.getTime() - 1));
    expect(before.map((step) => step.title)).toEqual(["Contain", "Notify authorities"]);
    expect(before[1]).toMatchObject({ dueAt: due.toISOString(), overdue: false });
    expect(checklistProgress(steps, startedAt, due)[1]?.overdue).toBe(true);
    expect(checklistProgress(steps, startedAt, new Date(due.getTime() + 365 * 24 * HOUR))[0]).toMatchObject({
      dueAt: null,
      overdue: false,
    });
  });

  it("is neither overdue once done, and says when it was done late", () => {
    const due = startedAt.getTime() + 72 * HOUR;
    const doneLate = [{ ...steps[0]!, doneAt: new Date(due + HOUR).toISOString(), doneBy: "p" }];
    const doneInTime = [{ ...steps[0]!, doneAt: new Date(due - HOUR).toISOString(), doneBy: "p" }];
    const later = new Date(due + 10 * HOUR);
    expect(checklistProgress(doneLate, startedAt, later)[0]).toMatchObject({
      overdue: false,
      doneLate: true,
    });
    expect(checklistProgress(doneInTime, startedAt, later)[0]).toMatchObject({
      overdue: false,
      doneLate: false,
    });
  });
});
