import EmailReplyParser from "email-reply-parser";
import type { AddressObject, HeaderValue, ParsedMail, SimpleParserOptions } from "mailparser";
import { onFirstUse } from "../../shared/on-first-use.js";
import { htmlToText, maxCommentLength, sanitizeCommentHtml } from "../tickets/comment-body.js";
import { type DeliveryReport, readDeliveryReport } from "./delivery-report.js";
import { attachedMessage, type ForwardedOriginal, findInlineForward } from "./forwarded-message.js";
import type { NoiseSignals } from "./loop-detection.js";

/** An inbound message reduced to what threading and the ticket need; plain values only. */
export interface ParsedEmail {
  messageId: string | null;
  inReplyTo: string | null;
  /** In-Reply-To and References together, deduplicated: any of them may be ours. */
  referencedIds: string[];
  references: string[];
  from: { address: string; name: string | null };
  to: string[];
  cc: string[];
  /** To and Cc with their display names, in header order: who may become a follower. */
  recipients: Array<{ address: string; name: string | null }>;
  subject: string;
  /** The whole message as text, quoted history included. */
  fullText: string;
  /** The HTML part, sanitized; empty when the message had none. */
  html: string;
  /** What the ticket shows: the new reply, without quoted history and signature. */
  replyText: string;
  /** The message inside a forward (attached or inline); the caller decides whether it counts. */
  forwardedOriginal: ForwardedOriginal | null;
  /** A delivery status notification's content (multipart/report; report-type=delivery-status). */
  deliveryReport: DeliveryReport | null;
  /** Attachments and inline images, in message order, with their decoded bytes. */
  attachments: InboundAttachment[];
  /** The header signals; `nullSender` comes from the envelope, which the caller knows. */
  noise: Omit<NoiseSignals, "nullSender">;
}

export interface InboundAttachment {
  /** As the sender's client named it; sanitized before it is stored. */
  filename: string | null;
  contentType: string;
  content: Buffer;
  size: number;
  /** Part of a multipart/related body: an image the HTML shows. */
  inline: boolean;
  contentId: string | null;
}

/** A message Tend cannot turn into a ticket however often it tries; stored as failed with the reason. */
export class UnprocessableEmailError extends Error {}

function addresses(
  field: AddressObject | AddressObject[] | undefined,
): Array<{ address: string; name: string }> {
  const groups = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return groups
    .flatMap((group) => group.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((entry) => entry.address?.includes("@"))
    .map((entry) => ({ address: (entry.address as string).toLowerCase(), name: entry.name }));
}

function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.join(", ");
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && "value" in value) return String(value.value);
  return String(value);
}

function contentTypeParts(value: HeaderValue | undefined): {
  type: string | null;
  reportType: string | null;
} {
  if (value && typeof value === "object" && "value" in value && "params" in value) {
    const params = value.params as Record<string, string | undefined>;
    return { type: String(value.value).toLowerCase(), reportType: params["report-type"] ?? null };
  }
  return { type: headerText(value)?.toLowerCase() ?? null, reportType: null };
}

const messageIdPattern = /<[^<>\s]+>/g;

function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(" ") : (value ?? "");
  return text.match(messageIdPattern) ?? [];
}

const replyParserInputLimit = 32 * 1024;

/** The reply without quoted history and signature, within what one comment may hold. */
function visibleReply(fullText: string): string {
  // The parser's time grows faster than linearly: a 750 KB quote (the corpus's email_long_quote)
  // held a worker for minutes. The reply sits at the top, so its head is all the parser needs.
  const head = fullText.slice(0, replyParserInputLimit);
  const parsed = new EmailReplyParser().parseReply(head).trim();
  // Nothing stripped from the head: the reply may run past it, so it is the whole text.
  const reply = parsed && parsed !== head.trim() ? parsed : fullText.trim();
  if (reply.length <= maxCommentLength) return reply;
  const notice = "\n\n[Truncated: the whole message is kept with the email.]";
  return reply.slice(0, maxCommentLength - notice.length) + notice;
}

