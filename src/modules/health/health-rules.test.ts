import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../calendar/index.js";
import {
  acknowledgedAt,
  acknowledgementDeadline,
  BUSINESS_DAY_MS,
  idleDueAt,
  idleFlagDueAt,
  idleSince,
  latestArrivalPastDeadline,
  latestIdleStartDue,
  missedAcknowledgementDeadline,
  parseEndOfDay,
} from "./health-rules.js";

/**
 * Hand-worked cases on the default support calendar: Los Angeles, Monday to Friday 09:00–17:00 with US
 * public holidays. Los Angeles is UTC-8 in late November (17:00 there is 01:00Z the next day) and UTC-7
 * from 8 March 2026 (17:00 is 00:00Z). Thanksgiving 2026 is Thursday 26 November.
 */
const losAngeles = BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] });
const close = { kind: "close" } as const;
const at = (iso: string) => new Date(iso);
const deadlineOf = (calendar: BusinessCalendar, arrived: string, endOfDay = parseEndOfDay("close")!) =>
  acknowledgementDeadline(calendar, at(arrived), endOfDay)?.toISOString() ?? null;

describe("the end of a ticket's business day", () => {
  it("is 17:00 the same day for a ticket arriving during support hours", () => {
    // Monday 10:00 in Los Angeles.
    expect(deadlineOf(losAngeles, "2026-11-23T18:00:00Z")).toBe("2026-11-24T01:00:00.000Z");
  });

  it("is 17:00 the same day for a ticket arriving before opening", () => {
    // Monday 06:00 in Los Angeles.
    expect(deadlineOf(losAngeles, "2026-11-23T14:00:00Z")).toBe("2026-11-24T01:00:00.000Z");
  });

  it("is Monday 17:00 for a ticket arriving on Friday evening", () => {
    // Friday 20 November, 18:00 in Los Angeles.
    expect(deadlineOf(losAngeles, "2026-11-21T02:00:00Z")).toBe("2026-11-24T01:00:00.000Z");
  });

  it("is the next day's close for a ticket arriving at closing time exactly (the close is closed)", () => {
    expect(deadlineOf(losAngeles, "2026-11-24T01:00:00Z")).toBe("2026-11-25T01:00:00.000Z");
  });

  it("skips a holiday: Wednesday evening before Thanksgiving belongs to Friday", () => {
    expect(deadlineOf(losAngeles, "2026-11-26T02:00:00Z")).toBe("2026-11-28T01:00:00.000Z");
    // Arriving on Thanksgiving itself, too.
    expect(deadlineOf(losAngeles, "2026-11-26T18:00:00Z")).toBe("2026-11-28T01:00:00.000Z");
  });

  it("follows daylight saving time: 17:00 local is 00:00Z on the Monday after clocks spring forward", () => {
    // Friday 6 March 2026, 18:00 PST; Monday 9 March is on PDT.
    expect(deadlineOf(losAngeles, "2026-03-07T02:00:00Z")).toBe("2026-03-10T00:00:00.000Z");
    // And back: Friday 30 October on PDT, Monday 2 November on PST.
    expect(deadlineOf(losAngeles, "2026-10-31T01:00:00Z")).toBe("2026-11-03T01:00:00.000Z");
  });

  it("on a split day ends at the close of the last window, not at the lunch break", () => {
    const split = new BusinessCalendar({
      timeZone: "UTC",
      weekly: {
        mon: [
          ["09:00", "12:00"],
          ["13:00", "17:00"],
        ],
      },
    });
    expect(deadlineOf(split, "2026-11-23T10:00:00Z")).toBe("2026-11-23T17:00:00.000Z");
    expect(deadlineOf(split, "2026-11-23T12:30:00Z")).toBe("2026-11-23T17:00:00.000Z");
    expect(deadlineOf(split, "2026-11-23T17:30:00Z")).toBe("2026-11-30T17:00:00.000Z");
  });

  it("for a night shift running past midnight ends when the shift does", () => {
    const nights = new BusinessCalendar({
      timeZone: "UTC",
      weekly: { mon: [["20:00", "24:00"]], tue: [["00:00", "04:00"]] },
    });
    expect(deadlineOf(nights, "2026-11-23T21:00:00Z")).toBe("2026-11-24T04:00:00.000Z");
  });

  it("with a set time uses that local time, and the next business day once it has passed", () => {
    const extended = BusinessCalendar.preset("utc-extended");
    const fourPm = parseEndOfDay("16:00")!;
    expect(deadlineOf(extended, "2026-11-23T10:00:00Z", fourPm)).toBe("2026-11-23T16:00:00.000Z");
    // Open until midnight, but 18:00 is past the desk's end of day: tomorrow's.
    expect(deadlineOf(extended, "2026-11-23T18:00:00Z", fourPm)).toBe("2026-11-24T16:00:00.000Z");
    // Friday 18:00 → Monday.
    expect(deadlineOf(extended, "2026-11-27T18:00:00Z", fourPm)).toBe("2026-11-30T16:00:00.000Z");
    // A local time on a Los Angeles day, in winter and in summer.
    expect(deadlineOf(losAngeles, "2026-11-23T18:00:00Z", parseEndOfDay("17:00")!)).toBe(
      "2026-11-24T01:00:00.000Z",
    );
    expect(deadlineOf(losAngeles, "2026-06-01T18:00:00Z", parseEndOfDay("17:00")!)).toBe(
      "2026-06-02T00:00:00.000Z",
    );
  });

  it("does not exist on a calendar that never closes", () => {
    expect(deadlineOf(BusinessCalendar.preset("24x7"), "2026-11-23T10:00:00Z")).toBeNull();
  });

  it("reads only 'close' and real HH:MM times", () => {
    expect(parseEndOfDay("close")).toEqual({ kind: "close" });
    expect(parseEndOfDay("17:30")).toEqual({ kind: "time", minutes: 17 * 60 + 30 });
    for (const bad of ["5pm", "24:00", "17:60", "1700", ""]) expect(parseEndOfDay(bad)).toBeUndefined();
  });
});

