import type { DbExecutor, DialectKind } from "../../db/database.js";
import {
  insertReportFacts,
  replaceTicketReportFacts,
  type TicketAttributesForFacts,
  ticketForFacts,
} from "./sla-report-repository.js";
import { type ClockForFacts, reportFactOf } from "./sla-report-rules.js";

/**
 * Keeps a ticket's report facts in step with its clocks, in the transaction that saved them, so the
 * reports read a maintained table instead of recomputing clocks or joining tickets per view. The ticket's
 * severity, plan, group and assignee are copied as they stand: every ticket change recomputes its clocks,
 * so a reassignment moves the ticket's clocks to the new agent's figures.
 */
export async function refreshSlaReportFacts(
  db: DbExecutor,
  dialect: DialectKind,
  ticketId: string,
  clocks: readonly ClockForFacts[],
  /** The ticket as the caller read it in this transaction: not read again. */
  known?: TicketAttributesForFacts,
): Promise<void> {
  const ticket = known ?? (await ticketForFacts(db, ticketId));
  if (!ticket) return;
  await replaceTicketReportFacts(db, dialect, ticketId, reportFactsOf(ticket, clocks));
}

/** A new ticket's facts, from its first clocks: there is nothing of it to replace. */
export async function insertFirstSlaReportFacts(
  db: DbExecutor,
  ticket: TicketAttributesForFacts,
  clocks: readonly ClockForFacts[],
): Promise<void> {
  await insertReportFacts(db, reportFactsOf(ticket, clocks));
}

function reportFactsOf(ticket: TicketAttributesForFacts, clocks: readonly ClockForFacts[]) {
  const attributes = {
    id: ticket.id,
    number: ticket.number,
    severity: ticket.severity,
    plan: ticket.plan,
    groupId: ticket.group_id,
    assigneeId: ticket.assignee_id,
  };
  return clocks.map((clock) => reportFactOf(attributes, clock));
}
