import { describe, expect, it } from "vitest";
import { BusinessCalendar, type CalendarDefinition, NEVER_CLOSES_MS, NoOpenTimeError } from "./index.js";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const mondayToFriday = (windows: [string, string][]): CalendarDefinition["weekly"] => ({
  mon: windows,
  tue: windows,
  wed: windows,
  thu: windows,
  fri: windows,
  sat: [],
  sun: [],
});

// Pacific times below are PST (UTC-8) from November 1, 2026 and PDT (UTC-7) before.
const losAngeles = new BusinessCalendar({
  timeZone: "America/Los_Angeles",
  weekly: mondayToFriday([["09:00", "17:00"]]),
  holidays: ["2026-12-25"],
  overrides: { "2026-12-24": [["09:00", "12:00"]] },
  closures: [
    ["2026-11-23T14:00:00Z", "2026-11-23T16:00:00Z"],
    ["2026-11-24T18:00:00Z", "2026-11-24T20:00:00Z"],
  ],
});

describe("opening hours and the half-open rule", () => {
  it("opens at the opening instant and is closed at the closing instant", () => {
    expect(losAngeles.isOpen(at("2026-11-20T16:59:59.999Z"))).toBe(false);
    expect(losAngeles.isOpen(at("2026-11-20T17:00:00Z"))).toBe(true);
    expect(losAngeles.isOpen(at("2026-11-21T00:59:59.999Z"))).toBe(true);
    expect(losAngeles.isOpen(at("2026-11-21T01:00:00Z"))).toBe(false);
  });

  it("gives t itself from nextOpen when open and from nextClose when closed", () => {
    expect(iso(losAngeles.nextOpen(at("2026-11-20T18:00:00.123Z")))).toBe("2026-11-20T18:00:00.123Z");
    expect(iso(losAngeles.nextClose(at("2026-11-21T18:00:00.123Z")))).toBe("2026-11-21T18:00:00.123Z");
  });

  it("finds the next opening across a weekend", () => {
    expect(iso(losAngeles.nextOpen(at("2026-11-21T01:00:00Z")))).toBe("2026-11-23T17:00:00.000Z");
    expect(iso(losAngeles.nextClose(at("2026-11-20T18:00:00Z")))).toBe("2026-11-21T01:00:00.000Z");
  });
});

describe("add", () => {
  it("stops at Friday 17:00 when the amount runs out at closing time", () => {
    expect(iso(losAngeles.add(at("2026-11-20T17:00:00Z"), 8 * HOUR))).toBe("2026-11-21T01:00:00.000Z");
    expect(iso(losAngeles.add(at("2026-11-21T00:00:00Z"), HOUR))).toBe("2026-11-21T01:00:00.000Z");
  });

  it("carries one millisecond past Friday's close into Monday", () => {
    expect(iso(losAngeles.add(at("2026-11-21T00:00:00Z"), HOUR + 1))).toBe("2026-11-23T17:00:00.001Z");
  });

  it("returns t for a zero amount, open or closed", () => {
    expect(iso(losAngeles.add(at("2026-11-21T20:00:00.5Z"), 0))).toBe("2026-11-21T20:00:00.500Z");
    expect(iso(losAngeles.add(at("2026-11-20T20:00:00Z"), 0))).toBe("2026-11-20T20:00:00.000Z");
  });

  it("starts counting at the next opening when started while closed", () => {
    expect(iso(losAngeles.add(at("2026-11-21T20:00:00Z"), 1))).toBe("2026-11-23T17:00:00.001Z");
  });

  it("returns every closing instant of a year, whatever day it falls on", () => {
    for (const calendar of [
      BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] }),
      BusinessCalendar.preset("utc-extended"),
      new BusinessCalendar({
        timeZone: "Asia/Tokyo",
        weekly: mondayToFriday([
          ["08:00", "12:00"],
          ["13:00", "24:00"],
        ]),
      }),
    ]) {
      let opens = calendar.nextOpen(at("2026-01-01T00:00:00Z"));
      let closings = 0;
      while (opens.getTime() < Date.parse("2027-01-01T00:00:00Z")) {
        const closes = calendar.nextClose(opens);
        expect(iso(calendar.add(opens, closes.getTime() - opens.getTime()))).toBe(iso(closes));
        opens = calendar.nextOpen(closes);
        closings++;
      }
      expect(closings).toBeGreaterThan(240);
    }
  });

  it("counts a long amount over weeks", () => {
    // 80 business hours from Monday 09:00 is two full weeks: Friday 17:00 of the second week.
    expect(iso(losAngeles.add(at("2026-11-02T17:00:00Z"), 80 * HOUR))).toBe("2026-11-14T01:00:00.000Z");
  });
});

