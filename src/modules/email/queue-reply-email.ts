import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { listFollowerRows } from "../tickets/ticket-follower-repository.js";
import { insertEmailMessage } from "./email-repository.js";
import { type TicketMailKind, ticketMailSubject } from "./notification-templates.js";

export const sendOutboundEmailJob = "email.send-outbound";

export interface TicketEmail {
  ticket: { id: string; number: number; subject: string; channel: string; requester_id: string };
  comment: { id: string; bodyText: string; bodyHtml: string };
  /** The requester's address, when the caller has just read it: not read again. */
  requester?: { email: string };
  /** The followers' addresses, when the caller knows them (a ticket opened with none): not read. */
  followerEmails?: readonly string[];
}

/**
 * Called by `addComment`, inside its transaction, for an agent's public reply: on a ticket that
 * came by email the reply goes back by email.
 */
export function queueReplyEmail(ctx: Context, reply: TicketEmail): Promise<void> {
  return queueTicketEmail(ctx, "reply", reply);
}

/**
 * Called by the closed-hours acknowledgement, inside `createTicket`'s transaction: the requester of
 * a ticket that came by email gets the acknowledgement in their thread.
 */
export function queueAcknowledgementEmail(ctx: Context, acknowledgement: TicketEmail): Promise<void> {
  return queueTicketEmail(ctx, "acknowledgement", acknowledgement);
}

// The comment was authorized by the use case queueing it; its followers are whom it goes to.
const followersScope = systemScope("the followers a public reply is mailed to");

/**
 * Queues a comment as mail to the ticket's requester when the ticket came by email, with the
 * ticket's followers on Cc as they stand when it is written (as an email client fixes its
 * recipients when the reply is sent). The outbound row (delivery state "queued") and its send job
 * commit with the comment or not at all — the job table is the outbox. The send job renders it with
 * the template of its kind. Only public mail comes here: internal notes never reach a follower.
 */
async function queueTicketEmail(ctx: Context, kind: TicketMailKind, mail: TicketEmail): Promise<void> {
  if (mail.ticket.channel !== "email") return;
  const requester = mail.requester ?? (await findPersonById(ctx.db, mail.ticket.requester_id));
  if (!requester) return;
  const followers = (
    mail.followerEmails ??
    (await listFollowerRows(ctx.db, followersScope, mail.ticket.id)).map((follower) => follower.email)
  ).filter((address) => address !== requester.email);
  const id = newId();
  await insertEmailMessage(ctx.db, {
    id,
    direction: "outbound",
    kind,
    // The Message-ID, From and threading headers are settled by the first send attempt, which
    // knows the configured From and sees the thread as it stands then.
    message_id: null,
    ticket_id: mail.ticket.id,
    comment_id: mail.comment.id,
    raw_email_id: null,
    from_address: "",
    from_name: null,
    to_addresses: JSON.stringify([requester.email]),
    cc_addresses: JSON.stringify(followers),
    subject: ticketMailSubject(mail.ticket),
    in_reply_to: null,
    reference_ids: JSON.stringify([]),
    body_text: mail.comment.bodyText,
    body_html: mail.comment.bodyHtml,
    delivery_state: "queued",
    delivery_answer: null,
    sent_at: null,
    created_at: ctx.clock.now().toISOString(),
  });
  await enqueueJob(ctx, sendOutboundEmailJob, { emailMessageId: id });
}
