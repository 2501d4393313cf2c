import { ConflictError, ForbiddenError, NotFoundError, UnprocessableContentError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Actor } from "../identity/actor.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { type DebriefView, debriefPeopleIds, presentDebrief } from "./handoff-presenter.js";
import {
  type DebriefListQuery,
  type DebriefRow,
  findDebriefById,
  listDebriefItemRows,
  listDebriefRows,
  markDebriefCompleted,
  updateDebriefNotes,
  updateItemNotes,
} from "./handoff-repository.js";
import { mayActFor } from "./oncall-policy.js";
import { peopleByIds } from "./read-schedules.js";

export interface DebriefUpdateInput {
  version: number;
  overallNotes?: string;
  reassignMode?: "reassign" | "follow";
  items?: { ticketId: string; notes: string }[];
}

export async function presentDebriefRows(ctx: Context, rows: DebriefRow[]): Promise<DebriefView[]> {
  const items = await listDebriefItemRows(
    ctx.db,
    rows.map((row) => row.id),
  );
  const people = await peopleByIds(ctx.db, tenantScopeOf(ctx.actor), debriefPeopleIds(rows));
  return rows.map((row) =>
    presentDebrief(
      row,
      items.filter((item) => item.debrief_id === row.id),
      people,
    ),
  );
}

export async function requireDebrief(ctx: Context, id: string): Promise<DebriefRow> {
  const row = await findDebriefById(ctx.db, id);
  if (!row) throw new NotFoundError(`No handoff debrief ${id}.`);
  return row;
}

/** The debrief is the outgoing person's to write; an admin may write it on their behalf. */
function requireOutgoing(actor: Actor, row: DebriefRow, what: string): void {
  if (!mayActFor(actor, [row.outgoing_person_id]))
    throw new ForbiddenError(`Only the outgoing engineer or an admin may ${what} this debrief.`);
}

/** Kept and searchable: every debrief, newest handoff first, a page at a time (staff). */
export async function listDebriefs(
  ctx: Context,
  query: Omit<DebriefListQuery, "limit" | "after"> & { limit?: number; cursor?: string },
): Promise<Page<DebriefView>> {
  requireStaff(ctx.actor);
  const { cursor, ...filter } = query;
  const limit = query.limit ?? 50;
  const position = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await listDebriefRows(ctx.db, {
    ...filter,
    text: filter.text?.trim() || undefined,
    ...(position ? { after: { handoffAt: String(position.value), id: position.id } } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: await presentDebriefRows(ctx, page),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.handoff_at, id: last.id }) : null,
  };
}

export async function getDebrief(ctx: Context, id: string): Promise<DebriefView> {
  requireStaff(ctx.actor);
  return (await presentDebriefRows(ctx, [await requireDebrief(ctx, id)]))[0] as DebriefView;
}

/** The outgoing person's notes, overall and per ticket, and whether the tickets move or are shared. */
export async function updateDebrief({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: DebriefUpdateInput;
}): Promise<DebriefView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const row = await requireDebrief(tx, id);
    requireOutgoing(tx.actor, row, "edit");
    if (row.acknowledged_at !== null)
      throw new ConflictError(`Debrief ${id} was acknowledged: it is kept as it was handed over.`);
    const items = await listDebriefItemRows(tx.db, [id]);
    const listed = new Set(items.map((item) => item.ticket_id));
    (input.items ?? []).forEach((item, index) => {
      if (!listed.has(item.ticketId))
        throw UnprocessableContentError.field(`items/${index}/ticketId`, "not a ticket this debrief lists");
    });
    const next = {
      overall_notes: input.overallNotes ?? row.overall_notes,
      reassign_mode: input.reassignMode ?? row.reassign_mode,
      version: row.version + 1,
    };
    if (!(await updateDebriefNotes(tx.db, id, input.version, next)))
      throw new ConflictError(
        `Debrief ${id} changed since version ${input.version}.`,
        (await presentDebriefRows(tx, [await requireDebrief(tx, id)]))[0],
      );
    const notesBefore = new Map(items.map((item) => [item.ticket_id, item.notes]));
    for (const item of input.items ?? []) await updateItemNotes(tx.db, id, item.ticketId, item.notes);
    await recordAudit(tx, {
      action: "handoff_debrief.updated",
      targetType: "handoff_debrief",
      targetId: id,
      before: {
        overallNotes: row.overall_notes,
        reassignMode: row.reassign_mode,
        itemNotes: Object.fromEntries(
          (input.items ?? []).map((i) => [i.ticketId, notesBefore.get(i.ticketId)]),
        ),
      },
      after: {
        overallNotes: next.overall_notes,
        reassignMode: next.reassign_mode,
        itemNotes: Object.fromEntries((input.items ?? []).map((i) => [i.ticketId, i.notes])),
      },
    });
    return (await presentDebriefRows(tx, [await requireDebrief(tx, id)]))[0] as DebriefView;
  });
}

/** The outgoing person says the debrief is written: the incoming one may rely on it. */
export async function completeDebrief(ctx: Context, id: string): Promise<DebriefView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const row = await requireDebrief(tx, id);
    requireOutgoing(tx.actor, row, "complete");
    const at = tx.clock.now().toISOString();
    if (!(await markDebriefCompleted(tx.db, id, at)))
      throw new ConflictError(`Debrief ${id} is already ${row.status}.`);
    await recordAudit(tx, {
      action: "handoff_debrief.completed",
      targetType: "handoff_debrief",
      targetId: id,
      before: { status: row.status, completedAt: null },
      after: { status: "completed", completedAt: at },
    });
    return (await presentDebriefRows(tx, [await requireDebrief(tx, id)]))[0] as DebriefView;
  });
}
