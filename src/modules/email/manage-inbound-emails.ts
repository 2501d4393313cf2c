import { ConflictError, NotFoundError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { type InboundEmailView, presentInboundEmail } from "./email-presenter.js";
import {
  findRawEmailSummary,
  listRawEmailSummaries,
  type RawEmailStatus,
  updateRawEmailStatus,
} from "./email-repository.js";
import { processInboundEmailJob } from "./store-inbound-email.js";

/** Admins only: the raw mail names senders and recipients of every organization. */
export async function listInboundEmails({
  ctx,
  status,
  limit,
  cursor,
}: {
  ctx: Context;
  status?: RawEmailStatus[];
  limit: number;
  cursor?: string;
}): Promise<Page<InboundEmailView>> {
  requireAdmin(ctx.actor);
  const rows = await listRawEmailSummaries(ctx.db, {
    ...(status?.length ? { statuses: status } : {}),
    limit: limit + 1,
    ...(cursor ? { after: decodeCursor(cursor) } : {}),
  });
  const items = rows.slice(0, limit).map(presentInboundEmail);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.receivedAt, id: last.id }) : null,
  };
}

export async function getInboundEmail({ ctx, id }: { ctx: Context; id: string }): Promise<InboundEmailView> {
  requireAdmin(ctx.actor);
  const row = await findRawEmailSummary(ctx.db, id);
  if (!row) throw new NotFoundError(`No inbound email ${id}.`);
  return presentInboundEmail(row);
}

/** After a fix, a failed message goes through processing again from its stored raw bytes. */
export async function reprocessInboundEmail({
  ctx,
  id,
}: {
  ctx: Context;
  id: string;
}): Promise<InboundEmailView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const before = await findRawEmailSummary(tx.db, id);
    if (!before) throw new NotFoundError(`No inbound email ${id}.`);
    if (before.status !== "failed") {
      throw new ConflictError(
        `Inbound email ${id} is ${before.status}; only failed messages are processed again.`,
      );
    }
    await updateRawEmailStatus(tx.db, id, { status: "received", reason: null, at: null });
    await enqueueJob(tx, processInboundEmailJob, { rawEmailId: id });
    await recordAudit(tx, {
      action: "inbound_email.reprocessed",
      targetType: "inbound_email",
      targetId: id,
      before: { status: before.status, reason: before.status_reason },
      after: { status: "received", reason: null },
    });
    const after = await findRawEmailSummary(tx.db, id);
    if (!after) throw new Error(`inbound email ${id} vanished inside its own transaction`);
    return presentInboundEmail(after);
  });
}
