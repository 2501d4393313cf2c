import { createHash } from "node:crypto";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { StorageFullError } from "../../shared/storage-full.js";
import { storeHasRoomFor } from "../attachments/attachment-store.js";
import { insertRawEmail } from "./email-repository.js";
import { readMessageIdHeader } from "./header-message-id.js";

export const processInboundEmailJob = "email.process-inbound";

export interface InboundEnvelope {
  /** null for the null sender `<>` of bounces. */
  mailFrom: string | null;
  rcptTo: string[];
  remoteAddress: string | null;
}

/**
 * Raw first: the message and its envelope are committed, with the job that will process them, in
 * one transaction. The SMTP listener answers 250 only after this returns, so a crash at any later
 * point leaves a stored message and a queued job — never an accepted message that is gone.
 * The same bytes delivered again are not stored twice and queue nothing. A message is taken only
 * while the attachment store has room for it (its files, decoded, are never larger than the message;
 * Postfix's queue_minfree does the same for its queue): with the disk full the sender keeps the mail,
 * rather than Tend accepting it and failing to store its files after the 250.
 */
export async function storeInboundEmail(
  ctx: Context,
  raw: Buffer,
  envelope: InboundEnvelope,
): Promise<{ rawEmailId: string | null; duplicate: boolean }> {
  if (ctx.attachmentsDir && !(await storeHasRoomFor(ctx.attachmentsDir, raw.length)))
    throw new StorageFullError(`the attachment store has no room for a message of ${raw.length} bytes`);
  const sha256 = createHash("sha256").update(raw).digest("hex");
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    const stored = await insertRawEmail(tx.db, {
      id,
      sha256,
      raw,
      size_bytes: raw.length,
      mail_from: envelope.mailFrom,
      rcpt_to: JSON.stringify(envelope.rcptTo),
      remote_address: envelope.remoteAddress,
      received_at: tx.clock.now().toISOString(),
      status: "received",
      status_reason: null,
      // Filed under its id at once, so a reply processed beside it can wait for it (`awaitEarlierMessages`).
      message_id: readMessageIdHeader(raw),
      ticket_id: null,
      processed_at: null,
    });
    if (!stored) return { rawEmailId: null, duplicate: true };
    await enqueueJob(tx, processInboundEmailJob, { rawEmailId: id });
    return { rawEmailId: id, duplicate: false };
  });
}
