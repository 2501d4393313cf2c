import { describe, expect, it } from "vitest";
import { BusinessCalendar } from "../calendar/index.js";
import {
  acknowledgementTimeZone,
  closedHoursAcknowledgement,
  defaultAcknowledgementTemplate,
  formatReturnTime,
  renderAcknowledgement,
  templateProblem,
} from "./closed-hours-acknowledgement.js";

const losAngeles = BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] });

describe("the closed-hours acknowledgement", () => {
  it("tells a New York requester writing on Friday evening that support is back on Monday, in their time", () => {
    const acknowledgement = closedHoursAcknowledgement({
      calendar: losAngeles,
      // Friday 20 November, 19:00 in Los Angeles.
      arrivedAt: new Date("2026-11-21T03:00:00Z"),
      template: defaultAcknowledgementTemplate,
      requester: { name: "Ada", timeZone: "America/New_York" },
    });
    expect(acknowledgement?.text).toBe(
      "Thanks for writing. Our support team is away right now; we'll be back Monday 23 November at 12:00 (America/New_York).",
    );
    expect(acknowledgement?.nextOpenAt).toEqual(new Date("2026-11-23T17:00:00Z"));
  });

  it("uses the support calendar's zone when the requester's is not known", () => {
    const acknowledgement = closedHoursAcknowledgement({
      calendar: losAngeles,
      arrivedAt: new Date("2026-11-26T18:00:00Z"), // Thanksgiving
      template: "Hi {requesterName}, back {nextOpen}.",
      requester: { name: "Grace", timeZone: "UTC" },
    });
    expect(acknowledgement?.text).toBe("Hi Grace, back Friday 27 November at 09:00 (America/Los_Angeles).");
  });

  it("is not sent while support is open", () => {
    expect(
      closedHoursAcknowledgement({
        calendar: losAngeles,
        arrivedAt: new Date("2026-11-23T18:00:00Z"),
        template: defaultAcknowledgementTemplate,
        requester: { name: "Ada", timeZone: "Europe/Berlin" },
      }),
    ).toBeNull();
  });

  it("formats the time on the requester's own date, on a 24-hour clock", () => {
    // Monday 09:00 in Los Angeles is already Tuesday in Tokyo.
    expect(formatReturnTime(new Date("2026-11-23T17:00:00Z"), "Asia/Tokyo")).toBe(
      "Tuesday 24 November at 02:00 (Asia/Tokyo)",
    );
    expect(acknowledgementTimeZone("Not/AZone", "America/Los_Angeles")).toBe("America/Los_Angeles");
    expect(acknowledgementTimeZone(null, "America/Los_Angeles")).toBe("America/Los_Angeles");
  });

  it("accepts a template only if it says when support is back and uses known placeholders", () => {
    expect(templateProblem(defaultAcknowledgementTemplate)).toBeUndefined();
    expect(templateProblem("We are away.")).toMatch(/\{nextOpen\}/);
    expect(templateProblem("Back {nextOpen}, {agentName}.")).toMatch(/unknown placeholder \{agentName\}/);
    expect(templateProblem("  ")).toBe("must not be empty");
    expect(
      renderAcknowledgement("{requesterName}: {nextOpen}", { requesterName: "A", nextOpen: "soon" }),
    ).toBe("A: soon");
  });
});
