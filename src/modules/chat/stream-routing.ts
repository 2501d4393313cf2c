import type { DomainEvent, DomainEventKind } from "../../shared/domain-events.js";
import type { Severity } from "../tickets/ticket.js";

/**
 * What a chat route can stream, in the support team's words, and the domain events each comes
 * from. Escalation and solving are not events of their own: they are `ticket.updated` with the
 * group or the status among the changed fields. Pure.
 */
export const streamEventKinds = {
  "ticket.created": "A ticket was opened",
  "ticket.escalated": "A ticket moved to another group",
  "ticket.solved": "A ticket was solved",
  "ticket.public_reply": "A public reply was added (by staff or the requester)",
  "sla.warning": "An SLA clock is about to breach",
  "sla.breached": "An SLA clock breached",
} as const;

export type StreamEventKind = keyof typeof streamEventKinds;

export const streamEventKindList = Object.keys(streamEventKinds) as StreamEventKind[];

const sourceOf: Record<StreamEventKind, DomainEventKind> = {
  "ticket.created": "ticket.created",
  "ticket.escalated": "ticket.updated",
  "ticket.solved": "ticket.updated",
  "ticket.public_reply": "ticket.commented",
  "sla.warning": "sla.warning",
  "sla.breached": "sla.breached",
};

/** The domain events the stream consumer must hear of for these routes' kinds. */
export function domainEventsFor(kinds: Iterable<StreamEventKind>): DomainEventKind[] {
  return [...new Set([...kinds].map((kind) => sourceOf[kind]))];
}

/** The stream kind a domain event is, if any: an update that is neither escalation nor solve is none. */
export function streamKindOf(event: DomainEvent): StreamEventKind | null {
  switch (event.kind) {
    case "ticket.created":
    case "sla.warning":
    case "sla.breached":
      return event.kind;
    case "ticket.commented":
      return event.payload.visibility === "public" ? "ticket.public_reply" : null;
    case "ticket.updated": {
      const after = (event.payload.after ?? {}) as Record<string, unknown>;
      if ("group_id" in after && after.group_id !== null) return "ticket.escalated";
      if (after.status === "solved") return "ticket.solved";
      return null;
    }
    default:
      return null;
  }
}

export interface RouteFilter {
  eventKinds: readonly StreamEventKind[];
  /** Empty: every group. */
  groupIds: readonly string[];
  /** Empty: every severity. */
  severities: readonly Severity[];
}

/** Whether a route posts this kind of event for a ticket as it stands now (its group, its severity). */
export function routeMatches(
  route: RouteFilter,
  kind: StreamEventKind,
  ticket: { groupId: string | null; severity: Severity },
): boolean {
  if (!route.eventKinds.includes(kind)) return false;
  if (route.groupIds.length > 0 && (ticket.groupId === null || !route.groupIds.includes(ticket.groupId)))
    return false;
  return route.severities.length === 0 || route.severities.includes(ticket.severity);
}
