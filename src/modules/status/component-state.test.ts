import { describe, expect, it } from "vitest";
import { deriveComponentState, overallIndicator } from "./component-state.js";

const quiet = {
  manualState: null,
  underMaintenance: false,
  monitorsUp: [],
  openIncidentImpacts: [],
} as const;

describe("deriveComponentState", () => {
  it("is operational with no monitor results and no incidents", () => {
    expect(deriveComponentState(quiet)).toBe("operational");
    expect(deriveComponentState({ ...quiet, monitorsUp: [null, true] })).toBe("operational");
  });

  it("says partial outage when some monitors are down, major when all are", () => {
    expect(deriveComponentState({ ...quiet, monitorsUp: [true, false] })).toBe("partial_outage");
    expect(deriveComponentState({ ...quiet, monitorsUp: [false, false, null] })).toBe("major_outage");
  });

  it("takes the worse of the monitors and the open incidents", () => {
    expect(deriveComponentState({ ...quiet, monitorsUp: [true], openIncidentImpacts: ["minor"] })).toBe(
      "degraded",
    );
    expect(
      deriveComponentState({ ...quiet, monitorsUp: [true, false], openIncidentImpacts: ["minor", "none"] }),
    ).toBe("partial_outage");
    expect(deriveComponentState({ ...quiet, openIncidentImpacts: ["critical"] })).toBe("major_outage");
  });

  it("says under maintenance during a window, whatever the monitors say", () => {
    expect(deriveComponentState({ ...quiet, underMaintenance: true, monitorsUp: [false] })).toBe(
      "under_maintenance",
    );
  });

  it("lets an admin's state win over everything", () => {
    expect(
      deriveComponentState({
        ...quiet,
        manualState: "degraded",
        underMaintenance: true,
        monitorsUp: [false],
      }),
    ).toBe("degraded");
  });
});

describe("overallIndicator", () => {
  it("is decided by the worst component", () => {
    expect(overallIndicator([])).toBe("none");
    expect(overallIndicator(["operational", "under_maintenance"])).toBe("maintenance");
    expect(overallIndicator(["under_maintenance", "degraded"])).toBe("minor");
    expect(overallIndicator(["degraded", "partial_outage"])).toBe("major");
    expect(overallIndicator(["partial_outage", "major_outage"])).toBe("critical");
  });
});
