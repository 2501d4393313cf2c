import { describe, expect, it } from "vitest";
import { parseWindows, windowsText } from "./calendar-hours.js";

describe("a day's hours as an admin types them", () => {
  it("reads windows separated by commas, padding the hour", () => {
    expect(parseWindows("9:00-12:00, 13:00 – 17:30")).toEqual([
      ["09:00", "12:00"],
      ["13:00", "17:30"],
    ]);
    expect(parseWindows("  ")).toEqual([]);
  });

  it("refuses what is not a window", () => {
    expect(parseWindows("9-17")).toBeNull();
    expect(parseWindows("09:00-17:00, lunch")).toBeNull();
  });

  it("writes windows back the way they are read", () => {
    const windows: [string, string][] = [
      ["08:00", "12:00"],
      ["13:00", "24:00"],
    ];
    expect(parseWindows(windowsText(windows))).toEqual(windows);
    expect(windowsText(undefined)).toBe("");
  });
});
