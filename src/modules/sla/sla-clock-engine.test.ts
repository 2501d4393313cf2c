import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../calendar/index.js";
import { computeClocks } from "./sla-clock-engine.js";
import type { ComputedClock, ResolvedTarget, SlaMetric, TicketFact } from "./sla-types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

// Pacific times below are PST (UTC-8): 2026-11-20 is a Friday, 2026-11-23 a Monday.
const losAngeles = BusinessCalendar.preset("us-pacific-business");

function target(
  metric: SlaMetric,
  durationMs: number,
  calendar: BusinessCalendar | null,
  options: Partial<ResolvedTarget> = {},
): ResolvedTarget {
  return {
    policyId: "policy-standard",
    policyName: "Standard",
    targetKey: `${metric}:0`,
    metric,
    durationMs,
    calendar,
    calendarName: calendar === null ? "24x7" : "US Pacific business hours",
    pauseWhilePending: true,
    warnAtShare: 0.75,
    ...options,
  };
}

const created = (when: string, status = "new"): TicketFact => ({ kind: "created", at: at(when), status });
const customer = (when: string): TicketFact => ({ kind: "customer_reply", at: at(when) });
const reply = (when: string, qualifying = true, workaround = false): TicketFact => ({
  kind: "agent_public_reply",
  at: at(when),
  qualifying,
  workaround,
});
const status = (when: string, from: string, to: string): TicketFact => ({
  kind: "status_changed",
  at: at(when),
  from,
  to,
});

