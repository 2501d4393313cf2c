import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { presentSavedReply, type SavedReplyView } from "./health-presenter.js";
import {
  deleteSavedReplyRow,
  findSavedReplyById,
  insertSavedReply,
  listSavedReplyRows,
  type SavedReplyRow,
  savedReplyNameTaken,
  updateSavedReplyRow,
} from "./saved-reply-repository.js";

/**
 * Saved replies: text an agent drops into a reply ("we don't know yet; back within 24–48 hours").
 * Staff read them; admins write them, so the desk speaks with one voice. Customers never see the list.
 */

export interface SavedReplyInput {
  name: string;
  body: string;
}

/** The reply the objectives ask for when the answer is not known yet; installed once with the defaults. */
export const answerNotKnownYetReply: SavedReplyInput = {
  name: "Answer not known yet (back within 24–48 hours)",
  body:
    "Thanks for your patience. We don't have the answer yet: we're looking into it and will come back " +
    "to you within 24–48 hours with what we've found, or sooner if we get there first.",
};

function checkText(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === "") throw ValidationError.field(field, "must not be empty");
  return trimmed;
}

async function assertNameFree(ctx: Context, name: string, exceptId: string | null): Promise<void> {
  if (await savedReplyNameTaken(ctx.db, name, exceptId)) {
    throw new ConflictError(`A saved reply named "${name}" already exists.`);
  }
}

export async function listSavedReplies({ ctx }: { ctx: Context }): Promise<SavedReplyView[]> {
  requireStaff(ctx.actor);
  return (await listSavedReplyRows(ctx.db)).map(presentSavedReply);
}

export async function getSavedReply({ ctx, id }: { ctx: Context; id: string }): Promise<SavedReplyView> {
  requireStaff(ctx.actor);
  const row = await findSavedReplyById(ctx.db, id);
  if (!row) throw new NotFoundError(`No saved reply ${id}.`);
  return presentSavedReply(row);
}

export async function createSavedReply({
  ctx,
  input,
}: {
  ctx: Context;
  input: SavedReplyInput;
}): Promise<SavedReplyView> {
  requireAdmin(ctx.actor);
  const name = checkText(input.name, "/name");
  const body = checkText(input.body, "/body");
  return inTransaction(ctx, async (tx) => {
    await assertNameFree(tx, name, null);
    const now = tx.clock.now().toISOString();
    const row: SavedReplyRow = { id: newId(), name, body, created_at: now, updated_at: now };
    await insertSavedReply(tx.db, row);
    await recordAudit(tx, {
      action: "saved_reply.created",
      targetType: "saved_reply",
      targetId: row.id,
      after: row,
    });
    tx.logger.info({ savedReplyId: row.id }, "saved reply created");
    return presentSavedReply(row);
  });
}

export async function updateSavedReply({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<SavedReplyInput>;
}): Promise<SavedReplyView> {
  requireAdmin(ctx.actor);
  const name = input.name === undefined ? undefined : checkText(input.name, "/name");
  const body = input.body === undefined ? undefined : checkText(input.body, "/body");
  return inTransaction(ctx, async (tx) => {
    const existing = await findSavedReplyById(tx.db, id);
    if (!existing) throw new NotFoundError(`No saved reply ${id}.`);
    if (name !== undefined) await assertNameFree(tx, name, id);
    const row: SavedReplyRow = {
      ...existing,
      name: name ?? existing.name,
      body: body ?? existing.body,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateSavedReplyRow(tx.db, row);
    await recordAudit(tx, {
      action: "saved_reply.updated",
      targetType: "saved_reply",
      targetId: id,
      before: existing,
      after: row,
    });
    tx.logger.info({ savedReplyId: id }, "saved reply updated");
    return presentSavedReply(row);
  });
}

export async function deleteSavedReply({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findSavedReplyById(tx.db, id);
    if (!existing) throw new NotFoundError(`No saved reply ${id}.`);
    await deleteSavedReplyRow(tx.db, id);
    await recordAudit(tx, {
      action: "saved_reply.deleted",
      targetType: "saved_reply",
      targetId: id,
      before: existing,
    });
    tx.logger.info({ savedReplyId: id }, "saved reply deleted");
  });
}
