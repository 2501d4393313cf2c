import { ConflictError, ForbiddenError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { followTicket } from "../tickets/ticket-followers.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { updateTicket } from "../tickets/update-ticket.js";
import { presentDebriefRows, requireDebrief } from "./handoff-debriefs.js";
import { openStatuses } from "./handoff-preparation.js";
import type { DebriefItemOutcome, DebriefView } from "./handoff-presenter.js";
import { listDebriefItemRows, markDebriefAcknowledged, setItemOutcome } from "./handoff-repository.js";
import { mayActFor } from "./oncall-policy.js";

/**
 * The incoming person takes the handoff (an admin may on their behalf): in one transaction, each
 * listed ticket still open and still the outgoing person's moves to them — through `updateTicket`,
 * so the ticket's events, SLA clocks and audit follow — or, in "follow" mode, they follow it. A
 * ticket changed under us is skipped and reported, not a failed handoff; one someone else took or
 * solved meanwhile is left alone.
 */
export async function acknowledgeDebrief(ctx: Context, id: string): Promise<DebriefView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const row = await requireDebrief(tx, id);
    if (!mayActFor(tx.actor, [row.incoming_person_id]))
      throw new ForbiddenError("Only the incoming engineer or an admin may acknowledge this debrief.");
    const at = tx.clock.now().toISOString();
    const by = tx.actor.kind === "person" ? tx.actor.personId : null;
    if (!(await markDebriefAcknowledged(tx.db, id, at, by)))
      throw new ConflictError(`Debrief ${id} was already acknowledged.`);
    const scope = tenantScopeOf(tx.actor);
    const outcomes: Record<string, DebriefItemOutcome> = {};
    for (const item of await listDebriefItemRows(tx.db, [id])) {
      const ticket = await findTicketById(tx.db, scope, item.ticket_id);
      let outcome: DebriefItemOutcome;
      if (!ticket || !(openStatuses as readonly string[]).includes(ticket.status)) outcome = "no_longer_open";
      else if (ticket.assignee_id !== row.outgoing_person_id) outcome = "reassigned_elsewhere";
      else if (row.reassign_mode === "follow") {
        await followTicket(tx, ticket.id, [{ personId: row.incoming_person_id, source: "staff" }]);
        outcome = "followed";
      } else {
        try {
          await updateTicket({
            ctx: tx,
            number: ticket.number,
            input: { version: ticket.version, assigneeId: row.incoming_person_id },
          });
          outcome = "reassigned";
        } catch (error) {
          // Only a stale version lands here: the ticket was re-read just above, open and theirs.
          if (!(error instanceof ConflictError)) throw error;
          outcome = "stale";
        }
      }
      await setItemOutcome(tx.db, id, item.ticket_id, outcome);
      outcomes[item.ticket_id] = outcome;
    }
    await recordAudit(tx, {
      action: "handoff_debrief.acknowledged",
      targetType: "handoff_debrief",
      targetId: id,
      before: { status: row.status, acknowledgedAt: null },
      after: { status: "acknowledged", acknowledgedAt: at, reassignMode: row.reassign_mode, outcomes },
    });
    return (await presentDebriefRows(tx, [await requireDebrief(tx, id)]))[0] as DebriefView;
  });
}
