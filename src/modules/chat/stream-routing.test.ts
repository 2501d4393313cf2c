import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../shared/domain-events.js";
import { domainEventsFor, routeMatches, streamKindOf } from "./stream-routing.js";

function event(kind: DomainEvent["kind"], payload: Record<string, unknown> = {}): DomainEvent {
  return { id: "e1", kind, ticketId: "t1", payload, createdAt: "2026-11-23T09:00:00.000Z" };
}

describe("which stream event a domain event is", () => {
  it("names creation, SLA warnings and breaches as they are", () => {
    expect(streamKindOf(event("ticket.created"))).toBe("ticket.created");
    expect(streamKindOf(event("sla.warning"))).toBe("sla.warning");
    expect(streamKindOf(event("sla.breached"))).toBe("sla.breached");
  });

  it("reads escalation and solving out of an update's changed fields, and nothing else", () => {
    expect(streamKindOf(event("ticket.updated", { after: { group_id: "g2" } }))).toBe("ticket.escalated");
    expect(streamKindOf(event("ticket.updated", { after: { status: "solved" } }))).toBe("ticket.solved");
    expect(streamKindOf(event("ticket.updated", { after: { group_id: null } }))).toBeNull();
    expect(streamKindOf(event("ticket.updated", { after: { assignee_id: "p1" } }))).toBeNull();
  });

  it("streams public replies, never internal notes", () => {
    expect(streamKindOf(event("ticket.commented", { visibility: "public" }))).toBe("ticket.public_reply");
    expect(streamKindOf(event("ticket.commented", { visibility: "internal" }))).toBeNull();
    expect(streamKindOf(event("page.opened"))).toBeNull();
  });

  it("subscribes to each domain event once, whatever the stream kinds derived from it", () => {
    expect(domainEventsFor(["ticket.escalated", "ticket.solved", "sla.breached"]).sort()).toEqual([
      "sla.breached",
      "ticket.updated",
    ]);
  });
});

describe("routing rules", () => {
  const sev1Tier1 = { groupId: "tier1", severity: "sev1" as const };
  const sev2Experts = { groupId: "experts", severity: "sev2" as const };

  it("posts only the route's event kinds", () => {
    const route = { eventKinds: ["ticket.created" as const], groupIds: [], severities: [] };
    expect(routeMatches(route, "ticket.created", sev1Tier1)).toBe(true);
    expect(routeMatches(route, "sla.breached", sev1Tier1)).toBe(false);
  });

  it("narrows by group and by severity, empty lists meaning all", () => {
    const expertsOnly = { eventKinds: ["ticket.escalated" as const], groupIds: ["experts"], severities: [] };
    expect(routeMatches(expertsOnly, "ticket.escalated", sev2Experts)).toBe(true);
    expect(routeMatches(expertsOnly, "ticket.escalated", sev1Tier1)).toBe(false);
    expect(routeMatches(expertsOnly, "ticket.escalated", { groupId: null, severity: "sev2" })).toBe(false);
    const sev1Only = { eventKinds: ["ticket.created" as const], groupIds: [], severities: ["sev1" as const] };
    expect(routeMatches(sev1Only, "ticket.created", sev1Tier1)).toBe(true);
    expect(routeMatches(sev1Only, "ticket.created", sev2Experts)).toBe(false);
  });
});
