import { createHash } from "node:crypto";
import { enqueueJob, jobsEnqueued, queuedJobRow } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { StorageFullError } from "../../shared/storage-full.js";
import { storeHasRoomFor } from "../attachments/attachment-store.js";
import {
  insertRawEmail,
  insertRawEmailsWithJobs,
  type RawEmailRow,
  rawEmailExists,
} from "./email-repository.js";
import { readMessageIdHeader } from "./header-message-id.js";
import type { InboundSpool, SpooledMessage } from "./inbound-spool.js";

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
  return (await storeInboundMessages(ctx, () => [message]))[0] as StoredInbound;
}

/**
 * `storeInboundEmail` for a listener taking mail on many connections at once. Messages that arrive
 * while an earlier one waits for the database, or for its commit, are stored together in the next
 * transaction: one commit, and its wait for the disk, for all of them, and still none answered
 * before its own commit. Should a group's transaction fail, each of its messages is stored alone,
 * so that one message cannot fail its neighbours. With a `spool` (on SQLite, see `inbound-spool.ts`)
 * the groups are committed there, for a worker to move into the database.
 */
export class GroupCommittedInboundStore {
  private queue: Array<{
    message: AdmittedMessage;
    resolve: (stored: StoredInbound) => void;
    reject: (error: unknown) => void;
  }> = [];
  private flushing = false;

  constructor(
    private readonly ctx: Context,
    private readonly spool?: InboundSpool,
  ) {}

  async store(raw: Buffer, envelope: InboundEnvelope): Promise<StoredInbound> {
    const message = await admitted(this.ctx, raw, envelope);
    // The database's unique sha256 answers this when the message is stored there; the spool's only
    // knows what waits in it.
    if (this.spool && (await rawEmailExists(this.ctx.db, message.sha256)))
      return { rawEmailId: null, duplicate: true };
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Commits what `take` hands over: taken once the commit can start, so whatever queued meanwhile joins. */
  private async commitGroup(take: () => AdmittedMessage[]): Promise<StoredInbound[]> {
    const { spool } = this;
    if (!spool) return storeInboundMessages(this.ctx, take);
    // The spool's commit is synchronous: a turn of the event loop first lets the messages whose
    // data has just arrived on other connections join this group.
    await new Promise((resolve) => setImmediate(resolve));
    const messages = take();
    const spooled = spool.append(messages.map(spooledMessage));
    return messages.map((message, index) =>
      spooled[index] ? { rawEmailId: message.id, duplicate: false } : { rawEmailId: null, duplicate: true },
    );
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      let group: typeof this.queue = [];
      try {
        const stored = await this.commitGroup(() => {
          group = this.queue;
          this.queue = [];
          return group.map((pending) => pending.message);
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
          await this.commitGroup(() => [pending.message]).then(
            (stored) => pending.resolve(stored[0] as StoredInbound),
            pending.reject,
          );
        }
      }
    }
    this.flushing = false;
  }
}

/** A message the listener takes, named and timed as it arrived. */
export interface AdmittedMessage {
  id: string;
  raw: Buffer;
  sha256: string;
  envelope: InboundEnvelope;
  receivedAt: string;
}

async function admitted(ctx: Context, raw: Buffer, envelope: InboundEnvelope): Promise<AdmittedMessage> {
  if (ctx.attachmentsDir && !(await storeHasRoomFor(ctx.attachmentsDir, raw.length)))
    throw new StorageFullError(`the attachment store has no room for a message of ${raw.length} bytes`);
  return {
    id: newId(),
    raw,
    envelope,
    sha256: createHash("sha256").update(raw).digest("hex"),
    receivedAt: ctx.clock.now().toISOString(),
  };
}

/**
 * The messages `take` hands over and their processing jobs, committed together. On SQLite they are
 * taken once the transaction has the connection, so whatever queued while it waited joins.
 */
async function storeInboundMessages(
  ctx: Context,
  take: () => readonly AdmittedMessage[],
): Promise<StoredInbound[]> {
  if (ctx.dialect === "postgres") return insertInOneStatement(ctx, take());
  return inTransaction(ctx, async (tx) => {
    const stored = await insertRawMessages(tx, take());
    for (const { rawEmailId } of stored)
      if (rawEmailId) await enqueueJob(tx, processInboundEmailJob, { rawEmailId });
    return stored;
  });
}

/**
 * On PostgreSQL the raw rows and the jobs of those stored (not of duplicates) are one statement,
 * which commits alone: the sender waits for one round trip instead of four (begin, two inserts,
 * commit), and on a busy machine each round trip was a wait for a core. SQLite has no writing CTE.
 */
async function insertInOneStatement(
  ctx: Context,
  messages: readonly AdmittedMessage[],
): Promise<StoredInbound[]> {
  const storedIds = await insertRawEmailsWithJobs(
    ctx.db,
    messages.map(rawEmailRow),
    messages.map((message) => queuedJobRow(ctx, processInboundEmailJob, { rawEmailId: message.id })),
  );
  if (storedIds.size > 0) jobsEnqueued(ctx);
  return messages.map((message) =>
    storedIds.has(message.id)
      ? { rawEmailId: message.id, duplicate: false }
      : { rawEmailId: null, duplicate: true },
  );
}

/**
 * The messages' raw rows, without their jobs: for the caller that processes them in the same
 * transaction (`moveSpooledMail`). The same bytes stored already are a duplicate, and stored nothing.
 */
export async function insertRawMessages(
  tx: Context,
  messages: readonly AdmittedMessage[],
): Promise<StoredInbound[]> {
  const stored: StoredInbound[] = [];
  for (const message of messages) {
    const inserted = await insertRawEmail(tx.db, rawEmailRow(message));
    stored.push(
      inserted ? { rawEmailId: message.id, duplicate: false } : { rawEmailId: null, duplicate: true },
    );
  }
  return stored;
}

function rawEmailRow({ id, raw, sha256, envelope, receivedAt }: AdmittedMessage): RawEmailRow {
  return {
    id,
    sha256,
    raw,
    size_bytes: raw.length,
    mail_from: envelope.mailFrom,
    rcpt_to: JSON.stringify(envelope.rcptTo),
    remote_address: envelope.remoteAddress,
    received_at: receivedAt,
    status: "received",
    status_reason: null,
    // Filed under its id at once, so a reply processed beside it can wait for it (`awaitEarlierMessages`).
    message_id: readMessageIdHeader(raw),
    ticket_id: null,
    processed_at: null,
  };
}

function spooledMessage(message: AdmittedMessage): SpooledMessage {
  return {
    id: message.id,
    sha256: message.sha256,
    raw: message.raw,
    mailFrom: message.envelope.mailFrom,
    rcptTo: message.envelope.rcptTo,
    remoteAddress: message.envelope.remoteAddress,
    receivedAt: message.receivedAt,
  };
}
