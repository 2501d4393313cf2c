import { ForbiddenError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { mayActFor, mayRemoveOverride } from "./oncall-policy.js";
import { type OverrideView, presentOverride } from "./oncall-presenter.js";
import {
  deleteOverrideRows,
  findOverrideById,
  insertOverrides,
  listSwapRows,
  type OverrideRow,
} from "./oncall-repository.js";
import { loadScheduleById, maxShiftRange, peopleByIds } from "./read-schedules.js";
import { layerShiftAt } from "./rotation.js";

export interface OverrideInput {
  personId: string;
  start: string;
  end: string;
  coversPersonId?: string | null;
}

export interface ShiftRef {
  layerId: string;
  shiftIndex: number;
}

const auditedOverride = (row: OverrideRow) => ({
  scheduleId: row.schedule_id,
  personId: row.person_id,
  coversPersonId: row.covers_person_id,
  start: row.start_at,
  end: row.end_at,
  swapId: row.swap_id,
});

async function presentOverrides(ctx: Context, rows: OverrideRow[]): Promise<OverrideView[]> {
  const people = await peopleByIds(
    ctx.db,
    tenantScopeOf(ctx.actor),
    rows.flatMap((o) => [o.person_id, ...(o.covers_person_id ? [o.covers_person_id] : [])]),
  );
  return rows.map((row) => presentOverride(row, people));
}

/** Whoever covers must be able to take the call: an active agent or admin. */
async function requireActiveStaff(ctx: Context, personId: string, field: string): Promise<void> {
  const person = (await peopleByIds(ctx.db, tenantScopeOf(ctx.actor), [personId])).get(personId);
  if (!person || person.role === "customer" || person.deactivated_at !== null)
    throw UnprocessableContentError.field(field, `no active agent or admin ${personId}`);
}

/** Someone covers [start, end) whoever the rotation puts there: the covering person or an admin. */
export async function createOverride({
  ctx,
  scheduleId,
  input,
}: {
  ctx: Context;
  scheduleId: string;
  input: OverrideInput;
}): Promise<OverrideView> {
  requireStaff(ctx.actor);
  if (!mayActFor(ctx.actor, [input.personId]))
    throw new ForbiddenError("Agents make overrides where they cover; an admin may make any.");
  const start = Date.parse(input.start);
  const end = Date.parse(input.end);
  if (!(end > start)) throw ValidationError.field("end", "an override ends after it starts");
  if (end - start > maxShiftRange) throw ValidationError.field("end", "an override lasts at most 26 weeks");
  return inTransaction(ctx, async (tx) => {
    await loadScheduleById(tx.db, scheduleId);
    await requireActiveStaff(tx, input.personId, "personId");
    const covers = input.coversPersonId ?? null;
    if (covers !== null) await requireActiveStaff(tx, covers, "coversPersonId");
    const row: OverrideRow = {
      id: newId(),
      schedule_id: scheduleId,
      person_id: input.personId,
      start_at: new Date(start).toISOString(),
      end_at: new Date(end).toISOString(),
      covers_person_id: covers,
      swap_id: null,
      created_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      created_at: tx.clock.now().toISOString(),
    };
    await insertOverrides(tx.db, [row]);
    await recordAudit(tx, {
      action: "oncall_override.created",
      targetType: "oncall_override",
      targetId: row.id,
      after: auditedOverride(row),
    });
    return (await presentOverrides(tx, [row]))[0] as OverrideView;
  });
}

/**
 * Two people trade shifts of the layers as they stand now: each covers the other's shift span, as
 * two overrides with one swap id. They are instants, so a later edit of the rotation keeps them.
 */
export async function createSwap({
  ctx,
  scheduleId,
  input,
}: {
  ctx: Context;
  scheduleId: string;
  input: { first: ShiftRef; second: ShiftRef };
}): Promise<OverrideView[]> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const { compiled } = await loadScheduleById(tx.db, scheduleId);
    const shiftOf = (ref: ShiftRef, field: string) => {
      try {
        return layerShiftAt(compiled, ref.layerId, ref.shiftIndex);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw ValidationError.field(`${field}/${error.problems[0]?.field}`, error.problems[0]?.message ?? "");
      }
    };
    const first = shiftOf(input.first, "first");
    const second = shiftOf(input.second, "second");
    if (first.personId === second.personId)
      throw ValidationError.field("second", "a swap trades shifts between two different people");
    if (!mayActFor(tx.actor, [first.personId, second.personId]))
      throw new ForbiddenError("Agents swap their own shifts; an admin may swap anyone's.");
    await requireActiveStaff(tx, first.personId, "first");
    await requireActiveStaff(tx, second.personId, "second");
    const swapId = newId();
    const now = tx.clock.now().toISOString();
    const createdBy = tx.actor.kind === "person" ? tx.actor.personId : null;
    const cover = (
      coverer: string,
      covered: { personId: string; start: number; end: number },
    ): OverrideRow => ({
      id: newId(),
      schedule_id: scheduleId,
      person_id: coverer,
      start_at: new Date(covered.start).toISOString(),
      end_at: new Date(covered.end).toISOString(),
      covers_person_id: covered.personId,
      swap_id: swapId,
      created_by: createdBy,
      created_at: now,
    });
    const rows = [cover(second.personId, first), cover(first.personId, second)];
    await insertOverrides(tx.db, rows);
    await recordAudit(tx, {
      action: "oncall_swap.created",
      targetType: "oncall_swap",
      targetId: swapId,
      after: { overrides: rows.map(auditedOverride) },
    });
    return presentOverrides(tx, rows);
  });
}

/** Removes an override; one of a swap takes its twin with it, so nobody is left covering half a trade. */
export async function deleteOverride({
  ctx,
  scheduleId,
  overrideId,
}: {
  ctx: Context;
  scheduleId: string;
  overrideId: string;
}): Promise<void> {
  requireStaff(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const override = await findOverrideById(tx.db, scheduleId, overrideId);
    if (!override) throw new NotFoundError(`No override ${overrideId} on schedule ${scheduleId}.`);
    const rows = override.swap_id ? await listSwapRows(tx.db, override.swap_id) : [override];
    const mayRemove = override.swap_id
      ? mayActFor(tx.actor, [...rows.map((r) => r.person_id), override.created_by])
      : mayRemoveOverride(tx.actor, override);
    if (!mayRemove)
      throw new ForbiddenError("Only the people it involves, or an admin, may remove an override.");
    await deleteOverrideRows(
      tx.db,
      rows.map((r) => r.id),
    );
    await recordAudit(tx, {
      action: override.swap_id ? "oncall_swap.deleted" : "oncall_override.deleted",
      targetType: override.swap_id ? "oncall_swap" : "oncall_override",
      targetId: override.swap_id ?? override.id,
      before: { overrides: rows.map(auditedOverride) },
    });
  });
}