/**
 * mailparser and its charset tables weigh about 20 MB in memory: loaded with the first message a
 * process parses, so a web-only process, or one that never receives mail, does without them.
 */
async function simpleParser(raw: Buffer, options: SimpleParserOptions): Promise<ParsedMail> {
  return (await mailparser()).simpleParser(raw, options);
}

const mailparser = onFirstUse(() => import("mailparser"));

/** An attached original ("forward as attachment") first, else one forwarded inline in the text. */
async function forwardedOriginal(raw: Buffer, fullText: string): Promise<ForwardedOriginal | null> {
  const attached = attachedMessage(raw);
  if (attached) {
    const original = await simpleParser(attached, { skipHtmlToText: true });
    const [from] = addresses(original.from);
    if (from) {
      const html = original.html ? sanitizeCommentHtml(original.html) : "";
      return {
        from: { address: from.address, name: from.name || null },
        subject: original.subject ?? null,
        text: visibleReply(original.text ? original.text.replace(/\r\n/g, "\n").trim() : htmlToText(html)),
      };
    }
  }
  const inline = findInlineForward(fullText);
  return inline ? { ...inline, text: visibleReply(inline.text) } : null;
}

/**
 * Parses raw MIME with mailparser (every charset and transfer encoding it knows; an HTML-only
 * message gets its text from the HTML). Throws `UnprocessableEmailError` for what no retry can fix.
 */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  // Text of an HTML-only message comes from the sanitized HTML, not mailparser's conversion, which
  // would spell out every link, `javascript:` and tracking pixel included.
  // keepDeliveryStatus: a bounce's status part comes as a part of its own, to be read, not as text.
  const mail = await simpleParser(raw, { skipHtmlToText: true, keepDeliveryStatus: true });
  const [from] = addresses(mail.from);
  if (!from) throw new UnprocessableEmailError("the message has no From address");
  const html = mail.html ? sanitizeCommentHtml(mail.html) : "";
  const fullText = mail.text ? mail.text.replace(/\r\n/g, "\n").trim() : htmlToText(html);
  const [messageId] = messageIds(mail.messageId);
  const [inReplyTo] = messageIds(mail.inReplyTo);
  const references = messageIds(mail.references);
  const contentType = contentTypeParts(mail.headers.get("content-type"));
  const referencedIds = [...new Set([...(inReplyTo ? [inReplyTo] : []), ...references])];
  const isDeliveryReport =
    contentType.type === "multipart/report" && contentType.reportType === "delivery-status";
  return {
    messageId: messageId ?? null,
    inReplyTo: inReplyTo ?? null,
    referencedIds,
    references,
    from: { address: from.address, name: from.name || null },
    to: addresses(mail.to).map((entry) => entry.address),
    cc: addresses(mail.cc).map((entry) => entry.address),
    recipients: [...addresses(mail.to), ...addresses(mail.cc)].map((entry) => ({
      address: entry.address,
      name: entry.name || null,
    })),
    subject: (mail.subject ?? "").replace(/[\r\n]+/g, " ").trim(),
    fullText,
    html,
    replyText: visibleReply(fullText),
    deliveryReport: isDeliveryReport ? readDeliveryReport(mail.attachments, referencedIds) : null,
    forwardedOriginal: isDeliveryReport ? null : await forwardedOriginal(raw, fullText),
    attachments: mail.attachments.map((part) => ({
      filename: part.filename ?? null,
      contentType: part.contentType || "application/octet-stream",
      content: part.content,
      size: part.content.length,
      inline: part.related === true,
      contentId: part.cid ?? null,
    })),
    noise: {
      from: from.address,
      autoSubmitted: headerText(mail.headers.get("auto-submitted")),
      precedence: headerText(mail.headers.get("precedence")),
      xAutoreply: headerText(mail.headers.get("x-autoreply")),
      xAutorespond: headerText(mail.headers.get("x-autorespond")),
      contentType: contentType.type,
      reportType: contentType.reportType,
    },
  };
}
