import { ConflictError, DomainError } from "../../errors.js";
import {
  type Context,
  inSavepoint,
  inTransaction,
  TransactionLostError,
  withActor,
} from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { insertAttachments } from "../attachments/attachment-repository.js";
import {
  admitAttachments,
  defaultMaxAttachmentBytes,
  sanitizeFilename,
} from "../attachments/attachment-rules.js";
import { attachmentsDirOf, writeAttachmentFile } from "../attachments/attachment-store.js";
import { type Actor, systemActor } from "../identity/actor.js";
import { isStaff } from "../identity/identity-policy.js";
import { findOrCreateCustomer } from "../identity/manage-people.js";
import type { CustomerTicketVisibility } from "../identity/organization.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { addComment } from "../tickets/add-comment.js";
import { openTicket } from "../tickets/create-ticket.js";
import { eventRow } from "../tickets/ticket-events.js";
import { isFollowing } from "../tickets/ticket-follower-repository.js";
import { followTicket, type NewFollower } from "../tickets/ticket-followers.js";
import { canViewTicket } from "../tickets/ticket-policy.js";
import {
  findTicketById,
  findTicketByNumber,
  insertTicketEvents,
  type TicketListRow,
} from "../tickets/ticket-repository.js";
import { awaitEarlierMessages } from "./await-earlier-messages.js";
import { followersFromRecipients } from "./cc-followers.js";
import { supportRecipient, ticketNumberInSubject } from "./email-addresses.js";
import {
  findEmailMessageByMessageId,
  findLatestFollowUpId,
  findRawEmails,
  findTicketIdOfMessages,
  insertEmailMessage,
  type RawEmailRow,
  updateRawEmailStatus,
} from "./email-repository.js";
import { withoutForwardPrefix } from "./forwarded-message.js";
import { noiseReason } from "./loop-detection.js";
import { type ParsedEmail, parseEmail, UnprocessableEmailError } from "./parse-email.js";
import { recordBounce } from "./record-bounce.js";
import { decideThread, type ThreadCandidate } from "./threading.js";

export interface InboundEmailSettings {
  supportAddresses: readonly string[];
  /** TEND_ATTACHMENT_MAX_BYTES; larger parts are noted on the comment, not stored. */
  maxAttachmentBytes?: number;
}

export interface InboundOutcome {
  status: "processed" | "ignored" | "failed";
  /** How it was threaded, or why it made no ticket. */
  reason: string;
  ticketNumber: number | null;
}

// A References header may list thousands of ids; the newest carry the thread, and a bounded
// lookup keeps a hostile header from becoming a giant IN (…).
const maxReferencedIds = 100;
const maxFollowUpHops = 20;
// Threading looks at every ticket a message could belong to; whether the sender may reply on the
// one it finds is asked of the ticket policy (`canViewTicket`), not of the query.
const threadingScope = systemScope("inbound mail threading");

export interface InboundEmailWork {
  rawEmailId: string;
  /** Work that must commit with the message's ticket, or not at all: its job's completion. */
  commitsWithTicket?: (unit: Context) => Promise<void>;
}

/**
 * What became of a message, or the error to try it again for: an outage, a full disk, a conflict
 * with a worker beside it (the same new sender created by a concurrent message, a lost race on a
 * unique Message-ID, which is "duplicate" next time).
 */
export type InboundResult = { outcome: InboundOutcome } | { retry: Error };

/** One message, as `processInboundEmails` takes a batch; an error to retry it for is thrown. */
export async function processInboundEmail(
  ctx: Context,
  rawEmailId: string,
  settings: InboundEmailSettings,
): Promise<InboundOutcome> {
  const [result] = await processInboundEmails(ctx, [{ rawEmailId }], settings);
  if (!result || "retry" in result) throw result?.retry ?? new Error(`${rawEmailId} was not processed`);
  return result.outcome;
}

/** A message parsed, checked and with its files stored, to be threaded. */
interface ReadyMessage {
  work: InboundEmailWork;
  raw: RawEmailRow;
  email: ParsedEmail;
  files: StoredFiles;
}

/**
 * Turns stored raw messages into new tickets or replies on the tickets they continue. Runs as the
 * `email.process-inbound` jobs after the SMTP 250, so a crash here loses nothing: the raw rows and
 * their jobs remain. A processed or ignored message is not processed again. The messages are taken
 * in the order they were received, so a reply in the batch comes after what it answers, and threaded
 * in one transaction with a savepoint each: one commit for the batch (a commit's wait for the disk
 * was most of a message's cost), and a message that fails leaves the others' tickets standing.
 * Returns a result per item of `work`, in its order.
 */
