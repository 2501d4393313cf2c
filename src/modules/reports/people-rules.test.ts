import { describe, expect, it } from "vitest";
import type { Shift } from "../oncall/rotation.js";
import { onCallHoursPerPerson } from "./people-rules.js";

const hour = 3_600_000;
const shift = (personId: string | null, startHour: number, endHour: number): Shift => ({
  start: startHour * hour,
  end: endHour * hour,
  onCall: personId ? { personId, source: { kind: "layer", layerId: "l1" } } : null,
});

describe("onCallHoursPerPerson", () => {
  it("sums each person's shifts, clipped to the period, and skips gaps", () => {
    const hours = onCallHoursPerPerson(
      [
        shift("ada", -4, 8), // 8 of its 12 hours fall after the period starts at hour 0
        shift(null, 8, 10), // a gap: nobody's load
        shift("bob", 10, 11.5),
        shift("ada", 20, 30), // 4 hours before the period ends at hour 24
        shift("bob", 30, 40), // after the period
      ],
      0,
      24 * hour,
    );
    expect(Object.fromEntries(hours)).toEqual({ ada: 12, bob: 1.5 });
  });
});
