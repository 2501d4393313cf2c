import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { BusinessCalendar } from "./business-calendar.js";
import type { CalendarDefinition, CalendarPresetName } from "./index.js";

const nineToFive = [["09:00", "17:00"]] as const;
const valid: CalendarDefinition = { timeZone: "America/Los_Angeles", weekly: { mon: nineToFive } };

/** The fields a ValidationError names, in order; fails the test when nothing (or something else) is thrown. */
function fieldsRejected(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((problem) => problem.field);
  }
  throw new Error("expected a ValidationError");
}

const rejected = (definition: unknown) =>
  fieldsRejected(() => new BusinessCalendar(definition as CalendarDefinition));

describe("calendar definition validation", () => {
  it("accepts a well-formed definition", () => {
    expect(new BusinessCalendar(valid).timeZone).toBe("America/Los_Angeles");
  });

  it("names timeZone for an unknown, empty or missing zone", () => {
    expect(rejected({ ...valid, timeZone: "Mars/Olympus_Mons" })).toEqual(["timeZone"]);
    expect(rejected({ ...valid, timeZone: "" })).toEqual(["timeZone"]);
    expect(rejected({ weekly: valid.weekly })).toEqual(["timeZone"]);
  });

  it("names the later of two overlapping windows", () => {
    const overlapByOneMinute = {
      thu: [
        ["09:00", "12:00"],
        ["11:59", "13:00"],
      ],
    };
    expect(rejected({ ...valid, weekly: overlapByOneMinute })).toEqual(["weekly.thu[1]"]);
    expect(
      rejected({
        ...valid,
        weekly: {
          mon: [
            ["09:00", "12:00"],
            ["11:00", "17:00"],
          ],
        },
      }),
    ).toEqual(["weekly.mon[1]"]);
    expect(
      rejected({
        ...valid,
        weekly: {
          fri: [
            ["13:00", "17:00"],
            ["09:00", "13:30"],
          ],
        },
      }),
    ).toEqual(["weekly.fri[1]"]);
  });

  it("names reversed and empty windows", () => {
    expect(rejected({ ...valid, weekly: { tue: [["17:00", "09:00"]] } })).toEqual(["weekly.tue[0]"]);
    expect(rejected({ ...valid, weekly: { tue: [["09:00", "09:00"]] } })).toEqual(["weekly.tue[0]"]);
    expect(rejected({ ...valid, weekly: { tue: [["24:00", "24:00"]] } })).toEqual(["weekly.tue[0]"]);
  });

  it("names windows with bad time strings", () => {
    for (const bad of ["9:00", "25:00", "12:60", "24:01", "12:00:00", "noon", 900]) {
      expect(
        rejected({
          ...valid,
          weekly: {
            wed: [
              ["08:00", "09:00"],
              [bad, "17:00"],
            ],
          },
        }),
      ).toEqual(["weekly.wed[1]"]);
    }
    expect(rejected({ ...valid, weekly: { wed: [["09:00"]] } })).toEqual(["weekly.wed[0]"]);
    expect(rejected({ ...valid, weekly: { wed: "09:00-17:00" } })).toEqual(["weekly.wed"]);
  });

  it("names an unknown weekday and a weekly that is not an object", () => {
    expect(rejected({ ...valid, weekly: { funday: nineToFive } })).toEqual(["weekly.funday"]);
    expect(rejected({ ...valid, weekly: [nineToFive] })).toEqual(["weekly"]);
  });

  it("names bad holiday dates and unknown presets by index", () => {
    expect(rejected({ ...valid, holidays: ["2026-12-25", "2026-02-30"] })).toEqual(["holidays[1]"]);
    expect(rejected({ ...valid, holidays: ["2026-2-3"] })).toEqual(["holidays[0]"]);
    expect(rejected({ ...valid, holidays: ["preset:XX"] })).toEqual(["holidays[0]"]);
    expect(rejected({ ...valid, holidays: ["preset:US", "preset:US-ZZ"] })).toEqual(["holidays[1]"]);
    expect(rejected({ ...valid, holidays: [20261225] })).toEqual(["holidays[0]"]);
    expect(rejected({ ...valid, holidays: "2026-12-25" })).toEqual(["holidays"]);
  });

  it("names bad override dates and override windows", () => {
    expect(rejected({ ...valid, overrides: { "2026-13-01": nineToFive } })).toEqual(["overrides.2026-13-01"]);
    expect(rejected({ ...valid, overrides: { "2026-12-24": [["12:00", "09:00"]] } })).toEqual([
      "overrides.2026-12-24[0]",
    ]);
  });

  it("names closures that are reversed, lack an offset or are not real instants", () => {
    const ok = ["2026-11-23T14:00:00Z", "2026-11-23T16:00:00Z"];
    expect(rejected({ ...valid, closures: [ok, ["2026-11-23T16:00:00Z", "2026-11-23T14:00:00Z"]] })).toEqual([
      "closures[1]",
    ]);
    expect(rejected({ ...valid, closures: [["2026-11-23T14:00:00", "2026-11-23T16:00:00Z"]] })).toEqual([
      "closures[0]",
    ]);
    expect(rejected({ ...valid, closures: [["2026-02-30T14:00:00Z", "2026-03-03T16:00:00Z"]] })).toEqual([
      "closures[0]",
    ]);
    expect(rejected({ ...valid, closures: [[new Date(Number.NaN), new Date()]] })).toEqual(["closures[0]"]);
    expect(rejected({ ...valid, closures: [["2026-11-23T14:00:00Z"]] })).toEqual(["closures[0]"]);
  });

  it("accepts closures as Dates and with numeric offsets", () => {
    const calendar = new BusinessCalendar({
      ...valid,
      closures: [
        [new Date("2026-11-23T17:00:00Z"), new Date("2026-11-23T18:00:00Z")],
        ["2026-11-23T11:00:00-08:00", "2026-11-23T12:00:00.000-08:00"],
      ],
    });
    expect(calendar.elapsed(new Date("2026-11-23T08:00:00Z"), new Date("2026-11-24T08:00:00Z"))).toBe(
      6 * 3_600_000,
    );
  });

  it("reports every problem at once", () => {
    expect(
      rejected({
        timeZone: "Nowhere",
        weekly: {
          mon: [
            ["09:00", "12:00"],
            ["11:00", "13:00"],
          ],
          tue: [["9:00", "10:00"]],
        },
        holidays: ["2026-02-30", "preset:XX"],
        overrides: { tomorrow: [] },
        closures: [["2026-01-01T00:00Z", "2025-01-01T00:00Z"]],
      }),
    ).toEqual([
      "timeZone",
      "weekly.mon[1]",
      "weekly.tue[0]",
      "holidays[0]",
      "holidays[1]",
      "overrides.tomorrow",
      "closures[0]",
    ]);
  });

  it("rejects a definition that is not an object", () => {
    expect(rejected(null)).toEqual(["calendar"]);
  });
});

