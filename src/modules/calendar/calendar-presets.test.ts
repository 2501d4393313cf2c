import { describe, expect, it } from "vitest";
import { BusinessCalendar, calendarPresetNames, calendarPresets } from "./index.js";

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

// Monday 2026-11-23 to Monday 2026-11-30, a week without DST changes or US federal holidays on Monday–Wednesday.
describe("calendar presets", () => {
  it("opens 24x7 around the clock", () => {
    const calendar = BusinessCalendar.preset("24x7");
    expect(calendar.elapsed(at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"))).toBe(7 * 24 * HOUR);
  });

  it("opens us-pacific-business 09:00–17:00 Pacific, Monday to Friday", () => {
    const calendar = BusinessCalendar.preset("us-pacific-business");
    expect(calendar.timeZone).toBe("America/Los_Angeles");
    expect(calendar.isOpen(at("2026-11-23T16:59:00Z"))).toBe(false);
    expect(calendar.isOpen(at("2026-11-23T17:00:00Z"))).toBe(true);
    expect(calendar.isOpen(at("2026-11-24T01:00:00Z"))).toBe(false);
    expect(calendar.elapsed(at("2026-11-23T08:00:00Z"), at("2026-11-30T08:00:00Z"))).toBe(40 * HOUR);
  });

  it("opens us-eastern-business 09:00–17:00 Eastern, Monday to Friday", () => {
    const calendar = BusinessCalendar.preset("us-eastern-business");
    expect(calendar.isOpen(at("2026-11-23T13:59:00Z"))).toBe(false);
    expect(calendar.isOpen(at("2026-11-23T14:00:00Z"))).toBe(true);
    expect(calendar.isOpen(at("2026-11-23T22:00:00Z"))).toBe(false);
    expect(calendar.elapsed(at("2026-11-23T05:00:00Z"), at("2026-11-30T05:00:00Z"))).toBe(40 * HOUR);
  });

  it("opens utc-extended 09:00–24:00 UTC, Monday to Friday", () => {
    const calendar = BusinessCalendar.preset("utc-extended");
    expect(calendar.isOpen(at("2026-11-28T10:00:00Z"))).toBe(false);
    expect(calendar.elapsed(at("2026-11-23T00:00:00Z"), at("2026-11-30T00:00:00Z"))).toBe(75 * HOUR);
  });

  it("exports every preset as a frozen definition", () => {
    expect(Object.keys(calendarPresets).sort()).toEqual([...calendarPresetNames].sort());
    expect(Object.isFrozen(calendarPresets["us-pacific-business"].weekly)).toBe(true);
    expect(calendarPresets["utc-extended"].weekly.sat).toBeUndefined();
    expect(calendarPresets["utc-extended"].weekly.mon).toEqual([["09:00", "24:00"]]);
  });
});