describe("elapsed", () => {
  it("counts open time only", () => {
    expect(losAngeles.elapsed(at("2026-11-20T16:00:00Z"), at("2026-11-23T18:30:00Z"))).toBe(9.5 * HOUR);
  });

  it("returns 0 when end is before start", () => {
    expect(losAngeles.elapsed(at("2026-11-20T20:00:00Z"), at("2026-11-20T18:00:00Z"))).toBe(0);
  });

  it("counts a year across many precomputed blocks", () => {
    const withUsHolidays = BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] });
    // 2026 has 261 weekdays, 11 of them US federal holidays (the July 4 substitute is Friday July 3).
    expect(withUsHolidays.elapsed(at("2026-01-01T08:00:00Z"), at("2027-01-01T08:00:00Z"))).toBe(
      250 * 8 * HOUR,
    );
  });
});

describe("holidays, overrides and closures", () => {
  it("closes a listed holiday all day", () => {
    expect(losAngeles.isOpen(at("2026-12-25T18:00:00Z"))).toBe(false);
    expect(iso(losAngeles.nextOpen(at("2026-12-25T18:00:00Z")))).toBe("2026-12-28T17:00:00.000Z");
  });

  it("replaces a day's windows with its override", () => {
    expect(losAngeles.isOpen(at("2026-12-24T19:59:59.999Z"))).toBe(true);
    expect(losAngeles.isOpen(at("2026-12-24T20:00:00Z"))).toBe(false);
    expect(iso(losAngeles.nextClose(at("2026-12-24T17:00:00Z")))).toBe("2026-12-24T20:00:00.000Z");
    // One hour left on the short day, then the holiday and the weekend pass.
    expect(iso(losAngeles.add(at("2026-12-24T19:00:00Z"), 2 * HOUR))).toBe("2026-12-28T18:00:00.000Z");
    expect(losAngeles.elapsed(at("2026-12-21T08:00:00Z"), at("2026-12-28T08:00:00Z"))).toBe(27 * HOUR);
  });

  it("opens a weekend or a holiday through an override, and closes a weekday with an empty one", () => {
    const calendar = new BusinessCalendar({
      timeZone: "UTC",
      weekly: mondayToFriday([["09:00", "17:00"]]),
      holidays: ["2026-11-26"],
      overrides: { "2026-11-26": [["10:00", "14:00"]], "2026-11-28": [["10:00", "11:00"]], "2026-11-27": [] },
    });
    expect(calendar.elapsed(at("2026-11-26T00:00:00Z"), at("2026-11-27T00:00:00Z"))).toBe(4 * HOUR);
    expect(calendar.isOpen(at("2026-11-27T12:00:00Z"))).toBe(false);
    expect(iso(calendar.nextOpen(at("2026-11-26T14:00:00Z")))).toBe("2026-11-28T10:00:00.000Z");
  });

  it("closes an absolute closure inside opening hours", () => {
    // Tuesday 10:00–12:00 PST.
    expect(losAngeles.isOpen(at("2026-11-24T19:00:00Z"))).toBe(false);
    expect(iso(losAngeles.nextClose(at("2026-11-24T17:00:00Z")))).toBe("2026-11-24T18:00:00.000Z");
    expect(iso(losAngeles.nextOpen(at("2026-11-24T18:30:00Z")))).toBe("2026-11-24T20:00:00.000Z");
    expect(iso(losAngeles.add(at("2026-11-24T17:00:00Z"), 2 * HOUR))).toBe("2026-11-24T21:00:00.000Z");
    expect(losAngeles.elapsed(at("2026-11-24T08:00:00Z"), at("2026-11-25T08:00:00Z"))).toBe(6 * HOUR);
  });

  it("opens when a closure that starts at opening time ends", () => {
    const calendar = new BusinessCalendar({
      timeZone: "America/Los_Angeles",
      weekly: mondayToFriday([["09:00", "17:00"]]),
      closures: [["2026-11-25T17:00:00Z", "2026-11-25T18:00:00Z"]],
    });
    expect(iso(calendar.nextOpen(at("2026-11-25T16:00:00Z")))).toBe("2026-11-25T18:00:00.000Z");
    expect(iso(calendar.add(at("2026-11-25T16:00:00Z"), 1))).toBe("2026-11-25T18:00:00.001Z");
  });

  it("ignores a closure outside opening hours", () => {
    // Monday 06:00–08:00 PST, before the desk opens.
    expect(losAngeles.elapsed(at("2026-11-23T08:00:00Z"), at("2026-11-24T08:00:00Z"))).toBe(8 * HOUR);
  });

  it("crosses a closure longer than a block", () => {
    const calendar = new BusinessCalendar({
      timeZone: "UTC",
      weekly: mondayToFriday([["09:00", "17:00"]]),
      closures: [["2026-01-01T00:00:00Z", "2026-09-01T00:00:00Z"]],
    });
    expect(iso(calendar.nextOpen(at("2026-01-05T10:00:00Z")))).toBe("2026-09-01T09:00:00.000Z");
    expect(iso(calendar.add(at("2026-01-05T10:00:00Z"), HOUR))).toBe("2026-09-01T10:00:00.000Z");
  });
});