export async function processInboundEmails(
  ctx: Context,
  work: readonly InboundEmailWork[],
  settings: InboundEmailSettings,
): Promise<InboundResult[]> {
  const raws = new Map(
    (await findRawEmails(ctx.db, [...new Set(work.map((item) => item.rawEmailId))])).map((raw) => [
      raw.id,
      raw,
    ]),
  );
  const received = (item: InboundEmailWork) => {
    const raw = raws.get(item.rawEmailId);
    return raw ? `${raw.received_at} ${raw.id}` : "";
  };
  // The same message queued twice (an admin's reprocess beside its first job) is processed once.
  const unique = [...new Map(work.map((item) => [item.rawEmailId, item])).values()].sort((a, b) =>
    received(a).localeCompare(received(b)),
  );
  const results = new Map<string, InboundResult>();
  const ready: ReadyMessage[] = [];
  for (const item of unique) {
    try {
      const prepared = await prepareMessage(ctx, item, raws.get(item.rawEmailId), settings, ready);
      if ("outcome" in prepared) results.set(item.rawEmailId, prepared);
      else ready.push(prepared);
    } catch (error) {
      results.set(item.rawEmailId, { retry: asError(error) });
    }
  }
  const threaded = await threadMessages(ctx, ready, settings);
  for (const [index, message] of ready.entries()) {
    const result = threaded[index];
    if (result) results.set(message.raw.id, result);
  }
  return work.map(
    (item) => results.get(item.rawEmailId) ?? { retry: new Error(`${item.rawEmailId} was not processed`) },
  );
}

/**
 * Everything before the ticket's transaction: parsing, the noise check, waiting for an earlier
 * message this one answers, and the attachments' files. A message that makes no ticket is settled here.
 */
async function prepareMessage(
  ctx: Context,
  work: InboundEmailWork,
  raw: RawEmailRow | undefined,
  settings: InboundEmailSettings,
  earlierInBatch: readonly ReadyMessage[],
): Promise<ReadyMessage | { outcome: InboundOutcome }> {
  if (!raw)
    return {
      outcome: { status: "failed", reason: `no stored email ${work.rawEmailId}`, ticketNumber: null },
    };
  if (raw.status === "processed" || raw.status === "ignored") {
    return {
      outcome: {
        status: raw.status,
        reason: raw.status_reason ?? "",
        ticketNumber: raw.ticket_id ? await ticketNumberOf(ctx, raw.ticket_id) : null,
      },
    };
  }
  let email: ParsedEmail;
  try {
    email = await parseEmail(raw.raw);
  } catch (error) {
    const reason =
      error instanceof UnprocessableEmailError ? error.message : `unparseable: ${errorText(error)}`;
    return { outcome: await recordUnthreaded(ctx, raw, { status: "failed", reason }) };
  }
  const noise = noiseReason(
    { ...email.noise, nullSender: raw.mail_from === null },
    settings.supportAddresses,
  );
  if (noise) {
    // An auto-reply or bounce answering our mail names it in its headers: kept with that ticket.
    const bounced = email.deliveryReport
      ? await recordBounce(ctx, email.deliveryReport, maxReferencedIds)
      : undefined;
    const concerns =
      bounced ?? (await findTicketIdOfMessages(ctx.db, email.referencedIds.slice(-maxReferencedIds)));
    return {
      outcome: await recordUnthreaded(ctx, raw, {
        status: "ignored",
        reason: noise,
        messageId: email.messageId,
        ...(concerns ? { ticketId: concerns } : {}),
      }),
    };
  }

  // What it answers earlier in this batch is threaded before it, in the same transaction.
  const inBatch = new Set(earlierInBatch.map((message) => message.raw.message_id));
  await awaitEarlierMessages(
    ctx,
    raw,
    email.referencedIds.slice(-maxReferencedIds).filter((id) => !inBatch.has(id)),
  );

  try {
    return { work, raw, email, files: await storeAttachmentFiles(ctx, email, settings) };
  } catch (error) {
    // The disk, not the message: the job retries. Recorded as failed too, so a disk full for longer
    // than the job's attempts leaves the message on the admins' list to process again, not stuck.
    ctx.logger.error(
      { err: error, rawEmailId: raw.id },
      "attachments of an inbound email could not be stored",
    );
    await recordUnthreaded(ctx, raw, {
      status: "failed",
      reason: `attachments could not be stored: ${errorText(error)}`,
      messageId: email.messageId,
    });
    throw error;
  }
}

