import type { EmailMessageRow, RawEmailStatus, RawEmailSummaryRow } from "./email-repository.js";

/** An inbound message as admins see it in the list of what arrived and what became of it. */
export interface InboundEmailView {
  id: string;
  sha256: string;
  sizeBytes: number;
  mailFrom: string | null;
  rcptTo: string[];
  remoteAddress: string | null;
  receivedAt: string;
  status: RawEmailStatus;
  reason: string | null;
  messageId: string | null;
  ticketNumber: number | null;
  processedAt: string | null;
}

export function presentInboundEmail(row: RawEmailSummaryRow): InboundEmailView {
  return {
    id: row.id,
    sha256: row.sha256,
    sizeBytes: row.size_bytes,
    mailFrom: row.mail_from,
    rcptTo: JSON.parse(row.rcpt_to) as string[],
    remoteAddress: row.remote_address,
    receivedAt: row.received_at,
    status: row.status as RawEmailStatus,
    reason: row.status_reason,
    messageId: row.message_id,
    ticketNumber: row.ticket_number,
    processedAt: row.processed_at,
  };
}

export type DeliveryState = "queued" | "sent" | "failed";

/** Where an outbound mail stands: queued, sent, or failed with the relay's answer. */
export interface EmailDeliveryView {
  state: DeliveryState;
  answer: string | null;
  sentAt: string | null;
}

export function presentDelivery(row: EmailMessageRow): EmailDeliveryView | null {
  return row.delivery_state
    ? { state: row.delivery_state as DeliveryState, answer: row.delivery_answer, sentAt: row.sent_at }
    : null;
}

/** One mail of a ticket's thread; for outbound mail, where its delivery stands. */
export interface TicketEmailView {
  id: string;
  direction: "inbound" | "outbound";
  messageId: string | null;
  commentId: string | null;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The whole message as text, quoted history and signature included (the comment shows the reply alone). */
  bodyText: string;
  delivery: EmailDeliveryView | null;
  createdAt: string;
}

export function presentTicketEmail(row: EmailMessageRow): TicketEmailView {
  return {
    id: row.id,
    direction: row.direction as TicketEmailView["direction"],
    messageId: row.message_id,
    commentId: row.comment_id,
    from: row.from_address,
    to: JSON.parse(row.to_addresses) as string[],
    cc: JSON.parse(row.cc_addresses) as string[],
    subject: row.subject,
    bodyText: row.body_text,
    delivery: presentDelivery(row),
    createdAt: row.created_at,
  };
}
