import { describe, expect, it } from "vitest";
import { formatDuration, formatInstant, formatUsedOf } from "./format-duration.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("formatDuration", () => {
  it.each([
    [0, "0 m"],
    [59_999, "59 s"],
    [MINUTE, "1 m"],
    [45 * MINUTE, "45 m"],
    [HOUR, "1 h"],
    [3 * HOUR + 12 * MINUTE, "3 h 12 m"],
    // Rounds down, so time left is never overstated.
    [HOUR + 5 * MINUTE + 59_999, "1 h 5 m"],
    [24 * HOUR, "24 h"],
    [48 * HOUR, "2 d"],
    [120 * HOUR, "5 d"],
    [26 * HOUR + 5 * MINUTE, "26 h 5 m"],
    [-5 * MINUTE, "0 m"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("puts used time against the target", () => {
    expect(formatUsedOf(3 * HOUR + 12 * MINUTE, 24 * HOUR)).toBe("3 h 12 m of 24 h");
    expect(formatUsedOf(50 * MINUTE, HOUR)).toBe("50 m of 1 h");
  });
});

describe("formatInstant", () => {
  it("writes UTC to the minute, with seconds only when present", () => {
    expect(formatInstant(new Date("2026-11-23T09:00:00Z"))).toBe("2026-11-23 09:00 UTC");
    expect(formatInstant(new Date("2026-11-23T09:00:30Z"))).toBe("2026-11-23 09:00:30 UTC");
  });
});
