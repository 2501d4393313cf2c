import type { Context } from "../../shared/context.js";
import { attachmentsOfComments } from "../attachments/attachment-repository.js";
import { attachmentFilePath, attachmentsDirOf } from "../attachments/attachment-store.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { deliverMail, failureAnswer, newMessageId } from "./deliver-mail.js";
import { plusAddress } from "./email-addresses.js";
import {
  assignOutboundMessageId,
  findEmailMessageById,
  listTicketEmailMessages,
  updateOutboundDelivery,
} from "./email-repository.js";
import { filesForMail, leftOutNotice } from "./mail-attachments.js";
import { escapeHtml, type TicketMailKind, ticketLink, ticketMail } from "./notification-templates.js";

export interface OutboundEmailSettings {
  supportAddresses: readonly string[];
  /** null: no worker takes `email.send-outbound` jobs; mail waits queued for one that has a relay. */
  relayUrl: string | null;
  mailFrom: string;
  /** TEND_PUBLIC_URL: the links in mail lead to the web app there. */
  publicUrl: string;
}

const sendingScope = systemScope("outbound mail for a ticket's requester");
// Clients thread on the last few ids; a long thread's full list would only grow every header.
const maxReferences = 20;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function directionOrder(mail: { direction: string }): number {
  return mail.direction === "inbound" ? 0 : 1;
}

/**
 * The `email.send-outbound` job: renders one queued ticket mail (`notification-templates.ts`, by
 * its kind) and sends it through the relay with the thread's headers (Message-ID, In-Reply-To,
 * References, the `[#1042]` subject tag, Reply-To the plus-address), recording the relay's answer.
 * A 5xx is final ("failed"); anything else stays "queued" and the job retries with backoff.
 */
export async function sendOutboundEmail(
  ctx: Context,
  emailMessageId: string,
  settings: OutboundEmailSettings & { relayUrl: string },
): Promise<void> {
  const message = await findEmailMessageById(ctx.db, emailMessageId);
  // Sent and failed are final. A worker dying between the relay's 250 and the update below leaves
  // the mail queued: the retry sends it again under the same Message-ID, which clients show once.
  if (message?.direction !== "outbound" || message.delivery_state !== "queued") return;
  const ticket = await findTicketById(ctx.db, sendingScope, message.ticket_id);
  if (!ticket) return;
  const requester = await findPersonById(ctx.db, ticket.requester_id);
  const [to] = JSON.parse(message.to_addresses) as string[];
  if (!to) throw new Error(`outbound mail ${message.id} has no recipient`);
  const cc = JSON.parse(message.cc_addresses) as string[];

  await assignOutboundMessageId(ctx.db, message.id, newMessageId(settings.mailFrom));
  const messageId = (await findEmailMessageById(ctx.db, message.id))?.message_id;
  if (!messageId) throw new Error(`outbound mail ${message.id} lost its Message-ID`);
  const earlier = (await listTicketEmailMessages(ctx.db, sendingScope, ticket.id))
    .filter(
      (mail) => mail.id !== message.id && mail.message_id !== null && mail.created_at <= message.created_at,
    )
    // A new ticket's acknowledgement is queued in the same instant as the mail that opened it is
    // recorded: on a tie the customer's mail came first.
    .sort((a, b) => compareText(a.created_at, b.created_at) || directionOrder(a) - directionOrder(b))
    .map((mail) => ({ messageId: mail.message_id as string, direction: mail.direction }));
  const references = earlier.map((mail) => mail.messageId).slice(-maxReferences);
  // The customer's latest mail is what this answers; without one, the thread's latest.
  const inReplyTo =
    earlier.filter((mail) => mail.direction === "inbound").at(-1)?.messageId ?? references.at(-1) ?? null;
  const supportAddress = settings.supportAddresses[0];

  const link = ticketLink(settings.publicUrl, "customer", ticket.number);
  const kind = (message.kind ?? "reply") as TicketMailKind;
  const files = message.comment_id
    ? ((await attachmentsOfComments(ctx.db, sendingScope, [message.comment_id])).get(message.comment_id) ??
      [])
    : [];
  const { attached, leftOut } = filesForMail(files.map((file) => ({ ...file, sizeBytes: file.size_bytes })));
  const notice = leftOutNotice(leftOut, link);
  const rendered = ticketMail({
    kind,
    ticket: { number: ticket.number, subject: ticket.subject },
    comment: {
      text: notice ? `${message.body_text}\n\n${notice}` : message.body_text,
      html: notice ? `${message.body_html}<p>${escapeHtml(notice)}</p>` : message.body_html,
    },
    link,
  });
  try {
    const outcome = await deliverMail(settings.relayUrl, {
      ...rendered,
      messageId,
      from: settings.mailFrom,
      to: { name: requester?.name ?? "", address: to },
      cc,
      ...(supportAddress ? { replyTo: plusAddress(supportAddress, ticket.number) } : {}),
      inReplyTo,
      references,
      attachments: attached.map((file) => ({
        filename: file.filename,
        contentType: file.content_type,
        path: attachmentFilePath(attachmentsDirOf(ctx), file.sha256),
      })),
    });
    await updateOutboundDelivery(ctx.db, message.id, {
      state: outcome.state,
      answer: outcome.answer,
      ...(outcome.state === "sent"
        ? {
            sentAt: ctx.clock.now().toISOString(),
            fromAddress: settings.mailFrom,
            inReplyTo,
            referenceIds: references,
          }
        : {}),
    });
    if (outcome.state === "sent")
      ctx.logger.info({ ticket: ticket.number, messageId, kind }, "ticket mail sent");
    else
      ctx.logger.warn({ ticket: ticket.number, answer: outcome.answer }, "ticket mail refused by the relay");
  } catch (error) {
    await updateOutboundDelivery(ctx.db, message.id, { state: "queued", answer: failureAnswer(error) });
    throw error;
  }
}
