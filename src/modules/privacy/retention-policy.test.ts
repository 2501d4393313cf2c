import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { checkRetentionPolicy, closedBefore } from "./retention-policy.js";

describe("the retention cutoff", () => {
  it("goes back whole calendar months, keeping the time of day", () => {
    expect(closedBefore(new Date("2026-11-23T09:30:00.000Z"), 6).toISOString()).toBe(
      "2026-05-23T09:30:00.000Z",
    );
    expect(closedBefore(new Date("2026-02-10T00:00:00.000Z"), 3).toISOString()).toBe(
      "2025-11-10T00:00:00.000Z",
    );
    expect(closedBefore(new Date("2026-11-23T00:00:00.000Z"), 24).toISOString()).toBe(
      "2024-11-23T00:00:00.000Z",
    );
  });

  it("falls to the month's last day rather than spilling into the next month", () => {
    expect(closedBefore(new Date("2026-03-31T12:00:00.000Z"), 1).toISOString()).toBe(
      "2026-02-28T12:00:00.000Z",
    );
    expect(closedBefore(new Date("2028-03-31T12:00:00.000Z"), 1).toISOString()).toBe(
      "2028-02-29T12:00:00.000Z",
    );
  });
});

describe("a retention policy", () => {
  it("takes whole months from 1 to 120, or null to keep closed tickets", () => {
    for (const months of [1, 36, 120, null]) {
      expect(checkRetentionPolicy({ closedTicketMonths: months, action: "delete" })).toMatchObject({
        closedTicketMonths: months,
      });
    }
    for (const months of [0, -1, 1.5, 121]) {
      expect(() => checkRetentionPolicy({ closedTicketMonths: months, action: "anonymize" })).toThrow(
        ValidationError,
      );
    }
  });
});