describe("unacknowledged at end of day", () => {
  const arrived = at("2026-11-21T02:00:00Z"); // Friday evening
  const fresh = { status: "new", createdAt: arrived, leftNewAt: null, firstAgentReplyAt: null };

  it("is due from the deadline on, not a millisecond before", () => {
    expect(
      missedAcknowledgementDeadline(fresh, losAngeles, close, at("2026-11-24T00:59:59.999Z")),
    ).toBeNull();
    expect(missedAcknowledgementDeadline(fresh, losAngeles, close, at("2026-11-24T01:00:00Z"))).toEqual(
      at("2026-11-24T01:00:00Z"),
    );
  });

  it("is never due once the ticket left New or an agent answered in public", () => {
    const late = at("2026-11-25T00:00:00Z");
    const opened = { ...fresh, status: "open", leftNewAt: at("2026-11-23T17:05:00Z") };
    const answered = { ...fresh, firstAgentReplyAt: at("2026-11-24T02:00:00Z") };
    expect(missedAcknowledgementDeadline(opened, losAngeles, close, late)).toBeNull();
    expect(missedAcknowledgementDeadline(answered, losAngeles, close, late)).toBeNull();
  });

  it("dates the acknowledgement by whichever came first", () => {
    expect(
      acknowledgedAt({
        ...fresh,
        leftNewAt: at("2026-11-23T20:00:00Z"),
        firstAgentReplyAt: at("2026-11-23T18:00:00Z"),
      }),
    ).toEqual(at("2026-11-23T18:00:00Z"));
    expect(acknowledgedAt(fresh)).toBeNull();
    // Created Open by an agent: acknowledged as it arrived.
    expect(acknowledgedAt({ ...fresh, status: "open" })).toEqual(arrived);
  });
});