function only(clocks: ComputedClock[], metric: SlaMetric): ComputedClock {
  const matching = clocks.filter((clock) => clock.metric === metric);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

const stepsOf = (clock: ComputedClock) => clock.steps.map((step) => `${step.kind}@${iso(step.at)}`);

describe("first response on a business calendar", () => {
  const oneBusinessHour = target("first_response", HOUR, losAngeles);
  // Friday 16:30 PST: half an hour before closing, so half of the hour is left for Monday 09:00.
  const fridayAfternoon = created("2026-11-21T00:30:00Z");

  it("is due Monday 09:30 when created Friday 16:30 with one business hour", () => {
    const [clock] = computeClocks([fridayAfternoon], [oneBusinessHour], at("2026-11-21T02:00:00Z"));
    expect(clock!.state).toBe("running");
    expect(iso(clock!.dueAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(clock!.usedMs).toBe(30 * MINUTE);
    // 45 of the 60 minutes: 15 minutes into Monday.
    expect(iso(clock!.warnAt)).toBe("2026-11-23T17:15:00.000Z");
  });

  it("is achieved by a qualifying reply; a non-qualifying one before it is only a step", () => {
    const facts = [
      fridayAfternoon,
      reply("2026-11-23T17:10:00Z", false), // "we got your message" at Monday 09:10
      reply("2026-11-23T17:20:00Z", true),
    ];
    const clock = only(computeClocks(facts, [oneBusinessHour], at("2026-11-24T00:00:00Z")), "first_response");
    expect(clock.state).toBe("achieved");
    expect(iso(clock.achievedAt)).toBe("2026-11-23T17:20:00.000Z");
    expect(clock.usedMs).toBe(50 * MINUTE);
    expect(iso(clock.dueAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(clock.breachedAt).toBeNull();
    expect(stepsOf(clock)).toEqual([
      "started@2026-11-21T00:30:00.000Z",
      "acknowledged_not_qualifying@2026-11-23T17:10:00.000Z",
      "achieved@2026-11-23T17:20:00.000Z",
    ]);
  });

  it("keeps running after a non-qualifying reply, with the same due time", () => {
    const facts = [fridayAfternoon, reply("2026-11-23T17:10:00Z", false)];
    const clock = only(computeClocks(facts, [oneBusinessHour], at("2026-11-23T17:25:00Z")), "first_response");
    expect(clock.state).toBe("running");
    expect(clock.achievedAt).toBeNull();
    expect(iso(clock.dueAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(clock.steps.map((step) => step.kind)).toEqual(["started", "acknowledged_not_qualifying"]);
    expect(clock.steps[1]!.detail).toBe("acknowledged — not a qualifying response");
  });

  it("breaches at the exact due instant, and a late reply leaves it breached with achievedAt", () => {
    const unanswered = computeClocks([fridayAfternoon], [oneBusinessHour], at("2026-11-23T20:00:00Z"))[0]!;
    expect(unanswered.state).toBe("breached");
    expect(iso(unanswered.breachedAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(iso(unanswered.dueAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(unanswered.usedMs).toBe(3.5 * HOUR);
    expect(unanswered.warnAt).toBeNull();

    const late = computeClocks(
      [fridayAfternoon, reply("2026-11-23T18:00:00Z")],
      [oneBusinessHour],
      at("2026-11-23T20:00:00Z"),
    )[0]!;
    expect(late.state).toBe("breached");
    expect(iso(late.breachedAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(iso(late.achievedAt)).toBe("2026-11-23T18:00:00.000Z");
    expect(late.usedMs).toBe(90 * MINUTE);
  });

  it("treats a reply at exactly the due instant as on time, and one a millisecond later as late", () => {
    const onTheDot = computeClocks(
      [fridayAfternoon, reply("2026-11-23T17:30:00.000Z")],
      [oneBusinessHour],
      at("2026-11-24T00:00:00Z"),
    )[0]!;
    expect(onTheDot.state).toBe("achieved");
    const justLate = computeClocks(
      [fridayAfternoon, reply("2026-11-23T17:30:00.001Z")],
      [oneBusinessHour],
      at("2026-11-24T00:00:00Z"),
    )[0]!;
    expect(justLate.state).toBe("breached");
    expect(iso(justLate.breachedAt)).toBe("2026-11-23T17:30:00.000Z");
  });

  it("reads breached once now reaches the due instant with no reply", () => {
    const clock = computeClocks([fridayAfternoon], [oneBusinessHour], at("2026-11-23T17:30:00Z"))[0]!;
    expect(clock.state).toBe("breached");
    const before = computeClocks([fridayAfternoon], [oneBusinessHour], at("2026-11-23T17:29:59.999Z"))[0]!;
    expect(before.state).toBe("running");
  });

  it("ignores facts after now and sorts facts that arrive out of order", () => {
    const facts = [reply("2026-11-23T17:20:00Z"), fridayAfternoon];
    const before = computeClocks(facts, [oneBusinessHour], at("2026-11-23T17:19:00Z"))[0]!;
    expect(before.state).toBe("running");
    const after = computeClocks(facts, [oneBusinessHour], at("2026-11-23T17:20:00Z"))[0]!;
    expect(after.state).toBe("achieved");
  });

  it("stops at solve: achieved with a stopped step when on time, breached when already late", () => {
    const solvedEarly = computeClocks(
      [fridayAfternoon, status("2026-11-23T17:05:00Z", "new", "solved")],
      [oneBusinessHour],
      at("2026-11-24T00:00:00Z"),
    )[0]!;
    expect(solvedEarly.state).toBe("achieved");
    expect(iso(solvedEarly.achievedAt)).toBe("2026-11-23T17:05:00.000Z");
    expect(solvedEarly.steps.at(-1)!.kind).toBe("stopped");
    expect(solvedEarly.steps.at(-1)!.detail).toBe("ticket solved before a qualifying response");

    const solvedLate = computeClocks(
      [fridayAfternoon, status("2026-11-23T19:00:00Z", "new", "solved")],
      [oneBusinessHour],
      at("2026-11-24T00:00:00Z"),
    )[0]!;
    expect(solvedLate.state).toBe("breached");
    expect(iso(solvedLate.breachedAt)).toBe("2026-11-23T17:30:00.000Z");
    expect(iso(solvedLate.achievedAt)).toBe("2026-11-23T19:00:00.000Z");
  });
});

describe("pausing while Pending", () => {
  // Monday 09:00 PST, eight business hours to resolve: due Monday 17:00 PST when nothing pauses.
  const mondayMorning = created("2026-11-23T17:00:00Z");
  const eightBusinessHours = target("resolution", 8 * HOUR, losAngeles);
  const pending = [
    mondayMorning,
    status("2026-11-23T19:00:00Z", "new", "pending"), // Monday 11:00
    status("2026-11-24T18:00:00Z", "pending", "open"), // Tuesday 10:00
  ];

  it("moves the due time by exactly the open time spent Pending", () => {
    const unpaused = computeClocks([mondayMorning], [eightBusinessHours], at("2026-11-23T18:00:00Z"))[0]!;
    expect(iso(unpaused.dueAt)).toBe("2026-11-24T01:00:00.000Z");
    // Pending covered Monday 11:00–17:00 and Tuesday 09:00–10:00: 7 open hours, so due Tuesday 16:00.
    const paused = computeClocks(pending, [eightBusinessHours], at("2026-11-24T19:00:00Z"))[0]!;
    expect(paused.state).toBe("running");
    expect(iso(paused.dueAt)).toBe("2026-11-25T00:00:00.000Z");
    expect(losAngeles.elapsed(unpaused.dueAt!, paused.dueAt!)).toBe(7 * HOUR);
    expect(paused.pausedMs).toBe(23 * HOUR);
    expect(paused.usedMs).toBe(3 * HOUR);
    expect(stepsOf(paused)).toEqual([
      "started@2026-11-23T17:00:00.000Z",
      "paused@2026-11-23T19:00:00.000Z",
      "resumed@2026-11-24T18:00:00.000Z",
    ]);
  });

  it("has no due time or warning while paused, and counts the pause in wall time", () => {
    const clock = computeClocks(pending.slice(0, 2), [eightBusinessHours], at("2026-11-24T01:00:00Z"))[0]!;
    expect(clock.state).toBe("paused");
    expect(clock.dueAt).toBeNull();
    expect(clock.warnAt).toBeNull();
    expect(clock.usedMs).toBe(2 * HOUR);
    expect(clock.pausedMs).toBe(6 * HOUR);
  });

  it("keeps counting through Pending when the target does not pause", () => {
    const counting = target("resolution", 8 * HOUR, losAngeles, { pauseWhilePending: false });
    const clock = computeClocks(pending, [counting], at("2026-11-23T23:00:00Z"))[0]!;
    expect(clock.state).toBe("running");
    expect(iso(clock.dueAt)).toBe("2026-11-24T01:00:00.000Z");
    expect(clock.pausedMs).toBe(0);
    expect(clock.steps.map((step) => step.kind)).toEqual(["started"]);
  });

  it("does not breach while paused past the original due time", () => {
    const clock = computeClocks(pending.slice(0, 2), [eightBusinessHours], at("2026-11-27T00:00:00Z"))[0]!;
    expect(clock.state).toBe("paused");
    expect(clock.breachedAt).toBeNull();
  });
});

describe("resolution", () => {
  const seventyTwoHours = target("resolution", 72 * HOUR, null);

  it("is achieved at Solved and resumes, with the time already used, when reopened", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T10:00:00Z"),
      status("2026-11-24T09:00:00Z", "open", "solved"),
      customer("2026-11-25T09:00:00Z"),
      status("2026-11-25T09:00:00Z", "solved", "open"),
    ];
    const whileSolved = computeClocks(facts, [seventyTwoHours], at("2026-11-24T12:00:00Z"))[0]!;
    expect(whileSolved.state).toBe("achieved");
    expect(iso(whileSolved.achievedAt)).toBe("2026-11-24T09:00:00.000Z");
    expect(whileSolved.usedMs).toBe(24 * HOUR);

    const reopened = computeClocks(facts, [seventyTwoHours], at("2026-11-25T10:00:00Z"))[0]!;
    expect(reopened.state).toBe("running");
    expect(reopened.achievedAt).toBeNull();
    expect(reopened.usedMs).toBe(25 * HOUR);
    expect(iso(reopened.dueAt)).toBe("2026-11-27T09:00:00.000Z");
    expect(reopened.steps.map((step) => step.kind)).toEqual(["started", "achieved", "reopened"]);
  });

  it("is achieved by a workaround, which a later solve does not move", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T15:00:00Z", true, true),
      status("2026-11-24T09:00:00Z", "open", "solved"),
    ];
    const clock = computeClocks(facts, [seventyTwoHours], at("2026-11-25T00:00:00Z"))[0]!;
    expect(clock.state).toBe("achieved");
    expect(iso(clock.achievedAt)).toBe("2026-11-23T15:00:00.000Z");
    expect(clock.usedMs).toBe(6 * HOUR);
    expect(clock.steps.at(-1)!.detail).toBe("workaround provided");
  });

  it("counts calendar time around the clock on a 24x7 target", () => {
    const facts = [created("2026-11-21T22:00:00Z")]; // Saturday night: no business hours needed
    const clock = computeClocks(facts, [seventyTwoHours], at("2026-11-22T10:00:00Z"))[0]!;
    expect(clock.usedMs).toBe(12 * HOUR);
    expect(iso(clock.dueAt)).toBe("2026-11-24T22:00:00.000Z");
    expect(iso(clock.warnAt)).toBe("2026-11-24T04:00:00.000Z");
  });

  it("stays breached after a reopen and keeps the due time it missed", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      status("2026-11-27T09:00:00Z", "open", "solved"),
      status("2026-11-28T09:00:00Z", "solved", "open"),
    ];
    const clock = computeClocks(facts, [seventyTwoHours], at("2026-11-28T10:00:00Z"))[0]!;
    expect(clock.state).toBe("breached");
    expect(iso(clock.breachedAt)).toBe("2026-11-26T09:00:00.000Z");
    expect(iso(clock.dueAt)).toBe("2026-11-26T09:00:00.000Z");
    expect(clock.achievedAt).toBeNull();
    expect(clock.usedMs).toBe(97 * HOUR);
  });
});

describe("next response cycles", () => {
  const twoHours = target("next_response", 2 * HOUR, null);

  it("starts a cycle per customer reply after the first response, ended by the next qualifying reply", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      customer("2026-11-23T09:30:00Z"), // before our first response: first_response covers it
      reply("2026-11-23T10:00:00Z"),
      customer("2026-11-23T11:00:00Z"), // cycle 1
      customer("2026-11-23T11:30:00Z"), // still waiting on cycle 1's answer
      reply("2026-11-23T11:45:00Z", false),
      reply("2026-11-23T12:00:00Z"),
      customer("2026-11-23T13:00:00Z"), // cycle 2, unanswered
    ];
    const clocks = computeClocks(facts, [twoHours], at("2026-11-23T16:00:00Z"));
    expect(clocks.map((clock) => clock.cycle)).toEqual([1, 2]);
    const [first, second] = clocks as [ComputedClock, ComputedClock];
    expect(iso(first.startedAt)).toBe("2026-11-23T11:00:00.000Z");
    expect(first.state).toBe("achieved");
    expect(iso(first.achievedAt)).toBe("2026-11-23T12:00:00.000Z");
    expect(first.usedMs).toBe(HOUR);
    expect(first.steps.map((step) => step.kind)).toEqual([
      "started",
      "acknowledged_not_qualifying",
      "achieved",
    ]);
    expect(iso(second.startedAt)).toBe("2026-11-23T13:00:00.000Z");
    expect(second.state).toBe("breached");
    expect(iso(second.breachedAt)).toBe("2026-11-23T15:00:00.000Z");
  });

  it("yields no clock before any customer reply", () => {
    const facts = [created("2026-11-23T09:00:00Z"), reply("2026-11-23T10:00:00Z")];
    expect(computeClocks(facts, [twoHours], at("2026-11-23T16:00:00Z"))).toEqual([]);
  });

  it("starts a cycle when the customer reopens a solved ticket, whichever fact is recorded first", () => {
    const base = [created("2026-11-23T09:00:00Z"), reply("2026-11-23T10:00:00Z")];
    const solve = status("2026-11-23T11:00:00Z", "open", "solved");
    const replyFirst = [
      ...base,
      solve,
      customer("2026-11-24T09:00:00Z"),
      status("2026-11-24T09:00:00Z", "solved", "open"),
    ];
    const statusFirst = [
      ...base,
      solve,
      status("2026-11-24T09:00:00Z", "solved", "open"),
      customer("2026-11-24T09:00:00Z"),
    ];
    for (const facts of [replyFirst, statusFirst]) {
      const clocks = computeClocks(facts, [twoHours], at("2026-11-24T10:00:00Z"));
      expect(clocks).toHaveLength(1);
      expect(iso(clocks[0]!.startedAt)).toBe("2026-11-24T09:00:00.000Z");
      expect(clocks[0]!.state).toBe("running");
      expect(clocks[0]!.usedMs).toBe(HOUR);
    }
  });

  it("starts a running cycle, with no pause on its timeline, when a reply lands on a Pending ticket", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T10:00:00Z"),
      status("2026-11-23T10:00:00Z", "new", "pending"),
      customer("2026-11-23T12:00:00Z"), // recorded before the reopening it causes
      status("2026-11-23T12:00:00Z", "pending", "open"),
    ];
    const [clock] = computeClocks(facts, [twoHours], at("2026-11-23T13:00:00Z"));
    expect(clock!.state).toBe("running");
    expect(clock!.pausedMs).toBe(0);
    expect(clock!.usedMs).toBe(HOUR);
    expect(clock!.steps.map((step) => step.kind)).toEqual(["started"]);
  });

  it("owes a next response after a reopen even when the ticket was solved without any reply", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      status("2026-11-23T09:30:00Z", "new", "solved"),
      customer("2026-11-23T11:00:00Z"),
      status("2026-11-23T11:00:00Z", "solved", "open"),
    ];
    const clocks = computeClocks(facts, [twoHours], at("2026-11-23T12:00:00Z"));
    expect(clocks.map((clock) => [clock.cycle, clock.state, iso(clock.startedAt)])).toEqual([
      [1, "running", "2026-11-23T11:00:00.000Z"],
    ]);
  });

  it("starts no cycle for a reply to a Closed ticket, which goes to a follow-up ticket", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T10:00:00Z"),
      status("2026-11-23T11:00:00Z", "open", "solved"),
      status("2026-11-27T11:00:00Z", "solved", "closed"),
      customer("2026-11-28T09:00:00Z"),
    ];
    expect(computeClocks(facts, [twoHours], at("2026-11-28T12:00:00Z"))).toEqual([]);
  });

  it("starts no cycle for a customer's reply that comes with marking the ticket solved", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T10:00:00Z"),
      customer("2026-11-23T11:00:00Z"),
      status("2026-11-23T11:00:00Z", "open", "solved"),
    ];
    expect(computeClocks(facts, [twoHours], at("2026-11-24T10:00:00Z"))).toEqual([]);
  });
});

