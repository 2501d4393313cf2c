import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { findGroupById } from "../identity/group-repository.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import type { TicketListFilter } from "../tickets/read-tickets.js";
import { normalizeTags } from "../tickets/ticket.js";
import { countView, storedView } from "./read-views.js";
import { builtInViews } from "./view-definitions.js";
import { presentView, type ViewView } from "./view-presenter.js";
import {
  deleteViewRow,
  findViewById,
  findViewByName,
  insertView,
  updateViewRow,
  type ViewRow,
} from "./view-repository.js";

/** A view's filter: the ticket list's own filters, without absolute instants (they would go stale). */
export type ViewFilter = Omit<TicketListFilter, "slaDueBefore" | "solvedAfter">;

export interface ViewInput {
  name: string;
  filter: ViewFilter;
}

/** An admin's view may not take a built-in one's name: two "Pending" queues would be a puzzle. */
const builtInNames = new Set(
  builtInViews({
    now: new Date(0),
    breachingBefore: new Date(0),
    tierOneGroupId: "any",
    expertsGroupId: "any",
  }).map((view) => view.name.toLowerCase()),
);

async function checkedName(ctx: Context, name: string, exceptId: string | null): Promise<string> {
  const trimmed = name.trim();
  if (!trimmed) throw ValidationError.field("name", "must not be empty");
  const taken = await findViewByName(ctx.db, trimmed);
  if (builtInNames.has(trimmed.toLowerCase()) || (taken && taken.id !== exceptId)) {
    throw new ConflictError(`A view named "${trimmed}" exists already.`);
  }
  return trimmed;
}

/** The filter as it will be stored: the schema checked its shape, this checks what it names exists. */
async function checkedFilter(ctx: Context, filter: ViewFilter): Promise<ViewFilter> {
  if (filter.groupId && !(await findGroupById(ctx.db, filter.groupId))) {
    throw ValidationError.field("filter/groupId", `no group ${filter.groupId}`);
  }
  for (const field of ["assignee", "requesterId"] as const) {
    const id = filter[field];
    if (id && id !== "me" && id !== "none" && !(await findPersonById(ctx.db, id))) {
      throw ValidationError.field(`filter/${field}`, `no person ${id}`);
    }
  }
  if (filter.tag) return { ...filter, tag: normalizeTags([filter.tag], "filter/tag")[0] as string };
  return filter;
}

/** Counted inside the writing transaction: a filter the list would refuse is refused before it is stored. */
async function presentCounted(ctx: Context, row: ViewRow): Promise<ViewView> {
  const view = storedView(row);
  return presentView(view, await countView(ctx, view));
}

export async function createView({ ctx, input }: { ctx: Context; input: ViewInput }): Promise<ViewView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const created: ViewRow = {
      id: newId(),
      name: await checkedName(tx, input.name, null),
      filter: JSON.stringify(await checkedFilter(tx, input.filter)),
      created_at: now,
      updated_at: now,
    };
    await insertView(tx.db, created);
    await recordAudit(tx, {
      action: "view.created",
      targetType: "view",
      targetId: created.id,
      after: { name: created.name, filter: created.filter },
    });
    return presentCounted(tx, created);
  });
}

export async function updateView({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<ViewInput>;
}): Promise<ViewView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findViewById(tx.db, id);
    if (!current)
      throw new NotFoundError(`No view ${id} an admin defined (built-in views stay as they are).`);
    const updated: ViewRow = {
      ...current,
      name: input.name === undefined ? current.name : await checkedName(tx, input.name, id),
      filter:
        input.filter === undefined ? current.filter : JSON.stringify(await checkedFilter(tx, input.filter)),
      updated_at: tx.clock.now().toISOString(),
    };
    await updateViewRow(tx.db, updated);
    await recordAudit(tx, {
      action: "view.updated",
      targetType: "view",
      targetId: id,
      before: { name: current.name, filter: current.filter },
      after: { name: updated.name, filter: updated.filter },
    });
    return presentCounted(tx, updated);
  });
}

export async function deleteView({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findViewById(tx.db, id);
    if (!current || !(await deleteViewRow(tx.db, id))) {
      throw new NotFoundError(`No view ${id} an admin defined (built-in views stay as they are).`);
    }
    await recordAudit(tx, {
      action: "view.deleted",
      targetType: "view",
      targetId: id,
      before: { name: current.name, filter: current.filter },
    });
  });
}
