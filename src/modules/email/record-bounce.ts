import { type Context, inTransaction } from "../../shared/context.js";
import { eventRow } from "../tickets/ticket-events.js";
import { insertTicketEvents } from "../tickets/ticket-repository.js";
import { bounceSummary, type DeliveryReport } from "./delivery-report.js";
import { findOutboundMessages, updateOutboundDelivery } from "./email-repository.js";

/**
 * A bounce of one of our mails: that delivery becomes `failed` with the reporting server's words,
 * and the ticket's history (staff only) says so, so the agent knows the customer did not get the
 * reply. Returns the ticket concerned, or undefined when the report names none of our mails.
 */
export async function recordBounce(
  ctx: Context,
  report: DeliveryReport,
  maxIds: number,
): Promise<string | undefined> {
  return inTransaction(ctx, async (tx) => {
    const [bounced] = await findOutboundMessages(tx.db, report.originalMessageIds.slice(0, maxIds));
    if (!bounced) return undefined;
    const summary = bounceSummary(report);
    // A second copy of the same bounce (retried, or reprocessed) adds no second event.
    if (bounced.delivery_state === "failed" && bounced.delivery_answer === summary) return bounced.ticket_id;
    await updateOutboundDelivery(tx.db, bounced.id, { state: "failed", answer: summary });
    await insertTicketEvents(tx.db, [
      eventRow(tx, bounced.ticket_id, tx.clock.now().toISOString(), {
        kind: "email_bounced",
        to: report.recipient,
        reason: summary,
      }),
    ]);
    tx.logger.info(
      { ticketId: bounced.ticket_id, emailMessageId: bounced.id, summary },
      "outbound mail bounced",
    );
    return bounced.ticket_id;
  });
}