/**
 * Threads the messages in one transaction. Should the transaction itself fail (the disk filled,
 * which ends a SQLite transaction; the connection was lost), each message is tried again alone, so
 * one message's failure cannot keep the others from their tickets.
 */
async function threadMessages(
  ctx: Context,
  messages: readonly ReadyMessage[],
  settings: InboundEmailSettings,
): Promise<InboundResult[]> {
  if (messages.length === 0) return [];
  try {
    return await inTransaction(ctx, async (tx) => {
      const batch: Context = { ...tx, batchReads: new Map() };
      const results: InboundResult[] = [];
      for (const message of messages) results.push(await threadInSavepoint(batch, message, settings));
      return results;
    });
  } catch (error) {
    if (messages.length > 1) {
      const results: InboundResult[] = [];
      for (const message of messages) results.push(...(await threadMessages(ctx, [message], settings)));
      return results;
    }
    const [message] = messages as [ReadyMessage];
    try {
      await recordUnthreaded(ctx, message.raw, {
        status: "failed",
        reason: errorText(error),
        messageId: message.email.messageId,
      });
    } catch (recordError) {
      ctx.logger.warn({ err: recordError, rawEmailId: message.raw.id }, "could not record the failure");
    }
    return [{ retry: asError(error) }];
  }
}

async function threadInSavepoint(
  tx: Context,
  message: ReadyMessage,
  settings: InboundEmailSettings,
): Promise<InboundResult> {
  try {
    const outcome = await inSavepoint(tx, async (unit) => {
      const threaded = await threadIntoTicket(unit, message.raw, message.email, settings, message.files);
      await message.work.commitsWithTicket?.(unit);
      return threaded;
    });
    return { outcome };
  } catch (error) {
    if (error instanceof TransactionLostError) throw error;
    // Recorded for the admins' list either way. A refusal no retry can change (invalid, forbidden,
    // not found) is final until an admin reprocesses; anything else is tried again.
    const reason = errorText(error);
    await recordUnthreaded(tx, message.raw, { status: "failed", reason, messageId: message.email.messageId });
    if (error instanceof DomainError && !(error instanceof ConflictError))
      return { outcome: { status: "failed", reason, ticketNumber: null } };
    return { retry: asError(error) };
  }
}

/** Files a message that made no ticket as ignored or failed, with the reason. */
async function recordUnthreaded(
  ctx: Context,
  raw: RawEmailRow,
  unthreaded: { status: "ignored" | "failed"; reason: string; messageId?: string | null; ticketId?: string },
): Promise<InboundOutcome> {
  const { status, reason, messageId, ticketId } = unthreaded;
  await updateRawEmailStatus(ctx.db, raw.id, {
    status,
    reason,
    at: ctx.clock.now().toISOString(),
    ...(messageId !== undefined ? { messageId } : {}),
    ...(ticketId ? { ticketId } : {}),
  });
  ctx.logger.info({ rawEmailId: raw.id, status, reason }, "inbound email made no ticket");
  return { status, reason, ticketNumber: ticketId ? await ticketNumberOf(ctx, ticketId) : null };
}