describe("holiday presets", () => {
  const pacific = (holidays: string[]) => BusinessCalendar.preset("us-pacific-business", { holidays });

  it("closes US federal holidays and leaves observances open", () => {
    const calendar = pacific(["preset:US"]);
    expect(calendar.isOpen(at("2026-11-26T18:00:00Z"))).toBe(false);
    // The day after Thanksgiving is a federal working day.
    expect(calendar.isOpen(at("2026-11-27T18:00:00Z"))).toBe(true);
    // Valentine's Day 2027 falls on a Sunday; St. Patrick's Day (Wednesday) is an observance.
    expect(calendar.isOpen(at("2027-03-17T18:00:00Z"))).toBe(true);
    // New Year 2028 is a Saturday; the substitute is Friday 2027-12-31.
    expect(calendar.isOpen(at("2027-12-31T18:00:00Z"))).toBe(false);
  });

  it("adds a state's own holidays", () => {
    const california = pacific(["preset:US-CA"]);
    expect(california.isOpen(at("2026-11-27T18:00:00Z"))).toBe(false);
    expect(california.isOpen(at("2026-03-31T18:00:00Z"))).toBe(false);
    expect(pacific(["preset:US"]).isOpen(at("2026-03-31T18:00:00Z"))).toBe(true);
  });

  it("resolves German states", () => {
    const berlin = (holidays: string[]) =>
      new BusinessCalendar({
        timeZone: "Europe/Berlin",
        weekly: mondayToFriday([["09:00", "17:00"]]),
        holidays,
      });
    // International Women's Day, Monday 2027-03-08, is a public holiday in Berlin only.
    expect(berlin(["preset:DE-BE"]).isOpen(at("2027-03-08T10:00:00Z"))).toBe(false);
    expect(berlin(["preset:DE"]).isOpen(at("2027-03-08T10:00:00Z"))).toBe(true);
    expect(berlin(["preset:de-be"]).isOpen(at("2026-12-25T10:00:00Z"))).toBe(false);
  });

  it("lets an override open a preset holiday", () => {
    const calendar = BusinessCalendar.preset("us-pacific-business", {
      holidays: ["preset:US"],
      overrides: { "2026-11-26": [["10:00", "14:00"]] },
    });
    expect(calendar.elapsed(at("2026-11-26T08:00:00Z"), at("2026-11-27T08:00:00Z"))).toBe(4 * HOUR);
  });
});