describe("argument validation", () => {
  const calendar = new BusinessCalendar(valid);
  const monday = new Date("2026-11-23T18:00:00Z");
  const invalid = new Date(Number.NaN);

  it("names ms for negative, fractional or non-finite amounts", () => {
    expect(fieldsRejected(() => calendar.add(monday, -1))).toEqual(["ms"]);
    expect(fieldsRejected(() => calendar.add(monday, 0.5))).toEqual(["ms"]);
    expect(fieldsRejected(() => calendar.add(monday, Number.NaN))).toEqual(["ms"]);
    expect(fieldsRejected(() => calendar.add(monday, Number.POSITIVE_INFINITY))).toEqual(["ms"]);
  });

  it("names the instant argument that is not a valid Date", () => {
    expect(fieldsRejected(() => calendar.add(invalid, 1))).toEqual(["start"]);
    expect(fieldsRejected(() => calendar.isOpen(invalid))).toEqual(["t"]);
    expect(fieldsRejected(() => calendar.nextOpen(invalid))).toEqual(["t"]);
    expect(fieldsRejected(() => calendar.nextClose(invalid))).toEqual(["t"]);
    expect(fieldsRejected(() => calendar.elapsed(monday, invalid))).toEqual(["end"]);
    expect(fieldsRejected(() => calendar.elapsed("2026-11-23" as unknown as Date, monday))).toEqual([
      "start",
    ]);
  });

  it("names preset for an unknown calendar preset", () => {
    expect(fieldsRejected(() => BusinessCalendar.preset("mars-business" as CalendarPresetName))).toEqual([
      "preset",
    ]);
  });
});