async function threadIntoTicket(
  tx: Context,
  raw: RawEmailRow,
  email: ParsedEmail,
  settings: InboundEmailSettings,
  files: StoredFiles,
): Promise<InboundOutcome> {
  const now = tx.clock.now().toISOString();
  const body = [email.replyText || "(empty message)", files.notice].filter(Boolean).join("\n\n");
  // Without a Message-ID the stored bytes name the message: the same bytes are stored only once.
  const messageId = email.messageId ?? `<${raw.sha256}@inbound.tend.invalid>`;
  const known = await findEmailMessageByMessageId(tx.db, messageId);
  if (known) {
    const reason = `duplicate of ${messageId}, already on ticket #${await ticketNumberOf(tx, known.ticket_id)}`;
    await updateRawEmailStatus(tx.db, raw.id, {
      status: "ignored",
      reason,
      at: now,
      messageId,
      ticketId: known.ticket_id,
    });
    return { status: "ignored", reason, ticketNumber: null };
  }

  const sender = await findOrCreateCustomer(tx, email.from.address, email.from.name ?? undefined);
  // The sender's organization may show each customer only their own tickets: mail follows the
  // same scope as the portal, so a reply to a colleague's thread does not land on it.
  const senderOrganization = sender.organization_id
    ? await findOrganizationById(tx.db, sender.organization_id)
    : undefined;
  // Mail from a deactivated person is still taken (mail must not be lost) but carries no standing:
  // it acts as a customer of no organization, so it threads onto tickets they requested or opens
  // one, and a deactivated agent's address neither answers as staff nor forwards for a customer.
  const senderActor: Actor = sender.deactivated_at
    ? { kind: "person", personId: sender.id, role: "customer", organizationId: null }
    : {
        kind: "person",
        personId: sender.id,
        role: sender.role as "customer" | "agent" | "admin",
        organizationId: sender.organization_id,
        ...(senderOrganization
          ? { ticketVisibility: senderOrganization.customer_ticket_visibility as CustomerTicketVisibility }
          : {}),
      };
  // Tickets the sender may answer only as a follower (outside its organization): their answer is
  // written on the ticket, which they still may not read (`tickets/ticket-followers.ts`).
  const answerableAsFollower = new Set<number>();
  const candidate = async (found: TicketListRow | undefined): Promise<ThreadCandidate | null> => {
    let ticket = found;
    // A closed ticket's conversation goes on in its follow-up: without this, every further reply
    // to the old thread would open one more follow-up.
    for (let hop = 0; ticket?.status === "closed" && hop < maxFollowUpHops; hop += 1) {
      const followUpId = await findLatestFollowUpId(tx.db, threadingScope, ticket.id);
      if (!followUpId) break;
      ticket = await findTicketById(tx.db, threadingScope, followUpId);
    }
    if (!ticket) return null;
    if (canViewTicket(senderActor, ticket)) return { ticketNumber: ticket.number, senderMayReply: true };
    const follower =
      ticket.status !== "closed" && (await isFollowing(tx.db, threadingScope, ticket.id, sender.id));
    if (follower) answerableAsFollower.add(ticket.number);
    return { ticketNumber: ticket.number, senderMayReply: follower };
  };

  const referencedTicketId = await findTicketIdOfMessages(
    tx.db,
    email.referencedIds.slice(-maxReferencedIds),
  );
  const plusNumber = plusAddressedTicket([...JSON.parse(raw.rcpt_to), ...email.to, ...email.cc], settings);
  const tagNumber = ticketNumberInSubject(email.subject);
  const decision = decideThread({
    headers: referencedTicketId
      ? await candidate(await findTicketById(tx.db, threadingScope, referencedTicketId))
      : null,
    plus_address: plusNumber
      ? await candidate(await findTicketByNumber(tx.db, threadingScope, plusNumber))
      : null,
    subject_tag: tagNumber
      ? await candidate(await findTicketByNumber(tx.db, threadingScope, tagNumber))
      : null,
  });

  // Whom the sender put on To or Cc follows the ticket: the sender chose to share the thread with
  // them, and only a sender allowed on this ticket gets here. Known people by address, anyone else
  // a new customer as an unknown sender would be. They get the public replies by mail on Cc;
  // following grants no access (`tickets/ticket-followers.ts`).
  const followersBesides = async (requesterEmail: string): Promise<NewFollower[]> => {
    const followers: NewFollower[] = [];
    for (const recipient of followersFromRecipients(email.recipients, {
      supportAddresses: settings.supportAddresses,
      sender: email.from.address,
      requester: requesterEmail,
    })) {
      const person = await findOrCreateCustomer(tx, recipient.address, recipient.name ?? undefined);
      followers.push({ personId: person.id, source: "email" });
    }
    return followers;
  };

  let ticketId: string;
  let ticketNumber: number;
  let commentId: string;
  if (decision.kind === "reply") {
    // The sender's own public reply: the tickets module reopens Pending or Solved and turns a reply
    // to a Closed ticket into a linked follow-up, exactly as for a reply in the portal.
    const result = await addComment({
      ctx: withActor(tx, senderActor, "email"),
      number: decision.ticketNumber,
      input: { body },
      asFollower: answerableAsFollower.has(decision.ticketNumber),
    });
    ({ id: ticketId, number: ticketNumber } = result.ticket);
    commentId = result.comment.id;
    await followTicket(tx, ticketId, await followersBesides(result.ticket.requester.email));
  } else {
    // An agent forwarding a customer's mail into the support address means "this is theirs": the
    // ticket is the original sender's, and its history names the agent who brought it in.
    const original =
      isStaff(senderActor) &&
      email.forwardedOriginal &&
      !supportRecipient(email.forwardedOriginal.from.address, settings.supportAddresses)
        ? email.forwardedOriginal
        : null;
    const requester = original
      ? await findOrCreateCustomer(tx, original.from.address, original.from.name ?? undefined)
      : sender;
    const opened = await openTicket(
      withActor(tx, systemActor("inbound email"), "email"),
      {
        subject:
          (original ? original.subject?.trim() || withoutForwardPrefix(email.subject) : email.subject) ||
          "(no subject)",
        body: original
          ? [original.text || "(empty message)", files.notice].filter(Boolean).join("\n\n")
          : body,
        requesterId: requester.id,
        channel: "email",
        followers: await followersBesides(requester.email),
      },
      requester,
    );
    ({ id: ticketId, number: ticketNumber } = opened.ticket);
    commentId = opened.commentId;
    if (original) {
      await insertTicketEvents(tx.db, [
        eventRow(withActor(tx, senderActor, "email"), ticketId, now, {
          kind: "email_forwarded",
          from: sender.email,
          to: requester.email,
          reason: `Forwarded into the support address by ${sender.name} <${sender.email}>`,
        }),
      ]);
    }
  }

  await insertAttachments(
    tx.db,
    files.stored.map((file) => ({
      id: newId(),
      ticket_id: ticketId,
      comment_id: commentId,
      filename: file.filename,
      content_type: file.contentType,
      size_bytes: file.size,
      sha256: file.sha256,
      inline: file.inline ? 1 : 0,
      content_id: file.contentId,
      created_at: now,
    })),
  );
  await insertEmailMessage(tx.db, {
    id: newId(),
    direction: "inbound",
    message_id: messageId,
    ticket_id: ticketId,
    comment_id: commentId,
    raw_email_id: raw.id,
    from_address: email.from.address,
    from_name: email.from.name,
    to_addresses: JSON.stringify(email.to),
    cc_addresses: JSON.stringify(email.cc),
    subject: email.subject,
    in_reply_to: email.inReplyTo,
    reference_ids: JSON.stringify(email.references),
    body_text: email.fullText,
    body_html: email.html,
    delivery_state: null,
    delivery_answer: null,
    sent_at: null,
    created_at: now,
  });
  const reason =
    decision.kind === "reply" ? `threaded by ${decision.clue.replace("_", " ")}` : decision.reason;
  await updateRawEmailStatus(tx.db, raw.id, { status: "processed", reason, at: now, messageId, ticketId });
  tx.logger.info({ rawEmailId: raw.id, ticket: ticketNumber, reason }, "inbound email processed");
  return { status: "processed", reason, ticketNumber };
}

