import { describe, expect, it } from "vitest";
import { barBucket, formatUptime, uptimeBars, uptimeWindowStart } from "./status-page-bars.js";
import { openingHoursInWords, supportPromises } from "./status-page-support.js";

const DAY = 24 * 60 * 60 * 1000;
const now = Date.parse("2026-12-04T10:30:00Z");
const today = Date.parse("2026-12-04T00:00:00Z");

describe("uptimeBars", () => {
  it("gives 90 UTC days, today last, adding up several monitors' rollups per day", () => {
    const { bars, uptime } = uptimeBars({
      now,
      days: [
        { at: today - DAY, observedMs: DAY, goodMs: DAY },
        { at: today - DAY, observedMs: DAY, goodMs: DAY * 0.9 },
        { at: today - 89 * DAY, observedMs: DAY, goodMs: DAY * 0.995 },
        // Before the window: ignored.
        { at: today - 90 * DAY, observedMs: DAY, goodMs: 0 },
      ],
      incidents: [],
    });
    expect(bars).toHaveLength(90);
    expect(bars[0]?.day).toBe("2026-09-06");
    expect(bars[89]?.day).toBe("2026-12-04");
    expect(bars[88]).toMatchObject({ day: "2026-12-03", availability: 0.95, bucket: "low" });
    expect(bars[0]).toMatchObject({ availability: 0.995, bucket: "high" });
    expect(bars[89]).toMatchObject({ availability: null, bucket: "none" });
    expect(uptime).toBeCloseTo((2 * 0.95 + 0.995) / 3, 10);
    expect(uptimeWindowStart(now)).toBe(today - 89 * DAY);
  });

  it("names on each day the incidents open during it", () => {
    const { bars } = uptimeBars({
      now,
      days: [],
      incidents: [
        { id: "a", title: "Open since yesterday", startedAt: "2026-12-03T23:00:00Z", resolvedAt: null },
        {
          id: "b",
          title: "Over before",
          startedAt: "2026-12-01T10:00:00Z",
          resolvedAt: "2026-12-01T11:00:00Z",
        },
      ],
    });
    expect(bars[89]?.incidents.map((incident) => incident.id)).toEqual(["a"]);
    expect(bars[88]?.incidents.map((incident) => incident.id)).toEqual(["a"]);
    expect(bars[87]?.incidents).toEqual([]);
    expect(bars[86]?.incidents.map((incident) => incident.id)).toEqual(["b"]);
    expect(uptimeBars({ now, days: [], incidents: [] }).uptime).toBeNull();
  });

  it("colours by the objectives' thresholds and never rounds a bad day up to 100%", () => {
    expect([1, 0.999, 0.995, 0.99, 0.97, 0.95, 0.9, 0.5, null].map(barBucket)).toEqual([
      "full",
      "full",
      "high",
      "high",
      "mid",
      "low",
      "low",
      "down",
      "none",
    ]);
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(1)).toBe("100.00%");
  });
});

describe("supportPromises", () => {
  it("puts the calendar's hours and each severity's first-response targets in words", () => {
    expect(
      openingHoursInWords({
        mon: [["09:00", "17:00"]],
        tue: [["09:00", "17:00"]],
        wed: [["09:00", "17:00"]],
        thu: [["09:00", "17:00"]],
        fri: [["09:00", "13:00"]],
      }),
    ).toEqual(["Monday–Thursday 09:00–17:00", "Friday 09:00–13:00"]);
    const promises = supportPromises({
      calendar: { name: "Support hours — LA", definition: { timeZone: "America/Los_Angeles", weekly: {} } },
      calendarNames: new Map([["la", "Support hours — LA"]]),
      severities: ["sev1", "sev2"],
      policies: [
        {
          name: "Contract SLA",
          active: true,
          targets: [
            {
              metric: "first_response",
              durationMs: 24 * 3600_000,
              calendarId: null,
              pauseWhilePending: true,
              warnAtShare: 0.75,
              conditions: { severities: ["sev1"] },
            },
            {
              metric: "resolution",
              durationMs: 72 * 3600_000,
              calendarId: null,
              pauseWhilePending: true,
              warnAtShare: 0.75,
              conditions: { severities: ["sev1"] },
            },
            {
              metric: "first_response",
              durationMs: 40 * 3600_000,
              calendarId: "la",
              pauseWhilePending: true,
              warnAtShare: 0.75,
              conditions: { severities: ["sev2"] },
            },
          ],
        },
        {
          name: "Internal goal",
          active: true,
          targets: [
            {
              metric: "first_response",
              durationMs: 3600_000,
              calendarId: null,
              pauseWhilePending: true,
              warnAtShare: 0.75,
            },
          ],
        },
        {
          name: "Switched off",
          active: false,
          targets: [
            {
              metric: "first_response",
              durationMs: 3600_000,
              calendarId: null,
              pauseWhilePending: true,
              warnAtShare: 0.75,
              conditions: { severities: ["sev1"] },
            },
          ],
        },
      ],
    });
    expect(promises?.timeZone).toBe("America/Los_Angeles");
    expect(promises?.hours).toEqual([]);
    expect(promises?.responseObjectives).toEqual([
      {
        severity: "sev1",
        label: "Sev 1",
        promises: ["First response within 24 h, around the clock (Contract SLA)"],
      },
      {
        severity: "sev2",
        label: "Sev 2",
        promises: ["First response within 5 business days on Support hours — LA (Contract SLA)"],
      },
    ]);
    expect(
      supportPromises({ calendar: null, calendarNames: new Map(), severities: ["sev1"], policies: [] }),
    ).toBeNull();
  });
});