describe("several windows a day and windows ending at 24:00", () => {
  const splitShift = new BusinessCalendar({
    timeZone: "UTC",
    weekly: {
      mon: [
        ["13:00", "17:00"],
        ["09:00", "12:00"],
      ],
    },
  });

  it("skips the gap between windows", () => {
    expect(iso(splitShift.add(at("2026-11-23T11:00:00Z"), 2 * HOUR))).toBe("2026-11-23T14:00:00.000Z");
    expect(iso(splitShift.nextClose(at("2026-11-23T10:00:00Z")))).toBe("2026-11-23T12:00:00.000Z");
    expect(iso(splitShift.nextOpen(at("2026-11-23T12:30:00Z")))).toBe("2026-11-23T13:00:00.000Z");
    expect(splitShift.elapsed(at("2026-11-23T00:00:00Z"), at("2026-11-24T00:00:00Z"))).toBe(7 * HOUR);
  });

  it("treats touching windows as one opening", () => {
    const calendar = new BusinessCalendar({
      timeZone: "UTC",
      weekly: {
        mon: [
          ["09:00", "12:00"],
          ["12:00", "17:00"],
        ],
      },
    });
    expect(calendar.isOpen(at("2026-11-23T12:00:00Z"))).toBe(true);
    expect(iso(calendar.nextClose(at("2026-11-23T10:00:00Z")))).toBe("2026-11-23T17:00:00.000Z");
  });

  it("closes a 24:00 window at midnight", () => {
    const extended = BusinessCalendar.preset("utc-extended");
    expect(extended.isOpen(at("2026-11-23T23:59:59.999Z"))).toBe(true);
    expect(extended.isOpen(at("2026-11-24T00:00:00Z"))).toBe(false);
    expect(iso(extended.nextClose(at("2026-11-23T20:00:00Z")))).toBe("2026-11-24T00:00:00.000Z");
    expect(iso(extended.add(at("2026-11-23T23:00:00Z"), 2 * HOUR))).toBe("2026-11-24T10:00:00.000Z");
    expect(iso(extended.add(at("2026-11-27T23:00:00Z"), HOUR))).toBe("2026-11-28T00:00:00.000Z");
  });

  it("runs a 24:00 window into the next day's 00:00 window without a close", () => {
    const calendar = new BusinessCalendar({
      timeZone: "America/Los_Angeles",
      weekly: { mon: [["18:00", "24:00"]], tue: [["00:00", "02:00"]] },
    });
    expect(iso(calendar.nextClose(at("2026-11-24T03:00:00Z")))).toBe("2026-11-24T10:00:00.000Z");
    expect(calendar.elapsed(at("2026-11-23T08:00:00Z"), at("2026-11-25T08:00:00Z"))).toBe(8 * HOUR);
  });
});

