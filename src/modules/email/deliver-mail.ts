import { newId } from "../../shared/ids.js";
import { onFirstUse } from "../../shared/on-first-use.js";
import type { RenderedMail } from "./notification-templates.js";

/** One mail ready for the relay: rendered, addressed, with its threading headers when it has a thread. */
export interface OutgoingMail extends RenderedMail {
  messageId: string;
  from: string;
  to: { name: string; address: string };
  /** The ticket's followers: one mail, so every client threads it and reply-all keeps them all. */
  cc?: string[];
  replyTo?: string;
  inReplyTo?: string | null;
  references?: string[];
  /** Files from the attachment store, streamed from disk as the mail is sent. */
  attachments?: Array<{ filename: string; contentType: string; path: string }>;
  /** Headers of Tend's own making (List-Unsubscribe), each folded to one line here. */
  headers?: Record<string, string>;
}

/** The relay's verdict: sent with its answer, or refused for good (5xx) with its answer. */
export type DeliveryOutcome = { state: "sent" | "failed"; answer: string };

/** A header value on one line: a CR or LF in a name or subject would let its author add headers. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ").trim();
}

/** The domain mail is sent from (`mailFrom` may be `Name <addr>`), for the Message-IDs Tend writes. */
export function mailDomainOf(mailFrom: string): string {
  return mailFrom.slice(mailFrom.lastIndexOf("@") + 1).replace(/>$/, "");
}

/** A fresh Message-ID on the domain mail is sent from. */
export function newMessageId(mailFrom: string): string {
  return `<${newId()}@${mailDomainOf(mailFrom)}>`;
}

/** Imported with the first mail sent: a process that sends none (web or SMTP alone, an idle desk) does not carry it. */
const loadNodemailer = onFirstUse(() => import("nodemailer"));

/**
 * Hands one mail to the relay with nodemailer — the one place every kind of outbound mail passes,
 * so every header Tend writes from people's input is folded to one line here. A 5xx is final; any
 * other failure is thrown for the job to retry with backoff.
 */
export async function deliverMail(relayUrl: string, mail: OutgoingMail): Promise<DeliveryOutcome> {
  const { default: nodemailer } = await loadNodemailer();
  const transport = nodemailer.createTransport(relayUrl);
  try {
    const info = await transport.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      to: { name: oneLine(mail.to.name), address: mail.to.address },
      ...(mail.cc && mail.cc.length > 0 ? { cc: mail.cc } : {}),
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      subject: oneLine(mail.subject),
      text: mail.text,
      html: mail.html,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references && mail.references.length > 0 ? { references: mail.references } : {}),
      ...(mail.attachments && mail.attachments.length > 0 ? { attachments: mail.attachments } : {}),
      ...(mail.headers
        ? { headers: Object.fromEntries(Object.entries(mail.headers).map(([k, v]) => [k, oneLine(v)])) }
        : {}),
    });
    return { state: "sent", answer: info.response };
  } catch (error) {
    const { responseCode, response } = error as { responseCode?: number; response?: string };
    if (responseCode === undefined || responseCode < 500) throw error;
    return { state: "failed", answer: response ?? (error instanceof Error ? error.message : String(error)) };
  } finally {
    transport.close();
  }
}

/** What a transient failure said, for the delivery state while the job retries. */
export function failureAnswer(error: unknown): string {
  const { response } = error as { response?: string };
  return response ?? (error instanceof Error ? error.message : String(error));
}
