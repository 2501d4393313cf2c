import { describe, expect, it } from "vitest";
import {
  csatFigures,
  defaultSurveySettings,
  drawSample,
  surveyExclusion,
  surveyOpenness,
} from "./csat-rules.js";

describe("surveyExclusion", () => {
  const settings = { ...defaultSurveySettings, excludedOrganizationIds: ["org-x"], excludedTags: ["vip"] };
  it("asks every solved ticket by default", () => {
    expect(surveyExclusion(defaultSurveySettings, { organizationId: "org-x", tags: ["vip"] })).toBeNull();
  });
  it("names why a ticket is not asked", () => {
    expect(surveyExclusion(settings, { organizationId: "org-x", tags: [] })).toBe("organization");
    expect(surveyExclusion(settings, { organizationId: null, tags: ["billing", "vip"] })).toBe("tag");
    expect(surveyExclusion({ ...settings, enabled: false }, { organizationId: null, tags: [] })).toBe(
      "disabled",
    );
    expect(surveyExclusion(settings, { organizationId: "org-y", tags: ["billing"] })).toBeNull();
  });
});

describe("surveyOpenness", () => {
  const now = new Date("2026-12-01T10:00:00.000Z");
  const survey = { solvedAt: "2026-11-30T10:00:00.000Z", tokenExpiresAt: "2026-12-07T10:00:00.000Z" };
  it("is open while the ticket stays solved in the same cycle", () => {
    expect(surveyOpenness(survey, { status: "solved", solvedAt: survey.solvedAt }, now, "link")).toBeNull();
  });
  it("closes with the ticket, and with a reopening or a later solve", () => {
    expect(surveyOpenness(survey, { status: "closed", solvedAt: survey.solvedAt }, now, "link")).toBe(
      "closed",
    );
    expect(surveyOpenness(survey, { status: "open", solvedAt: null }, now, "portal")).toBe("closed");
    expect(
      surveyOpenness(survey, { status: "solved", solvedAt: "2026-12-01T09:00:00.000Z" }, now, "portal"),
    ).toBe("closed");
  });
  it("refuses an expired link, but the portal answers until close", () => {
    const late = new Date("2026-12-07T10:00:00.000Z");
    const ticket = { status: "solved", solvedAt: survey.solvedAt };
    expect(surveyOpenness(survey, ticket, late, "link")).toBe("expired");
    expect(surveyOpenness(survey, ticket, late, "portal")).toBeNull();
  });
});

describe("csatFigures", () => {
  it("scores good over rated and answers over sent", () => {
    expect(csatFigures({ sent: 10, answered: 4, good: 3, bad: 1 })).toMatchObject({
      score: 0.75,
      responseRate: 0.4,
    });
  });
  it("has no score without answers rather than 0%", () => {
    expect(csatFigures({ sent: 0, answered: 0, good: 0, bad: 0 })).toMatchObject({
      score: null,
      responseRate: null,
    });
  });
});

describe("drawSample", () => {
  const tickets = [
    ...Array.from({ length: 5 }, (_, i) => ({ agentId: "a", ticketId: `a${i}` })),
    ...Array.from({ length: 2 }, (_, i) => ({ agentId: "b", ticketId: `b${i}` })),
  ];
  it("takes up to perAgent distinct tickets of each agent", () => {
    let seed = 7;
    const random = (bound: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % bound;
    };
    const drawn = drawSample(tickets, 3, random);
    expect(drawn.filter((t) => t.agentId === "a")).toHaveLength(3);
    expect(drawn.filter((t) => t.agentId === "b")).toHaveLength(2);
    expect(new Set(drawn.map((t) => t.ticketId)).size).toBe(5);
  });
  it("reaches every ticket: the last index is drawable", () => {
    const drawn = drawSample(tickets, 1, (bound) => bound - 1);
    expect(drawn.map((t) => t.ticketId)).toEqual(["a4", "b1"]);
  });
});