describe("daylight-saving changes", () => {
  const allDay = (timeZone: string) =>
    new BusinessCalendar({
      timeZone,
      weekly: Object.fromEntries(
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((day) => [day, [["00:00", "24:00"]]]),
      ),
    });
  const sundays = (timeZone: string, windows: [string, string][]) =>
    new BusinessCalendar({ timeZone, weekly: { sun: windows } });

  it("counts the fall-back day as 25 hours", () => {
    const calendar = sundays("America/Los_Angeles", [["00:00", "24:00"]]);
    expect(calendar.elapsed(at("2026-10-31T19:00:00Z"), at("2026-11-02T20:00:00Z"))).toBe(25 * HOUR);
    expect(iso(calendar.nextOpen(at("2026-10-31T19:00:00Z")))).toBe("2026-11-01T07:00:00.000Z");
    expect(iso(calendar.nextClose(at("2026-11-01T12:00:00Z")))).toBe("2026-11-02T08:00:00.000Z");
    expect(iso(calendar.add(at("2026-11-01T07:00:00Z"), 24 * HOUR))).toBe("2026-11-02T07:00:00.000Z");
    expect(iso(calendar.add(at("2026-11-01T07:00:00Z"), 25 * HOUR))).toBe("2026-11-02T08:00:00.000Z");
  });

  it("counts the spring-forward day as 23 hours", () => {
    const calendar = sundays("America/Los_Angeles", [["00:00", "24:00"]]);
    expect(calendar.elapsed(at("2026-03-07T12:00:00Z"), at("2026-03-09T12:00:00Z"))).toBe(23 * HOUR);
    expect(iso(calendar.nextClose(at("2026-03-08T12:00:00Z")))).toBe("2026-03-09T07:00:00.000Z");
  });

  it("has 23- and 25-hour days in Berlin and Sydney", () => {
    expect(allDay("Europe/Berlin").elapsed(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"))).toBe(
      23 * HOUR,
    );
    expect(allDay("Europe/Berlin").elapsed(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"))).toBe(
      25 * HOUR,
    );
    const sydney = sundays("Australia/Sydney", [["00:00", "24:00"]]);
    expect(sydney.elapsed(at("2026-04-04T00:00:00Z"), at("2026-04-06T00:00:00Z"))).toBe(25 * HOUR);
    expect(sydney.elapsed(at("2026-10-03T00:00:00Z"), at("2026-10-05T00:00:00Z"))).toBe(23 * HOUR);
  });

  it("moves a window edge in the spring-forward gap later by the gap", () => {
    const opensInGap = sundays("America/Los_Angeles", [["02:30", "04:00"]]);
    expect(iso(opensInGap.nextOpen(at("2026-03-08T08:00:00Z")))).toBe("2026-03-08T10:30:00.000Z");
    expect(opensInGap.elapsed(at("2026-03-08T08:00:00Z"), at("2026-03-09T08:00:00Z"))).toBe(0.5 * HOUR);
    const closesInGap = sundays("America/Los_Angeles", [["01:00", "02:30"]]);
    expect(iso(closesInGap.nextClose(at("2026-03-08T09:00:00Z")))).toBe("2026-03-08T10:30:00.000Z");
    expect(closesInGap.elapsed(at("2026-03-08T08:00:00Z"), at("2026-03-09T08:00:00Z"))).toBe(1.5 * HOUR);
  });

  it("keeps windows in time order when the gap moves one past another", () => {
    // 02:30–02:45 becomes 03:30–03:45 PDT, after the 03:00–03:10 window.
    const calendar = sundays("America/Los_Angeles", [
      ["02:30", "02:45"],
      ["03:00", "03:10"],
    ]);
    expect(iso(calendar.nextOpen(at("2026-03-08T08:00:00Z")))).toBe("2026-03-08T10:00:00.000Z");
    expect(iso(calendar.nextClose(at("2026-03-08T10:05:00Z")))).toBe("2026-03-08T10:10:00.000Z");
    expect(iso(calendar.nextOpen(at("2026-03-08T10:10:00Z")))).toBe("2026-03-08T10:30:00.000Z");
    expect(calendar.elapsed(at("2026-03-08T08:00:00Z"), at("2026-03-09T08:00:00Z"))).toBe(25 * 60_000);
  });

  it("drops a window that only spans skipped time", () => {
    // 02:30 moves to 03:30 but 03:15 stays, so nothing of the window is real that day.
    const calendar = sundays("America/Los_Angeles", [["02:30", "03:15"]]);
    expect(iso(calendar.nextOpen(at("2026-03-08T08:00:00Z")))).toBe("2026-03-15T09:30:00.000Z");
  });

  it("reads a repeated wall time as its earlier instant", () => {
    const opensInOverlap = sundays("America/Los_Angeles", [["01:30", "04:00"]]);
    expect(iso(opensInOverlap.nextOpen(at("2026-11-01T07:00:00Z")))).toBe("2026-11-01T08:30:00.000Z");
    expect(opensInOverlap.elapsed(at("2026-11-01T07:00:00Z"), at("2026-11-02T08:00:00Z"))).toBe(3.5 * HOUR);
    const closesInOverlap = sundays("America/Los_Angeles", [["00:00", "01:30"]]);
    expect(iso(closesInOverlap.nextClose(at("2026-11-01T07:00:00Z")))).toBe("2026-11-01T08:30:00.000Z");
  });

  it("keeps business hours at 09:00 local across the change", () => {
    const pacific = BusinessCalendar.preset("us-pacific-business");
    // Friday 16:00 plus two hours: one on Friday, one from Monday 09:00 in the other offset.
    expect(iso(pacific.add(at("2026-10-30T23:00:00Z"), 2 * HOUR))).toBe("2026-11-02T18:00:00.000Z");
    expect(iso(pacific.add(at("2026-03-07T00:00:00Z"), 2 * HOUR))).toBe("2026-03-09T17:00:00.000Z");
  });
});

describe("calendars that never open or never close", () => {
  it("gives a 24x7 calendar real time and the sentinel for nextClose", () => {
    const always = BusinessCalendar.preset("24x7");
    expect(always.nextClose(at("2026-11-23T12:00:00Z")).getTime()).toBe(NEVER_CLOSES_MS);
    expect(iso(always.nextOpen(at("2026-11-23T12:00:00Z")))).toBe("2026-11-23T12:00:00.000Z");
    expect(iso(always.add(at("2026-11-23T12:00:00Z"), 90 * 24 * HOUR))).toBe("2027-02-21T12:00:00.000Z");
    expect(always.elapsed(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))).toBe(365 * 24 * HOUR);
  });

  it("finds the close of a 24x7 calendar at its next holiday", () => {
    const always = BusinessCalendar.preset("24x7", { holidays: ["2027-06-01"] });
    expect(iso(always.nextClose(at("2026-11-23T12:00:00Z")))).toBe("2027-06-01T00:00:00.000Z");
  });

  it("throws NoOpenTimeError from nextOpen and add on a calendar that never opens", () => {
    const never = new BusinessCalendar({ timeZone: "UTC", weekly: { mon: [] } });
    const t = at("2026-11-23T12:00:00Z");
    expect(never.isOpen(t)).toBe(false);
    expect(() => never.nextOpen(t)).toThrow(NoOpenTimeError);
    expect(() => never.add(t, 1)).toThrow(NoOpenTimeError);
    expect(iso(never.add(t, 0))).toBe("2026-11-23T12:00:00.000Z");
    expect(iso(never.nextClose(t))).toBe("2026-11-23T12:00:00.000Z");
    expect(never.elapsed(t, at("2027-11-23T12:00:00Z"))).toBe(0);
  });

  it("finds a single open date within the two-year horizon", () => {
    const once = new BusinessCalendar({
      timeZone: "UTC",
      weekly: {},
      overrides: { "2028-06-01": [["09:00", "10:00"]] },
    });
    expect(iso(once.nextOpen(at("2026-11-23T12:00:00Z")))).toBe("2028-06-01T09:00:00.000Z");
    expect(iso(once.add(at("2026-11-23T12:00:00Z"), 30 * 60_000))).toBe("2028-06-01T09:30:00.000Z");
    expect(() => once.nextOpen(at("2028-06-01T10:00:00Z"))).toThrow(NoOpenTimeError);
  });
});