interface StoredFiles {
  stored: Array<{
    filename: string;
    contentType: string;
    size: number;
    sha256: string;
    inline: boolean;
    contentId: string | null;
  }>;
  /** Names the parts over the limits, for the comment; null when every part was kept. */
  notice: string | null;
}

/**
 * Writes the message's attachments to the store before the transaction that names them: a file
 * is durable before its row commits, so no committed row points at a missing file. A crash in
 * between leaves a file no row names, which a retry of the same message reuses (same sha256).
 */
async function storeAttachmentFiles(
  ctx: Context,
  email: ParsedEmail,
  settings: InboundEmailSettings,
): Promise<StoredFiles> {
  const named = email.attachments.map((part) => ({ ...part, filename: sanitizeFilename(part.filename) }));
  const { kept, notice } = admitAttachments(named, settings.maxAttachmentBytes ?? defaultMaxAttachmentBytes);
  if (kept.length === 0) return { stored: [], notice };
  const dir = attachmentsDirOf(ctx);
  const stored: StoredFiles["stored"] = [];
  for (const part of kept) {
    stored.push({
      filename: part.filename,
      contentType: part.contentType,
      size: part.size,
      sha256: await writeAttachmentFile(dir, part.content),
      inline: part.inline,
      contentId: part.contentId,
    });
  }
  return { stored, notice };
}

function plusAddressedTicket(recipients: string[], settings: InboundEmailSettings): number | null {
  for (const recipient of recipients) {
    const number = supportRecipient(recipient, settings.supportAddresses)?.ticketNumber;
    if (number) return number;
  }
  return null;
}

async function ticketNumberOf(ctx: Context, ticketId: string): Promise<number> {
  const ticket = await findTicketById(ctx.db, threadingScope, ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
  return ticket.number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
