import { describe, expect, it } from "vitest";
import {
  availabilityText,
  budgetWording,
  byGroup,
  durationText,
  fractionOfPercent,
  lastResultText,
  percentOfFraction,
  type StatusComponent,
  shownState,
} from "./status-figures.js";

const HOUR = 3_600_000;

function component(overrides: Partial<StatusComponent>): StatusComponent {
  return {
    id: "c1",
    groupName: "Core",
    name: "API",
    description: "",
    position: 0,
    manualState: null,
    uptimeTarget: 0.995,
    createdAt: "2026-12-01T00:00:00.000Z",
    updatedAt: "2026-12-01T00:00:00.000Z",
    ...overrides,
  };
}

describe("the uptime target as a percentage", () => {
  it("reads and types back without float noise", () => {
    expect(percentOfFraction(0.995)).toBe("99.5");
    expect(percentOfFraction(0.99999)).toBe("99.999");
    expect(percentOfFraction(0.999)).toBe("99.9");
    expect(fractionOfPercent("99.9")).toBe(0.999);
    expect(fractionOfPercent(" 99.95 % ")).toBe(0.9995);
    for (const fraction of [0.5, 0.9, 0.995, 0.9999, 0.99999])
      expect(fractionOfPercent(percentOfFraction(fraction))).toBe(fraction);
  });

  it("is NaN for what is not a number", () => {
    expect(fractionOfPercent("ninety")).toBeNaN();
    expect(fractionOfPercent("")).toBeNaN();
    expect(fractionOfPercent("-5")).toBeNaN();
  });
});

describe("availability in words", () => {
  it("rounds down, so a failed check never reads as 100%", () => {
    expect(availabilityText(0.999996)).toBe("99.999%");
    expect(availabilityText(0.995)).toBe("99.500%");
    expect(availabilityText(1)).toBe("100%");
    expect(availabilityText(0)).toBe("0.000%");
    expect(availabilityText(null)).toBe("No data");
  });

  it("says durations in their two largest units", () => {
    expect(durationText(0)).toBe("0 s");
    expect(durationText(45_400)).toBe("45 s");
    expect(durationText(12 * 60_000 + 5_000)).toBe("12 min");
    expect(durationText(3.6 * HOUR)).toBe("3 h 36 min");
    expect(durationText(2 * HOUR)).toBe("2 h");
    expect(durationText(52 * HOUR)).toBe("2 d 4 h");
    expect(durationText(-90_000)).toBe("1 min");
  });
});

describe("the month's error budget", () => {
  const budget = {
    target: 0.995,
    periodMs: 720 * HOUR,
    allowedDowntimeMs: 3.6 * HOUR,
    usedMs: 0.9 * HOUR,
    leftMs: 2.7 * HOUR,
    burnRate: 0.4,
    availability: 0.998,
  };

  it("says what is left of what is allowed, and how fast it burns", () => {
    const wording = budgetWording(budget);
    expect(wording.summary).toBe("2 h 42 min of 3 h 36 min left");
    expect(wording.used).toBe("54 min used");
    expect(wording.leftShare).toBeCloseTo(0.75);
    expect(wording.burn).toBe("Burning at 0.4× the sustainable rate");
    expect(wording.overspent).toBe(false);
  });

  it("says an overspent budget is overspent, with an empty bar", () => {
    const wording = budgetWording({ ...budget, usedMs: 4 * HOUR, leftMs: -0.4 * HOUR, burnRate: 2.5 });
    expect(wording.summary).toBe("Overspent by 24 min (3 h 36 min allowed)");
    expect(wording.leftShare).toBe(0);
    expect(wording.overspent).toBe(true);
    expect(wording.burn).toMatch(/2\.5× .*spent before the month ends/);
  });

  it("says nothing was measured before the first result", () => {
    const wording = budgetWording({ ...budget, usedMs: 0, leftMs: budget.allowedDowntimeMs, burnRate: null });
    expect(wording.burn).toBe("Nothing measured yet");
    expect(wording.leftShare).toBe(1);
  });
});

describe("components on the overview", () => {
  it("show the derived state when the API gives one, else the manual state, else operational", () => {
    expect(shownState(component({}))).toBe("operational");
    expect(shownState(component({ manualState: "degraded" }))).toBe("degraded");
    expect(shownState(component({ manualState: null, state: "major_outage" }))).toBe("major_outage");
  });

  it("stand under their group in the API's order", () => {
    const groups = byGroup([
      component({ id: "a", groupName: "Core" }),
      component({ id: "b", groupName: "Email" }),
      component({ id: "c", groupName: "Core" }),
    ]);
    expect(groups.map((g) => [g.groupName, g.components.map((c) => c.id)])).toEqual([
      ["Core", ["a", "c"]],
      ["Email", ["b"]],
    ]);
  });
});

describe("a monitor's last result", () => {
  const now = Date.parse("2026-12-04T10:00:00.000Z");
  it("says up or down and how long ago", () => {
    expect(lastResultText(null, now)).toBe("No result yet");
    expect(lastResultText({ at: "2026-12-04T09:59:30.000Z", up: true }, now)).toBe("Up, just now");
    expect(lastResultText({ at: "2026-12-04T09:48:00.000Z", up: false }, now)).toBe("Down, 12 min ago");
  });
});
