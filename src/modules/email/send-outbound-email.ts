import nodemailer from "nodemailer";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { plusAddress } from "./email-addresses.js";
import {
  assignOutboundMessageId,
  findEmailMessageById,
  listTicketEmailMessages,
  updateOutboundDelivery,
} from "./email-repository.js";

export interface OutboundEmailSettings {
  supportAddresses: readonly string[];
  /** null: nothing is sent, mail waits in the queue saying so. */
  relayUrl: string | null;
  mailFrom: string;
}

const sendingScope = systemScope("outbound mail for a ticket's requester");
// Clients thread on the last few ids; a long thread's full list would only grow every header.
const maxReferences = 20;

/** A header value on one line: a CR or LF in a name would let its author add headers of their own. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).replace(/>$/, "");
}

/**
 * The `email.send-outbound` job: sends one queued mail through the relay with the thread's headers
 * (Message-ID, In-Reply-To, References, the `[#1042]` subject tag, Reply-To the plus-address) and
 * records the relay's answer. A 5xx is final ("failed"); anything else stays "queued" and the job
 * retries with backoff.
 */
export async function sendOutboundEmail(
  ctx: Context,
  emailMessageId: string,
  settings: OutboundEmailSettings,
): Promise<void> {
  const message = await findEmailMessageById(ctx.db, emailMessageId);
  // Sent and failed are final. A worker dying between the relay's 250 and the update below leaves
  // the mail queued: the retry sends it again under the same Message-ID, which clients show once.
  if (message?.direction !== "outbound" || message.delivery_state !== "queued") return;
  if (!settings.relayUrl) {
    await updateOutboundDelivery(ctx.db, message.id, {
      state: "queued",
      answer: "not sent: no relay configured (TEND_SMTP_RELAY_URL)",
    });
    return;
  }
  const ticket = await findTicketById(ctx.db, sendingScope, message.ticket_id);
  if (!ticket) return;
  const requester = await findPersonById(ctx.db, ticket.requester_id);
  const [to] = JSON.parse(message.to_addresses) as string[];
  if (!to) throw new Error(`outbound mail ${message.id} has no recipient`);

  await assignOutboundMessageId(ctx.db, message.id, `<${newId()}@${domainOf(settings.mailFrom)}>`);
  const messageId = (await findEmailMessageById(ctx.db, message.id))?.message_id;
  if (!messageId) throw new Error(`outbound mail ${message.id} lost its Message-ID`);
  const earlier = (await listTicketEmailMessages(ctx.db, sendingScope, ticket.id))
    .filter(
      (mail) => mail.id !== message.id && mail.message_id !== null && mail.created_at <= message.created_at,
    )
    .map((mail) => ({ messageId: mail.message_id as string, direction: mail.direction }));
  const references = earlier.map((mail) => mail.messageId).slice(-maxReferences);
  // The customer's latest mail is what this answers; without one, the thread's latest.
  const inReplyTo =
    earlier.filter((mail) => mail.direction === "inbound").at(-1)?.messageId ?? references.at(-1) ?? null;
  const supportAddress = settings.supportAddresses[0];

  const transport = nodemailer.createTransport(settings.relayUrl);
  try {
    const info = await transport.sendMail({
      messageId,
      from: settings.mailFrom,
      to: { name: oneLine(requester?.name ?? ""), address: to },
      ...(supportAddress ? { replyTo: plusAddress(supportAddress, ticket.number) } : {}),
      subject: oneLine(message.subject),
      text: message.body_text,
      html: message.body_html,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length > 0 ? { references } : {}),
    });
    await updateOutboundDelivery(ctx.db, message.id, {
      state: "sent",
      answer: info.response,
      sentAt: ctx.clock.now().toISOString(),
      fromAddress: settings.mailFrom,
      inReplyTo,
      referenceIds: references,
    });
    ctx.logger.info({ ticket: ticket.number, messageId }, "reply sent by email");
  } catch (error) {
    const { responseCode, response } = error as { responseCode?: number; response?: string };
    const answer = response ?? (error instanceof Error ? error.message : String(error));
    const permanent = responseCode !== undefined && responseCode >= 500;
    await updateOutboundDelivery(ctx.db, message.id, { state: permanent ? "failed" : "queued", answer });
    if (!permanent) throw error;
    ctx.logger.warn({ ticket: ticket.number, answer }, "reply refused by the relay");
  } finally {
    transport.close();
  }
}