describe("periodic update cycles", () => {
  const fourHours = target("periodic_update", 4 * HOUR, null);

  it("ends a cycle with each public update and runs only while the ticket waits on us", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      reply("2026-11-23T11:00:00Z", false), // any public update counts
      status("2026-11-23T11:00:00Z", "open", "pending"),
      customer("2026-11-23T15:00:00Z"),
      status("2026-11-23T15:00:00Z", "pending", "open"),
      reply("2026-11-23T20:30:00Z"),
      status("2026-11-23T20:30:00Z", "open", "solved"),
    ];
    const clocks = computeClocks(facts, [fourHours], at("2026-11-24T09:00:00Z"));
    expect(clocks.map((clock) => clock.cycle)).toEqual([1, 2]);
    const [first, second] = clocks as [ComputedClock, ComputedClock];
    expect(first.state).toBe("achieved");
    expect(first.usedMs).toBe(2 * HOUR);
    expect(iso(second.startedAt)).toBe("2026-11-23T11:00:00.000Z");
    expect(second.pausedMs).toBe(4 * HOUR);
    expect(second.state).toBe("breached");
    expect(iso(second.breachedAt)).toBe("2026-11-23T19:00:00.000Z");
    expect(iso(second.achievedAt)).toBe("2026-11-23T20:30:00.000Z");
    expect(second.usedMs).toBe(5.5 * HOUR);
  });

  it("starts a fresh cycle when the ticket is reopened", () => {
    const facts = [
      created("2026-11-23T09:00:00Z"),
      status("2026-11-23T10:00:00Z", "new", "solved"),
      status("2026-11-23T12:00:00Z", "solved", "open"),
    ];
    const clocks = computeClocks(facts, [fourHours], at("2026-11-23T13:00:00Z"));
    expect(clocks.map((clock) => [clock.cycle, clock.state, iso(clock.startedAt)])).toEqual([
      [1, "achieved", "2026-11-23T09:00:00.000Z"],
      [2, "running", "2026-11-23T12:00:00.000Z"],
    ]);
    expect(clocks[0]!.steps.at(-1)!.kind).toBe("stopped");
  });
});

