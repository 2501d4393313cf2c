import { describe, expect, it } from "vitest";
import { HOUR, MINUTE } from "../../shared/clock.js";
import { defaultMaintenancePolicy, isoWeekdayAt, maintenanceBreaches } from "./maintenance-policy.js";

const at = (iso: string) => Date.parse(iso);
// Scheduled on Friday 27 November 2026; Tuesday 1 December is comfortably more than 24 h later.
const scheduledAt = at("2026-11-27T10:00:00Z");

function breachesOf(start: string, end: string, when = scheduledAt, policy = defaultMaintenancePolicy) {
  return maintenanceBreaches({ start: at(start), end: at(end) }, when, policy);
}

describe("the maintenance policy (Tuesday to Thursday, 24 h notice, at most 2 h)", () => {
  it.each([
    ["Tuesday 02:00–04:00", "2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z"],
    ["Wednesday 22:00 to Thursday 00:00", "2026-12-02T22:00:00Z", "2026-12-03T00:00:00Z"],
    ["Thursday 22:00 ending at midnight sharp", "2026-12-03T22:00:00Z", "2026-12-04T00:00:00Z"],
  ])("accepts %s", (_name, start, end) => {
    expect(breachesOf(start, end)).toEqual([]);
  });

  it.each([
    ["a Monday", "2026-11-30T02:00:00Z", "2026-11-30T03:00:00Z", ["weekday"], /Monday/],
    ["Thursday night into Friday", "2026-12-03T23:00:00Z", "2026-12-04T00:30:00Z", ["weekday"], /Friday/],
    ["a Saturday", "2026-12-05T02:00:00Z", "2026-12-05T03:00:00Z", ["weekday"], /Saturday/],
    [
      "2 h 1 min",
      "2026-12-01T02:00:00Z",
      "2026-12-01T04:01:00Z",
      ["duration"],
      /at most 2 h; this window lasts 2 h 1 min/,
    ],
  ])("refuses %s, naming the rule", (_name, start, end, rules, message) => {
    const breaches = breachesOf(start, end);
    expect(breaches.map((b) => b.rule)).toEqual(rules);
    expect(breaches.map((b) => b.message).join(" ")).toMatch(message);
  });

  it("refuses 23 h notice and accepts exactly 24 h", () => {
    const start = at("2026-12-01T10:00:00Z");
    const window = { start, end: start + HOUR };
    const late = maintenanceBreaches(window, start - 23 * HOUR, defaultMaintenancePolicy);
    expect(late).toEqual([
      expect.objectContaining({
        rule: "notice",
        noticeMs: 23 * HOUR,
        message: expect.stringMatching(/at least 24 h ahead; this window starts in 23 h/),
      }),
    ]);
    expect(maintenanceBreaches(window, start - 24 * HOUR, defaultMaintenancePolicy)).toEqual([]);
  });

  it("lists every broken rule at once", () => {
    // Monday, announced an hour ahead, three hours long.
    const breaches = breachesOf("2026-11-30T10:00:00Z", "2026-11-30T13:00:00Z", at("2026-11-30T09:00:00Z"));
    expect(breaches.map((b) => b.rule)).toEqual(["weekday", "notice", "duration"]);
  });

  it("refuses a window that ends before it starts, and nothing else", () => {
    expect(breachesOf("2026-12-01T04:00:00Z", "2026-12-01T02:00:00Z").map((b) => b.rule)).toEqual([
      "window_order",
    ]);
  });

  it("reads the weekday in the policy's time zone", () => {
    const sydney = { ...defaultMaintenancePolicy, timeZone: "Australia/Sydney" };
    // Monday 30 November 22:00 UTC is Tuesday 09:00 in Sydney (UTC+11 in summer).
    expect(breachesOf("2026-11-30T22:00:00Z", "2026-11-30T23:00:00Z", scheduledAt, sydney)).toEqual([]);
    // Thursday 3 December 14:00 UTC is Friday 01:00 in Sydney.
    expect(
      breachesOf("2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z", scheduledAt, sydney).map((b) => b.rule),
    ).toEqual(["weekday"]);
  });

  it("checks every day a long window touches when the policy allows long windows", () => {
    const long = { ...defaultMaintenancePolicy, maximumDurationMs: 7 * 24 * HOUR };
    // Thursday to the next Tuesday passes through Friday to Monday.
    const breaches = breachesOf("2026-12-03T10:00:00Z", "2026-12-08T10:00:00Z", scheduledAt, long);
    expect(breaches).toEqual([expect.objectContaining({ rule: "weekday", weekday: 5 })]);
  });

  it("knows the weekday across a daylight-saving change", () => {
    // Sunday 29 March 2026 in Berlin: clocks go from 02:00 to 03:00.
    expect(isoWeekdayAt(at("2026-03-28T22:59:00Z"), "Europe/Berlin")).toBe(6);
    expect(isoWeekdayAt(at("2026-03-28T23:00:00Z"), "Europe/Berlin")).toBe(7);
    expect(isoWeekdayAt(at("2026-03-29T21:59:00Z"), "Europe/Berlin")).toBe(7);
    expect(isoWeekdayAt(at("2026-03-29T22:00:00Z"), "Europe/Berlin")).toBe(1);
    expect(isoWeekdayAt(at("2026-12-01T00:00:00Z") + 30 * MINUTE, "UTC")).toBe(2);
  });
});
