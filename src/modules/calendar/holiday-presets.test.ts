import { describe, expect, it } from "vitest";
import { parseHolidayPreset, publicHolidayDays } from "./holiday-presets.js";
import { formatDayNumber } from "./zoned-time.js";

describe("holiday presets", () => {
  it("resolves countries, states and regions, ignoring case", () => {
    expect(parseHolidayPreset("preset:US")).toEqual({ name: "preset:US", country: "US" });
    expect(parseHolidayPreset("preset:us-ca")).toEqual({ name: "preset:us-ca", country: "US", state: "CA" });
    expect(parseHolidayPreset("preset:DE-BY-A")).toEqual({
      name: "preset:DE-BY-A",
      country: "DE",
      state: "BY",
      region: "A",
    });
  });

  it("refuses unknown or malformed presets", () => {
    expect(parseHolidayPreset("preset:XX")).toBeUndefined();
    expect(parseHolidayPreset("preset:US-ZZ")).toBeUndefined();
    expect(parseHolidayPreset("preset:DE-BY-ZZZ")).toBeUndefined();
    expect(parseHolidayPreset("preset:")).toBeUndefined();
    expect(parseHolidayPreset("US")).toBeUndefined();
  });

  it("lists public holidays only", () => {
    const days = publicHolidayDays(parseHolidayPreset("preset:US")!, 2027).map(formatDayNumber);
    expect(days).toContain("2027-11-25");
    expect(days).not.toContain("2027-02-14");
    expect(days).not.toContain("2027-10-31");
    expect(days).not.toContain("2027-11-26");
  });

  it("lists the German federal holidays and Berlin's own", () => {
    const federal = publicHolidayDays(parseHolidayPreset("preset:DE")!, 2027).map(formatDayNumber);
    const berlin = publicHolidayDays(parseHolidayPreset("preset:DE-BE")!, 2027).map(formatDayNumber);
    expect(federal).toContain("2027-10-03");
    expect(federal).not.toContain("2027-03-08");
    expect(berlin).toContain("2027-03-08");
    // Christmas Eve is a bank holiday, not a public one.
    expect(berlin).not.toContain("2027-12-24");
  });
});
