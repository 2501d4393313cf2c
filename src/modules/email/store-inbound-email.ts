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

export interface StoredInbound {
  rawEmailId: string | null;
  duplicate: boolean;
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
): Promise<StoredInbound> {
  const message = await admitted(ctx, raw, envelope);
  return inTransaction(ctx, async (tx) => (await insertInboundMessages(tx, [message]))[0] as StoredInbound);
}

/**
 * `storeInboundEmail` for a listener taking mail on many connections at once. Messages that arrive
 * while an earlier one waits for the database, or for its commit, are stored together in the next
 * transaction: one commit, and its wait for the disk, for all of them, and still none answered
 * before its own commit. Should a group's transaction fail, each of its messages is stored alone,
 * so that one message cannot fail its neighbours.
 */
export class GroupCommittedInboundStore {
  private queue: Array<{
    message: AdmittedMessage;
    resolve: (stored: StoredInbound) => void;
    reject: (error: unknown) => void;
  }> = [];
  private flushing = false;

  constructor(private readonly ctx: Context) {}

  async store(raw: Buffer, envelope: InboundEnvelope): Promise<StoredInbound> {
    const message = await admitted(this.ctx, raw, envelope);
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      let group: typeof this.queue = [];
      try {
        const stored = await inTransaction(this.ctx, async (tx) => {
          // Taken once the transaction holds the database: whatever queued while it waited joins.
          group = this.queue;
          this.queue = [];
          return insertInboundMessages(
            tx,
            group.map((pending) => pending.message),
          );
        });
        for (const [index, pending] of group.entries()) pending.resolve(stored[index] as StoredInbound);
      } catch (error) {
        if (group.length <= 1) {
          group[0]?.reject(error);
          // Failed before it took the queue (the database unreachable): those waiting fail alike.
          if (group.length === 0) for (const pending of this.queue.splice(0)) pending.reject(error);
          continue;
        }
        for (const pending of group) {
          await inTransaction(this.ctx, (tx) => insertInboundMessages(tx, [pending.message])).then(
            (stored) => pending.resolve(stored[0] as StoredInbound),
            pending.reject,
          );
        }
      }
    }
    this.flushing = false;
  }
}

interface AdmittedMessage {
  raw: Buffer;
  sha256: string;
  envelope: InboundEnvelope;
}

async function admitted(ctx: Context, raw: Buffer, envelope: InboundEnvelope): Promise<AdmittedMessage> {
  if (ctx.attachmentsDir && !(await storeHasRoomFor(ctx.attachmentsDir, raw.length)))
    throw new StorageFullError(`the attachment store has no room for a message of ${raw.length} bytes`);
  return { raw, envelope, sha256: createHash("sha256").update(raw).digest("hex") };
}

async function insertInboundMessages(
  tx: Context,
  messages: readonly AdmittedMessage[],
): Promise<StoredInbound[]> {
  const stored: StoredInbound[] = [];
  for (const { raw, sha256, envelope } of messages) {
    const id = newId();
    const inserted = await insertRawEmail(tx.db, {
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
    if (!inserted) {
      stored.push({ rawEmailId: null, duplicate: true });
      continue;
    }
    await enqueueJob(tx, processInboundEmailJob, { rawEmailId: id });
    stored.push({ rawEmailId: id, duplicate: false });
  }
  return stored;
}
