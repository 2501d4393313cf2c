import { ConflictError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { findGroupById, findGroupByName, isMember } from "../identity/group-repository.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { addComment } from "./add-comment.js";
import { applyTicketChanges, type FieldChanges, staleVersion } from "./ticket-changes.js";
import { eventRow } from "./ticket-events.js";
import { assertCanViewTicket } from "./ticket-policy.js";
import { presentTicket, type TicketView } from "./ticket-presenter.js";
import { findTicketById, findTicketByNumber, insertTicketEvents, tagsByTicket } from "./ticket-repository.js";

/** Where Tier 1 hands a ticket it cannot solve (seeded with the default groups). */
export const escalationGroupName = "Platform experts";

export interface EscalateTicketInput {
  /** Why, for the experts: the internal note that goes with the ticket. */
  note: string;
  /** The group taking it; the Platform experts by default. */
  groupId?: string;
  /** The version the caller read, when it wants a stale one refused. */
  version?: number;
}

/**
 * Tier 1's one action: the ticket moves to the experts' group with a note saying why; its assignee
 * stays only if they belong to that group. One transaction: the note, the changes and the
 * `escalated` event commit together or not at all.
 */
export async function escalateTicket({
  ctx,
  number,
  input,
}: {
  ctx: Context;
  number: number;
  input: EscalateTicketInput;
}): Promise<TicketView> {
  // Refused before the ticket is looked up: a customer learns nothing about which numbers exist.
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const scope = tenantScopeOf(tx.actor);
    const current = assertCanViewTicket(tx.actor, await findTicketByNumber(tx.db, scope, number), number);
    if (!input.note.trim()) throw ValidationError.field("note", "say why the ticket is escalated");
    if (input.version !== undefined && current.version !== input.version) {
      throw await staleVersion(tx, current.id, number);
    }
    if (current.status === "closed") throw new ConflictError(`Ticket #${number} is closed and read-only.`);
    const group = input.groupId
      ? await findGroupById(tx.db, input.groupId)
      : await findGroupByName(tx.db, escalationGroupName);
    if (!group) {
      throw input.groupId
        ? ValidationError.field("groupId", `no group ${input.groupId}`)
        : ValidationError.field("groupId", `there is no "${escalationGroupName}" group: name the group`);
    }
    if (current.group_id === group.id) {
      throw new ConflictError(`Ticket #${number} is already with ${group.name}.`);
    }

    await addComment({ ctx: tx, number, input: { body: input.note, visibility: "internal" } });
    const noted = await findTicketById(tx.db, scope, current.id);
    if (!noted) throw new Error(`ticket ${current.id} vanished inside its own transaction`);
    const keepsAssignee = noted.assignee_id !== null && (await isMember(tx.db, group.id, noted.assignee_id));
    const changes: FieldChanges = { group_id: group.id };
    if (!keepsAssignee) changes.assignee_id = null;
    const reason = `Escalated to ${group.name}`;
    await applyTicketChanges(tx, noted, changes, {
      reasons: { group_id: reason, assignee_id: `${reason}, which the assignee is not in` },
    });
    await insertTicketEvents(tx.db, [
      eventRow(tx, current.id, tx.clock.now().toISOString(), {
        kind: "escalated",
        field: "group",
        from: current.group_id,
        to: group.id,
        reason,
      }),
    ]);
    await recomputeTicketSla(tx, current.id);

    const updated = await findTicketById(tx.db, scope, current.id);
    if (!updated) throw new Error(`ticket ${current.id} vanished inside its own transaction`);
    return presentTicket(
      updated,
      (await tagsByTicket(tx.db, scope, [current.id])).get(current.id) ?? [],
      tx.actor,
    );
  });
}
