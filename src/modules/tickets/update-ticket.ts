import { ConflictError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { isStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { assertAssignable, assertGroupExists } from "./create-ticket.js";
import { type Category, normalizeTags, type Severity } from "./ticket.js";
import { applyTicketChanges, type FieldChanges, staleVersion } from "./ticket-changes.js";
import { assertCanViewTicket } from "./ticket-policy.js";
import { presentTicket, type TicketView } from "./ticket-presenter.js";
import { findTicketById, findTicketByNumber, tagsByTicket } from "./ticket-repository.js";
import { checkTransition, type TicketStatus } from "./ticket-status.js";

export interface UpdateTicketInput {
  /** The version the caller last read: a stale one is refused with 409, never silently overwritten. */
  version: number;
  status?: TicketStatus;
  assigneeId?: string | null;
  groupId?: string | null;
  severity?: Severity;
  category?: Category;
  tags?: string[];
}

export async function updateTicket({
  ctx,
  number,
  input,
}: {
  ctx: Context;
  number: number;
  input: UpdateTicketInput;
}): Promise<TicketView> {
  const staff = isStaff(ctx.actor);
  if (!staff) {
    for (const field of ["assigneeId", "groupId", "severity", "category", "tags"] as const) {
      if (input[field] !== undefined) throw ValidationError.field(field, "only agents may change this");
    }
  }
  const tags = input.tags ? normalizeTags(input.tags) : undefined;

  return inTransaction(ctx, async (tx) => {
    const current = assertCanViewTicket(
      tx.actor,
      await findTicketByNumber(tx.db, tenantScopeOf(tx.actor), number),
      number,
    );
    if (current.version !== input.version) throw await staleVersion(tx, current.id, number);
    if (current.status === "closed") throw new ConflictError(`Ticket #${number} is closed and read-only.`);
    if (input.status !== undefined) {
      const check = checkTransition(
        current.status as TicketStatus,
        input.status,
        staff ? "staff" : "customer",
      );
      if (!check.allowed) throw new ConflictError(check.reason);
    }
    if (input.assigneeId) await assertAssignable(tx, input.assigneeId);
    if (input.groupId) await assertGroupExists(tx, input.groupId);

    const changes: FieldChanges = {};
    if (input.status !== undefined) changes.status = input.status;
    if (input.assigneeId !== undefined) changes.assignee_id = input.assigneeId;
    if (input.groupId !== undefined) changes.group_id = input.groupId;
    if (input.severity !== undefined) changes.severity = input.severity;
    if (input.category !== undefined) changes.category = input.category;
    if (tags !== undefined) changes.tags = tags;
    await applyTicketChanges(tx, current, changes);
    await recomputeTicketSla(tx, current.id);

    const scope = tenantScopeOf(tx.actor);
    const updated = await findTicketById(tx.db, scope, current.id);
    if (!updated) throw new Error(`ticket ${current.id} vanished inside its own transaction`);
    return presentTicket(
      updated,
      (await tagsByTicket(tx.db, scope, [current.id])).get(current.id) ?? [],
      tx.actor,
    );
  });
}
