import { describe, expect, it } from "vitest";
import {
  blankPolicyDraft,
  draftOfPolicy,
  moveLevel,
  newLevel,
  type PolicyDraft,
  policyBodyOfDraft,
  policyFields,
  policySummary,
  type TargetDirectory,
  targetKey,
  targetName,
  targetOfKey,
  withTarget,
} from "./escalation-policy-draft.js";

const directory: TargetDirectory = {
  schedules: new Map([["s1", "Support"]]),
  people: new Map([["p1", "Ada Admin"]]),
  groups: new Map([["g1", "Leads"]]),
};

const twoLevels: PolicyDraft = {
  ...blankPolicyDraft(),
  name: " support-leadership ",
  levels: [
    { targets: [{ kind: "schedule", scheduleId: "s1" }], timeoutMinutes: "5" },
    { targets: [{ kind: "group", groupId: "g1" }], timeoutMinutes: " 10 " },
  ],
  repeats: "1",
  fallback: [{ kind: "person", personId: "p1" }],
};

describe("an escalation policy as an admin edits it", () => {
  it("sends the levels in order with numeric timeouts, and no chat webhook when none was typed", () => {
    expect(policyBodyOfDraft(twoLevels, false)).toEqual({
      name: " support-leadership ",
      levels: [
        { targets: [{ kind: "schedule", scheduleId: "s1" }], timeoutMinutes: 5 },
        { targets: [{ kind: "group", groupId: "g1" }], timeoutMinutes: 10 },
      ],
      repeats: 1,
      fallback: [{ kind: "person", personId: "p1" }],
    });
  });

  it("sends what is not a number as values the API refuses by field, so the message lands beside it", () => {
    const body = policyBodyOfDraft(
      { ...twoLevels, levels: [{ targets: [], timeoutMinutes: "soon" }], repeats: "" },
      false,
    );
    expect(body.levels[0]?.timeoutMinutes).toBe(0);
    expect(body.repeats).toBe(-1);
  });

  it("sets, keeps or removes the chat webhook: the API never shows the URL back", () => {
    const typed = { ...twoLevels, chatWebhookUrl: " https://chat.example/hook " };
    expect(policyBodyOfDraft(typed, false).chatWebhookUrl).toBe("https://chat.example/hook");
    expect(policyBodyOfDraft(typed, true).chatWebhookUrl).toBe("https://chat.example/hook");
    expect("chatWebhookUrl" in policyBodyOfDraft(twoLevels, true)).toBe(false);
    expect(policyBodyOfDraft({ ...typed, removeChatWebhook: true }, true).chatWebhookUrl).toBeNull();
  });

  it("round-trips a stored policy into a draft that sends the same levels back", () => {
    const stored = {
      id: "x",
      name: "support-leadership",
      levels: [
        { targets: [{ kind: "schedule" as const, scheduleId: "s1" }], timeoutMinutes: 5 },
        { targets: [{ kind: "group" as const, groupId: "g1" }], timeoutMinutes: 10 },
      ],
      repeats: 2,
      fallback: [],
      chatWebhookConfigured: true,
      createdAt: "2026-12-01T00:00:00Z",
      updatedAt: "2026-12-01T00:00:00Z",
    };
    const draft = draftOfPolicy(stored);
    expect(draft).toMatchObject({ name: "support-leadership", repeats: "2", chatWebhookUrl: "" });
    const body = policyBodyOfDraft(draft, true);
    expect(body.levels).toEqual(stored.levels);
    expect(body.repeats).toBe(2);
    // The draft owns its targets: editing it leaves the loaded policy as it was.
    draft.levels[0]?.targets.push({ kind: "person", personId: "p1" });
    expect(stored.levels[0]?.targets).toHaveLength(1);
  });

  it("reorders levels one place at a time and leaves the ends in place", () => {
    const levels = ["a", "b", "c"];
    expect(moveLevel(levels, 1, -1)).toEqual(["b", "a", "c"]);
    expect(moveLevel(levels, 1, 1)).toEqual(["a", "c", "b"]);
    expect(moveLevel(levels, 0, -1)).toEqual(levels);
    expect(moveLevel(levels, 2, 1)).toEqual(levels);
  });

  it("names every field the API may refuse, per level", () => {
    expect(policyFields({ ...blankPolicyDraft(), levels: [newLevel(), newLevel()] })).toEqual([
      "name",
      "levels",
      "repeats",
      "fallback",
      "chatWebhookUrl",
      "levels/0/targets",
      "levels/0/timeoutMinutes",
      "levels/1/targets",
      "levels/1/timeoutMinutes",
    ]);
  });

  it("picks targets from one list by key, once each", () => {
    for (const target of [
      { kind: "schedule" as const, scheduleId: "s1" },
      { kind: "person" as const, personId: "p1" },
      { kind: "group" as const, groupId: "g1" },
    ])
      expect(targetOfKey(targetKey(target))).toEqual(target);
    expect(targetOfKey("")).toBeNull();
    expect(targetOfKey("ticket:1")).toBeNull();
    const once = withTarget([], { kind: "person", personId: "p1" });
    expect(withTarget(once, { kind: "person", personId: "p1" })).toHaveLength(1);
  });

  it("says each level, the repeats and the fallback by name", () => {
    const body = policyBodyOfDraft(twoLevels, false);
    expect(policySummary(body, directory)).toEqual([
      "Level 1: whoever is on call for Support, for 5 minutes",
      "Level 2: the Leads group, for 10 minutes",
      "Then once more from level 1",
      "Finally: Ada Admin",
    ]);
    expect(targetName({ kind: "person", personId: "gone" }, directory)).toBe("a former staff member");
  });
});
