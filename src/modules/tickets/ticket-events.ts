import { type Context, markTicketChanged } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import type { TicketEventRow } from "./ticket-repository.js";

/*
 * The vocabulary of a ticket's history. A leaf module: other capabilities (the SLA engine) record
 * events on tickets through it without depending on the ticket use cases.
 */

/** `to` holds the new value, or the comment's id for the two comment kinds. */
export const ticketEventKinds = [
  "created",
  "field_changed",
  "public_reply_added",
  "internal_note_added",
  "follow_up_created",
  "sla_warning",
  "sla_breached",
  "sla_achieved",
  "health_flag_raised",
  "health_flag_cleared",
  "email_bounced",
  "email_forwarded",
  "escalated",
  "engineering_issue_linked",
  "engineering_issue_closed",
  "engineering_issue_reopened",
  "automation_ran",
] as const;
export type TicketEventKind = (typeof ticketEventKinds)[number];

export interface TicketEventDraft {
  kind: TicketEventKind;
  field?: string | null;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
}

/**
 * Every change to a ticket leaves an event, so building one also marks the ticket changed in the
 * open transaction: the live stream hears of it once (and only if) that transaction commits.
 */
export function eventRow(
  ctx: Context,
  ticketId: string,
  at: string,
  draft: TicketEventDraft,
): TicketEventRow {
  markTicketChanged(ctx, ticketId);
  return {
    id: newId(),
    ticket_id: ticketId,
    actor_id: ctx.actor.kind === "person" ? ctx.actor.personId : null,
    channel: ctx.channel,
    kind: draft.kind,
    field: draft.field ?? null,
    from_value: draft.from ?? null,
    to_value: draft.to ?? null,
    reason: draft.reason ?? null,
    created_at: at,
  };
}
