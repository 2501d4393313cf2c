import { describe, expect, it } from "vitest";
import { eventKindName, eventSentence, notificationChannel, plannedSteps } from "./page-log.js";

const policy = {
  levels: [
    { targets: [{ kind: "schedule" as const, scheduleId: "s1" }], timeoutMinutes: 5 },
    { targets: [{ kind: "group" as const, groupId: "g1" }], timeoutMinutes: 10 },
  ],
  repeats: 1,
  fallback: [{ kind: "person" as const, personId: "p1" }],
};
const openedAt = "2026-12-04T09:00:00.000Z";
const minute = 60_000;

describe("a page's escalation, as its detail page shows it", () => {
  it("times every step from the opening and marks the next one while nobody answered", () => {
    const steps = plannedSteps(policy, { openedAt, status: "open" }, [
      { kind: "opened" },
      { kind: "escalated" },
      { kind: "notified" },
    ]);
    expect(
      steps.map((step) => [step.label, step.at - Date.parse(openedAt), step.waitMinutes, step.state]),
    ).toEqual([
      ["level 1", 0, 5, "done"],
      ["level 2", 5 * minute, 10, "next"],
      ["level 1 (repeat 1)", 15 * minute, 5, "later"],
      ["level 2 (repeat 1)", 20 * minute, 10, "later"],
      ["fallback", 30 * minute, null, "later"],
    ]);
  });

  it("marks the steps an acknowledgement made unneeded", () => {
    const steps = plannedSteps(policy, { openedAt, status: "acknowledged" }, [
      { kind: "opened" },
      { kind: "escalated" },
      { kind: "acknowledged" },
    ]);
    expect(steps.map((step) => step.state)).toEqual(["done", "skipped", "skipped", "skipped", "skipped"]);
  });

  it("reads the channel from what the escalation job logged", () => {
    expect(notificationChannel({ kind: "notified", detail: "notified via email (level 1)" })).toBe("email");
    expect(
      notificationChannel({ kind: "posted_to_chat", detail: "posted to the chat webhook (level 1)" }),
    ).toBe("chat webhook");
    expect(
      notificationChannel({ kind: "notification_failed", detail: "the relay refused the mail: 550 no" }),
    ).toBe("email");
    expect(
      notificationChannel({ kind: "escalated", detail: "escalated to level 1: 1 to notify" }),
    ).toBeNull();
    expect(eventKindName("posted_to_chat")).toBe("Posted to chat");
    expect(eventKindName("something_new")).toBe("something new");
  });

  it("says who was reached by which channel, and who answered, without repeating itself", () => {
    const sam = { id: "p1", name: "Sam Agent" };
    const at = openedAt;
    expect(
      eventSentence({
        kind: "notified",
        person: sam,
        detail: "notified via email (level 1)",
        actor: "escalation",
        at,
      }),
    ).toBe(" Sam Agent by email: notified via email (level 1)");
    expect(
      eventSentence({
        kind: "notification_failed",
        person: sam,
        detail: "the relay refused the mail: 550 no",
        actor: "escalation",
        at,
      }),
    ).toBe(" for Sam Agent by email: the relay refused the mail: 550 no");
    expect(
      eventSentence({ kind: "acknowledged", person: sam, detail: "acknowledged", actor: "Sam Agent", at }),
    ).toBe(" by Sam Agent");
    expect(
      eventSentence({
        kind: "opened",
        person: sam,
        detail: "opened with support-leadership",
        actor: "Sam Agent",
        at,
      }),
    ).toBe(" by Sam Agent: opened with support-leadership");
    expect(
      eventSentence({
        kind: "escalated",
        person: null,
        detail: "escalated to level 1: 1 to notify",
        actor: "escalation",
        at,
      }),
    ).toBe(": escalated to level 1: 1 to notify");
    expect(
      eventSentence({
        kind: "opened",
        person: null,
        detail: "opened by a trigger",
        actor: "paging trigger",
        at,
      }),
    ).toBe(": opened by a trigger (paging trigger)");
  });
});
