import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../calendar/index.js";
import { explainClock } from "./explain-clock.js";
import { computeClocks } from "./sla-clock-engine.js";
import type { ResolvedTarget, SlaMetric, TicketFact } from "./sla-types.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);
const losAngeles = BusinessCalendar.preset("us-pacific-business");

function target(metric: SlaMetric, durationMs: number, calendar: BusinessCalendar | null): ResolvedTarget {
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
  };
}

const created: TicketFact = { kind: "created", at: at("2026-11-23T09:00:00Z"), status: "new" };
const reply = (when: string, qualifying = true): TicketFact => ({
  kind: "agent_public_reply",
  at: at(when),
  qualifying,
  workaround: false,
});
const status = (when: string, from: string, to: string): TicketFact => ({
  kind: "status_changed",
  at: at(when),
  from,
  to,
});

describe("explainClock", () => {
  it("tells an achieved clock's story with the business time used of the target", () => {
    const facts = [
      created,
      reply("2026-11-23T10:00:00Z", false),
      status("2026-11-23T10:00:00Z", "new", "pending"),
      status("2026-11-23T11:00:00Z", "pending", "open"),
      reply("2026-11-23T13:12:00Z"),
    ];
    const [clock] = computeClocks(
      facts,
      [target("first_response", 24 * HOUR, null)],
      at("2026-11-24T00:00:00Z"),
    );
    expect(explainClock(clock!)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Acknowledged at 2026-11-23 10:00 UTC — not a qualifying response",
      "Paused while Pending from 2026-11-23 10:00 UTC to 2026-11-23 11:00 UTC",
      "Achieved at 2026-11-23 13:12 UTC (3 h 12 m of the 24 h used) — qualifying public reply",
    ]);
  });

  it("says when a clock breached and how far over it still runs", () => {
    const [clock] = computeClocks(
      [created],
      [target("first_response", 24 * HOUR, null)],
      at("2026-11-24T10:05:00Z"),
    );
    expect(explainClock(clock!)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Breached at 2026-11-24 09:00 UTC (due 2026-11-24 09:00 UTC)",
      "Overdue: 1 h 5 m over the 24 h and still open",
    ]);
  });

  it("marks a late achievement as late", () => {
    const facts = [created, reply("2026-11-24T10:00:00Z")];
    const [clock] = computeClocks(
      facts,
      [target("first_response", 24 * HOUR, null)],
      at("2026-11-25T00:00:00Z"),
    );
    expect(explainClock(clock!).at(-1)).toBe(
      "Achieved at 2026-11-24 10:00 UTC, late (25 h of the 24 h used) — qualifying public reply",
    );
  });

  it("gives a running clock's due time and the business time left", () => {
    // Monday 09:00 UTC is 01:00 in Los Angeles: the 8 business hours run 09:00–17:00 Pacific.
    const [clock] = computeClocks(
      [created],
      [target("resolution", 8 * HOUR, losAngeles)],
      at("2026-11-23T23:55:00Z"),
    );
    expect(explainClock(clock!)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Running: due 2026-11-24 01:00 UTC (1 h 5 m left)",
    ]);
  });

  it("explains a pause still in progress and a stop at solve", () => {
    const paused = computeClocks(
      [created, status("2026-11-23T10:00:00Z", "new", "pending")],
      [target("resolution", 72 * HOUR, null)],
      at("2026-11-23T12:00:00Z"),
    )[0]!;
    expect(explainClock(paused)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Paused while Pending since 2026-11-23 10:00 UTC",
      "Paused: 71 h of 3 d left; the due time is set when it resumes",
    ]);

    const stopped = computeClocks(
      [created, status("2026-11-23T09:30:00Z", "new", "solved")],
      [target("first_response", HOUR, null)],
      at("2026-11-23T12:00:00Z"),
    )[0]!;
    expect(explainClock(stopped)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Stopped at 2026-11-23 09:30 UTC (30 m of the 1 h used) — ticket solved before a qualifying response",
    ]);
  });

  it("numbers cycles and tells a reopen with the time already used", () => {
    const facts = [
      created,
      reply("2026-11-23T10:00:00Z"),
      status("2026-11-23T12:00:00Z", "open", "solved"),
      { kind: "customer_reply", at: at("2026-11-24T09:00:00Z") } satisfies TicketFact,
      status("2026-11-24T09:00:00Z", "solved", "open"),
    ];
    const clocks = computeClocks(
      facts,
      [target("next_response", 2 * HOUR, null), target("resolution", 72 * HOUR, null)],
      at("2026-11-24T09:30:00Z"),
    );
    expect(explainClock(clocks[0]!)).toEqual([
      "Started 2026-11-24 09:00 UTC (cycle 1: customer replied to the solved ticket)",
      "Running: due 2026-11-24 11:00 UTC (1 h 30 m left)",
    ]);
    expect(explainClock(clocks[1]!)).toEqual([
      "Started 2026-11-23 09:00 UTC",
      "Achieved at 2026-11-23 12:00 UTC — ticket solved",
      "Reopened at 2026-11-24 09:00 UTC — counting resumes with 3 h of 3 d used",
      "Running: due 2026-11-27 06:00 UTC (68 h 30 m left)",
    ]);
  });
});
