import { describe, expect, it } from "vitest";
import {
  type IncidentPagingOccasion,
  occasionKey,
  pagingTriggerDescriptions,
  pagingTriggerKinds,
  type TicketPagingOccasion,
  triggeredIncidentPage,
  triggeredPage,
  withoutSubject,
} from "./paging-triggers.js";

const ticket = {
  number: 123,
  subject: "Checkout   is\ndown",
  severity: "sev1",
  link: "https://help.example/tickets/123",
};
const created: TicketPagingOccasion = { kind: "sev1_ticket_created", ticketId: "t" };
const breach = (cycle: number): TicketPagingOccasion => ({
  kind: "sev1_sla_breached",
  ticketId: "t",
  clockKey: `policy|first_response|${cycle}`,
  metric: "first response",
  slaPolicyName: "Cloud Sev 1",
  dueAt: "2026-12-07T10:00:00.000Z",
});

describe("paging triggers", () => {
  it("describe every kind they offer", () => {
    for (const kind of pagingTriggerKinds) expect(pagingTriggerDescriptions[kind]).toMatch(/^[A-Z]/);
  });

  it("key a firing by occasion: a ticket's creation once, each clock once", () => {
    expect(occasionKey(created)).toBe("created");
    expect(occasionKey(breach(0))).toBe("breach:policy|first_response|0");
    expect(occasionKey(breach(1))).not.toBe(occasionKey(breach(0)));
  });

  it("title the page for a phone's lock screen, with the ticket's link in the details", () => {
    expect(triggeredPage(created, ticket)).toEqual({
      title: "Sev 1 ticket #123: Checkout is down",
      details:
        "Sev 1 ticket #123 was created: Checkout is down\nTicket: https://help.example/tickets/123\n" +
        "Paged because: A Sev 1 ticket is created.",
      severity: "sev1",
    });
    const breached = triggeredPage(breach(0), { ...ticket, link: null });
    expect(breached.title).toBe("SLA breached on Sev 1 ticket #123: Checkout is down");
    expect(breached.details).toContain("The first response promise (Cloud Sev 1) was breached");
    expect(breached.details).not.toContain("Ticket:");
  });

  it("keep a long subject within the pages API's 200 characters", () => {
    const long = triggeredPage(created, { ...ticket, subject: "x".repeat(500) });
    expect(long.title).toHaveLength(200);
    expect(long.title.endsWith("…")).toBe(true);
  });

  it("lose the ticket's subject when its requester is erased, even one renamed since", () => {
    const erased = withoutSubject(triggeredPage(created, ticket), "[erased]");
    expect(erased.title).toBe("Sev 1 ticket #123: [erased]");
    expect(erased.details.split("\n")).toEqual([
      "Sev 1 ticket #123 was created: [erased]",
      "Ticket: https://help.example/tickets/123",
      "Paged because: A Sev 1 ticket is created.",
    ]);
    const breached = triggeredPage(breach(0), ticket);
    const erasedBreach = withoutSubject(breached, "[erased]");
    expect(erasedBreach.title).toBe("SLA breached on Sev 1 ticket #123: [erased]");
    expect(erasedBreach.details).toBe(breached.details);
  });

  it("page for a status incident with its impact, the rule that opened it and its workspace link", () => {
    const byPerson: IncidentPagingOccasion = {
      kind: "status_incident_opened",
      incidentId: "i1",
      title: "Checkout   errors",
      impact: "major",
    };
    expect(triggeredIncidentPage(byPerson, "https://help.example/statuspage/incidents/i1")).toEqual({
      title: "Status incident (major): Checkout errors",
      details:
        "Status incident opened (major impact): Checkout errors\n" +
        "Incident: https://help.example/statuspage/incidents/i1\n" +
        "Paged because: A status-page incident opens.",
      severity: "sev2",
    });
    const byRule = triggeredIncidentPage(
      {
        ...byPerson,
        impact: "critical",
        firedRule: "availability under 90.00% over the last 1 minute",
        explanation: "Availability was 50.00% over the last minute.",
      },
      null,
    );
    expect(byRule.severity).toBe("sev1");
    expect(byRule.details.split("\n")).toEqual([
      "Status incident opened (critical impact): Checkout errors",
      "Opened by the rule: availability under 90.00% over the last 1 minute",
      "Availability was 50.00% over the last minute.",
      "Paged because: A status-page incident opens.",
    ]);
    const security = triggeredIncidentPage({ ...byPerson, impact: "none", security: true }, null);
    expect(security).toMatchObject({ title: "Security incident (none): Checkout errors", severity: "sev1" });
  });
});
