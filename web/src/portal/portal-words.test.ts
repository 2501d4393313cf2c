import { describe, expect, it } from "vitest";
import { formatAnswerBy } from "./portal-words.js";

describe("the promised answer time in words", () => {
  const now = new Date("2026-12-03T22:00:00Z"); // a Thursday evening in London
  const zone = "Europe/London";

  it("says today or tomorrow in the reader's zone", () => {
    expect(formatAnswerBy(new Date("2026-12-03T23:30:00Z"), now, zone)).toBe("today at 23:30");
    expect(formatAnswerBy(new Date("2026-12-04T11:00:00Z"), now, zone)).toBe("tomorrow at 11:00");
  });

  it("names the weekday within the week and the date beyond it", () => {
    expect(formatAnswerBy(new Date("2026-12-08T11:00:00Z"), now, zone)).toBe("Tuesday 11:00");
    expect(formatAnswerBy(new Date("2026-12-11T09:15:00Z"), now, zone)).toBe("Friday 11 December, 09:15");
  });

  it("counts days in the reader's zone, not UTC", () => {
    // 23:30 UTC on Thursday is already Friday morning in Tokyo, where it is Friday 07:00 now.
    expect(formatAnswerBy(new Date("2026-12-04T00:30:00Z"), now, "Asia/Tokyo")).toBe("today at 09:30");
    expect(formatAnswerBy(new Date("2026-12-04T16:00:00Z"), now, "Asia/Tokyo")).toBe("tomorrow at 01:00");
  });
});