describe("several targets", () => {
  it("gives each target its own clocks, in target order, on its own calendar", () => {
    const targets = [
      target("first_response", 24 * HOUR, null, { targetKey: "first_response:0" }),
      target("first_response", HOUR, losAngeles, { targetKey: "first_response:1", policyId: "policy-vip" }),
      target("resolution", 72 * HOUR, null),
    ];
    const clocks = computeClocks([created("2026-11-21T00:30:00Z")], targets, at("2026-11-21T02:00:00Z"));
    expect(clocks.map((clock) => [clock.targetKey, clock.policyId, iso(clock.dueAt)])).toEqual([
      ["first_response:0", "policy-standard", "2026-11-22T00:30:00.000Z"],
      ["first_response:1", "policy-vip", "2026-11-23T17:30:00.000Z"],
      ["resolution:0", "policy-standard", "2026-11-24T00:30:00.000Z"],
    ]);
  });

  it("yields no clocks without a created fact, or before creation", () => {
    const targets = [target("first_response", HOUR, null)];
    expect(computeClocks([reply("2026-11-23T10:00:00Z")], targets, at("2026-11-24T00:00:00Z"))).toEqual([]);
    expect(computeClocks([created("2026-11-23T10:00:00Z")], targets, at("2026-11-23T09:00:00Z"))).toEqual([]);
  });

  it("refuses an invalid instant rather than computing nonsense", () => {
    const targets = [target("first_response", HOUR, null)];
    expect(() => computeClocks([created("not a date")], targets, at("2026-11-24T00:00:00Z"))).toThrow(
      /facts\[0\]\.at/,
    );
  });
});