describe("open over a day", () => {
  it("counts silence from the later of the last agent update and the last (re)opening", () => {
    const lastOpenedAt = at("2026-11-23T20:00:00Z");
    expect(idleSince({ status: "open", lastOpenedAt, lastAgentUpdateAt: null })).toEqual(lastOpenedAt);
    expect(
      idleSince({ status: "open", lastOpenedAt, lastAgentUpdateAt: at("2026-11-23T22:00:00Z") }),
    ).toEqual(at("2026-11-23T22:00:00Z"));
    // Pending for a week, then the customer reopened: the wait on us starts at the reopening.
    expect(
      idleSince({ status: "open", lastOpenedAt, lastAgentUpdateAt: at("2026-11-16T18:00:00Z") }),
    ).toEqual(lastOpenedAt);
  });

  it("falls due after 8 open hours: the same time the next business day", () => {
    // Monday 10:00 → Tuesday 10:00 in Los Angeles.
    expect(idleDueAt(losAngeles, at("2026-11-23T18:00:00Z"), BUSINESS_DAY_MS)).toEqual(
      at("2026-11-24T18:00:00Z"),
    );
  });

  it("carries over a weekend and a holiday", () => {
    // Friday 15:00: 2 hours Friday, 6 hours Monday → Monday 15:00.
    expect(idleDueAt(losAngeles, at("2026-11-20T23:00:00Z"), BUSINESS_DAY_MS)).toEqual(
      at("2026-11-23T23:00:00Z"),
    );
    // Wednesday 16:00 before Thanksgiving: 1 hour Wednesday, 7 hours Friday → Friday 16:00.
    expect(idleDueAt(losAngeles, at("2026-11-26T00:00:00Z"), BUSINESS_DAY_MS)).toEqual(
      at("2026-11-28T00:00:00Z"),
    );
  });

  it("is only ever due on an Open ticket", () => {
    const facts = { status: "open", lastOpenedAt: at("2026-11-23T18:00:00Z"), lastAgentUpdateAt: null };
    const now = at("2026-11-24T18:00:00Z");
    expect(idleFlagDueAt(facts, losAngeles, BUSINESS_DAY_MS, now)).toEqual(now);
    expect(idleFlagDueAt(facts, losAngeles, BUSINESS_DAY_MS, at("2026-11-24T17:59:59.999Z"))).toBeNull();
    expect(idleFlagDueAt({ ...facts, status: "pending" }, losAngeles, BUSINESS_DAY_MS, now)).toBeNull();
  });
});

describe("the latest due start, which the sweep selects candidates by", () => {
  const november = fc.integer({
    min: Date.parse("2026-11-01T00:00:00Z"),
    max: Date.parse("2026-12-31T00:00:00Z"),
  });

  it("splits arrivals exactly into those past their deadline and those not", () => {
    fc.assert(
      fc.property(november, fc.integer({ min: 0, max: 20 * 86_400_000 }), (nowMs, ageMs) => {
        const now = new Date(nowMs);
        const arrived = new Date(nowMs - ageMs);
        const latest = latestArrivalPastDeadline(losAngeles, close, now);
        const deadline = acknowledgementDeadline(losAngeles, arrived, close);
        const due = deadline !== null && deadline.getTime() <= nowMs;
        expect(latest !== undefined && arrived.getTime() <= latest.getTime()).toBe(due);
      }),
      { numRuns: 200 },
    );
  });

  it("splits silences exactly into those long enough and those not", () => {
    fc.assert(
      fc.property(november, fc.integer({ min: 0, max: 20 * 86_400_000 }), (nowMs, ageMs) => {
        const now = new Date(nowMs);
        const since = new Date(nowMs - ageMs);
        const latest = latestIdleStartDue(losAngeles, BUSINESS_DAY_MS, now);
        const dueAt = idleDueAt(losAngeles, since, BUSINESS_DAY_MS);
        const due = dueAt !== null && dueAt.getTime() <= nowMs;
        expect(latest !== undefined && since.getTime() <= latest.getTime()).toBe(due);
      }),
      { numRuns: 200 },
    );
  });

  it("is Monday's close minus a millisecond just after Monday's close", () => {
    expect(latestArrivalPastDeadline(losAngeles, close, at("2026-11-24T01:00:30Z"))).toEqual(
      at("2026-11-24T00:59:59.999Z"),
    );
  });
});
