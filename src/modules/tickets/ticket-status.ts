import { DAY } from "../../shared/clock.js";

/**
 * The ticket lifecycle the teams we model run on (Zendesk's statuses). Pure: no I/O, no clock.
 *
 * New     nobody on our side has acted yet
 * Open    waiting on us
 * Pending we answered and wait for the customer
 * Solved  answered in a way that expects no reply
 * Closed  read-only; a customer reply starts a follow-up ticket
 */
export const ticketStatuses = ["new", "open", "pending", "solved", "closed"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** Who asks for the change: staff (agents, admins), the ticket's customer, or Tend's own timers. */
export type TransitionRequester = "staff" | "customer" | "system";

export type TransitionCheck = { allowed: true } | { allowed: false; reason: string };

export const pendingAutoSolveAfterMs = 5 * DAY;
export const solvedAutoCloseAfterMs = 4 * DAY;

const allowed: TransitionCheck = { allowed: true };
const refused = (reason: string): TransitionCheck => ({ allowed: false, reason });

export function checkTransition(
  from: TicketStatus,
  to: TicketStatus,
  by: TransitionRequester,
): TransitionCheck {
  if (from === to) return allowed;
  if (from === "closed") {
    return refused("Closed tickets are read-only; a customer reply opens a follow-up ticket.");
  }
  if (to === "new") return refused("A ticket cannot return to New once someone has acted on it.");
  if (to === "closed") {
    if (by === "system" && from === "solved") return allowed;
    return refused("Tickets close automatically 4 days after they are solved.");
  }
  if (by === "customer") {
    return to === "solved" ? allowed : refused("Customers may only mark their ticket as solved.");
  }
  return allowed;
}

/** A customer reply reopens what was waiting on them or thought done; Closed starts a follow-up. */
export function statusAfterCustomerReply(current: TicketStatus): TicketStatus | "follow_up" {
  if (current === "closed") return "follow_up";
  if (current === "pending" || current === "solved") return "open";
  return current;
}

/** An agent's public reply without an explicit status acts on a New ticket, which makes it Open. */
export function statusAfterStaffReply(
  current: TicketStatus,
  requested: TicketStatus | undefined,
): TicketStatus {
  if (requested) return requested;
  return current === "new" ? "open" : current;
}

export function isDueForAutoSolve(status: TicketStatus, lastActivityAt: Date, now: Date): boolean {
  return status === "pending" && now.getTime() - lastActivityAt.getTime() >= pendingAutoSolveAfterMs;
}

export function isDueForAutoClose(status: TicketStatus, solvedAt: Date | null, now: Date): boolean {
  return (
    status === "solved" && solvedAt !== null && now.getTime() - solvedAt.getTime() >= solvedAutoCloseAfterMs
  );
}
