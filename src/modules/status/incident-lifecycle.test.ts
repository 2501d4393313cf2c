import { describe, expect, it } from "vitest";
import { DAY, HOUR } from "../../shared/clock.js";
import {
  checkStateMove,
  type IncidentState,
  incidentStates,
  publishedOnOpening,
  resolvedAtAfter,
} from "./incident-lifecycle.js";

const now = new Date("2026-12-04T12:00:00.000Z");
const open: IncidentState[] = ["investigating", "identified", "monitoring"];

describe("incident state moves", () => {
  it("lets an open incident move to any state, back as well as forward", () => {
    for (const from of open)
      for (const to of incidentStates)
        expect(checkStateMove({ from, to, resolvedAt: null, now }), `${from} → ${to}`).toBeNull();
  });

  it("refuses resolving a resolved incident, naming the rule", () => {
    expect(checkStateMove({ from: "resolved", to: "resolved", resolvedAt: now, now })?.rule).toBe(
      "already-resolved",
    );
  });

  it("reopens a resolved incident to investigating only", () => {
    const resolvedAt = new Date(now.getTime() - HOUR);
    expect(checkStateMove({ from: "resolved", to: "investigating", resolvedAt, now })).toBeNull();
    for (const to of ["identified", "monitoring"] as const)
      expect(checkStateMove({ from: "resolved", to, resolvedAt, now })?.rule).toBe(
        "reopen-starts-investigating",
      );
  });

  it("reopens for exactly 7 days after the resolution", () => {
    const atTheLimit = new Date(now.getTime() - 7 * DAY);
    const pastIt = new Date(now.getTime() - 7 * DAY - 1);
    expect(checkStateMove({ from: "resolved", to: "investigating", resolvedAt: atTheLimit, now })).toBeNull();
    expect(checkStateMove({ from: "resolved", to: "investigating", resolvedAt: pastIt, now })?.rule).toBe(
      "reopen-window-closed",
    );
  });

  it("sets resolved_at on resolution, clears it on reopening and keeps it otherwise", () => {
    const earlier = "2026-12-03T10:00:00.000Z";
    expect(resolvedAtAfter("monitoring", "resolved", null, now)).toBe(now.toISOString());
    expect(resolvedAtAfter("resolved", "investigating", earlier, now)).toBeNull();
    expect(resolvedAtAfter("resolved", "resolved", earlier, now)).toBe(earlier);
    expect(resolvedAtAfter("investigating", "identified", null, now)).toBeNull();
  });

  it("keeps security incidents private on opening and publishes the others", () => {
    expect(publishedOnOpening("security")).toBe(false);
    expect(publishedOnOpening("incident")).toBe(true);
  });
});
