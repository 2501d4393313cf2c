import { describe, expect, it } from "vitest";
import {
  formatDayNumber,
  isKnownTimeZone,
  localDayOf,
  offsetAt,
  offsetTransitions,
  parseIsoDate,
  wallFromFields,
  wallToInstant,
  weekdayOfDay,
} from "./zoned-time.js";

const HOUR = 3_600_000;
const instant = (iso: string) => Date.parse(iso);
const wall = (iso: string) => Date.parse(`${iso}Z`);
const iso = (ms: number) => new Date(ms).toISOString();

describe("offsetAt", () => {
  it("reads standard and daylight offsets", () => {
    expect(offsetAt("America/Los_Angeles", instant("2026-01-15T12:00:00Z"))).toBe(-8 * HOUR);
    expect(offsetAt("America/Los_Angeles", instant("2026-07-15T12:00:00Z"))).toBe(-7 * HOUR);
    expect(offsetAt("Australia/Sydney", instant("2026-01-15T12:00:00Z"))).toBe(11 * HOUR);
    expect(offsetAt("Australia/Sydney", instant("2026-07-15T12:00:00Z"))).toBe(10 * HOUR);
    expect(offsetAt("Asia/Kolkata", instant("2026-07-15T12:00:34.567Z"))).toBe(5.5 * HOUR);
    expect(offsetAt("UTC", instant("2026-07-15T12:00:00Z"))).toBe(0);
  });

  it("switches exactly at the transition instant", () => {
    expect(offsetAt("America/Los_Angeles", instant("2026-03-08T09:59:59.999Z"))).toBe(-8 * HOUR);
    expect(offsetAt("America/Los_Angeles", instant("2026-03-08T10:00:00Z"))).toBe(-7 * HOUR);
  });
});

describe("wallToInstant", () => {
  it("maps an ordinary wall time with the zone's offset", () => {
    expect(iso(wallToInstant("Europe/Berlin", wall("2026-06-01T09:00:00")))).toBe("2026-06-01T07:00:00.000Z");
  });

  it("moves a time skipped by spring-forward later by the gap", () => {
    expect(iso(wallToInstant("America/Los_Angeles", wall("2026-03-08T02:30:00")))).toBe(
      "2026-03-08T10:30:00.000Z",
    );
    expect(iso(wallToInstant("Europe/Berlin", wall("2026-03-29T02:30:00")))).toBe("2026-03-29T01:30:00.000Z");
    expect(iso(wallToInstant("Australia/Sydney", wall("2026-10-04T02:30:00")))).toBe(
      "2026-10-03T16:30:00.000Z",
    );
  });

  it("takes the earlier instant of a time repeated by fall-back", () => {
    expect(iso(wallToInstant("America/Los_Angeles", wall("2026-11-01T01:30:00")))).toBe(
      "2026-11-01T08:30:00.000Z",
    );
    expect(iso(wallToInstant("Europe/Berlin", wall("2026-10-25T02:30:00")))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(wallToInstant("Australia/Sydney", wall("2026-04-05T02:30:00")))).toBe(
      "2026-04-04T15:30:00.000Z",
    );
  });

  it("is exact either side of a transition", () => {
    expect(iso(wallToInstant("America/Los_Angeles", wall("2026-03-08T01:59:00")))).toBe(
      "2026-03-08T09:59:00.000Z",
    );
    expect(iso(wallToInstant("America/Los_Angeles", wall("2026-03-08T03:00:00")))).toBe(
      "2026-03-08T10:00:00.000Z",
    );
    expect(iso(wallToInstant("America/Los_Angeles", wall("2026-11-01T02:00:00")))).toBe(
      "2026-11-01T10:00:00.000Z",
    );
  });
});

describe("local dates", () => {
  it("parses real dates and refuses impossible ones", () => {
    expect(parseIsoDate("1970-01-02")).toBe(1);
    expect(parseIsoDate("2028-02-29")).toBe(wallFromFields(2028, 2, 29) / 86_400_000);
    expect(parseIsoDate("2027-02-29")).toBeUndefined();
    expect(parseIsoDate("2026-13-01")).toBeUndefined();
    expect(parseIsoDate("2026-1-01")).toBeUndefined();
    expect(parseIsoDate("2026-01-01T00:00")).toBeUndefined();
  });

  it("gives the local date and weekday of an instant", () => {
    const day = localDayOf("America/Los_Angeles", instant("2026-11-24T05:00:00Z"));
    expect(formatDayNumber(day)).toBe("2026-11-23");
    expect(weekdayOfDay(day)).toBe(1);
    expect(formatDayNumber(localDayOf("Australia/Sydney", instant("2026-11-23T14:00:00Z")))).toBe(
      "2026-11-24",
    );
  });

  it("keeps years below 100 as written", () => {
    expect(new Date(wallFromFields(42, 3, 1)).getUTCFullYear()).toBe(42);
  });

  it("knows IANA zones and nothing else", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isKnownTimeZone("")).toBe(false);
  });
});

describe("offsetTransitions", () => {
  it("finds each daylight-saving change to the millisecond, and none in a zone without", () => {
    const year = { from: instant("2027-01-01T00:00:00Z"), to: instant("2028-01-01T00:00:00Z") };
    expect(offsetTransitions("America/New_York", year.from, year.to)).toEqual([
      instant("2027-03-14T07:00:00Z"),
      instant("2027-11-07T06:00:00Z"),
    ]);
    expect(offsetTransitions("Europe/Berlin", year.from, year.to)).toEqual([
      instant("2027-03-28T01:00:00Z"),
      instant("2027-10-31T01:00:00Z"),
    ]);
    expect(offsetTransitions("Asia/Tokyo", year.from, year.to)).toEqual([]);
    expect(offsetTransitions("America/New_York", instant("2027-03-14T07:00:00.001Z"), year.to)).toEqual([
      instant("2027-11-07T06:00:00Z"),
    ]);
  });
});
