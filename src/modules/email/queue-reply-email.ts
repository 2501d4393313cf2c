import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { findPersonById } from "../identity/person-repository.js";
import { taggedSubject } from "./email-addresses.js";
import { insertEmailMessage } from "./email-repository.js";

export const sendOutboundEmailJob = "email.send-outbound";

export interface ReplyToEmail {
  ticket: { id: string; number: number; subject: string; channel: string; requester_id: string };
  comment: { id: string; bodyText: string; bodyHtml: string };
}

/**
 * Called by `addComment`, inside its transaction, for an agent's public reply: on a ticket that
 * came by email the reply goes back by email. The outbound row (delivery state "queued") and its
 * send job commit with the comment or not at all — the job table is the outbox.
 */
export async function queueReplyEmail(ctx: Context, reply: ReplyToEmail): Promise<void> {
  if (reply.ticket.channel !== "email") return;
  const requester = await findPersonById(ctx.db, reply.ticket.requester_id);
  if (!requester) return;
  const id = newId();
  await insertEmailMessage(ctx.db, {
    id,
    direction: "outbound",
    // The Message-ID, From and threading headers are settled by the first send attempt, which
    // knows the configured From and sees the thread as it stands then.
    message_id: null,
    ticket_id: reply.ticket.id,
    comment_id: reply.comment.id,
    raw_email_id: null,
    from_address: "",
    from_name: null,
    to_addresses: JSON.stringify([requester.email]),
    cc_addresses: JSON.stringify([]),
    subject: taggedSubject(`Re: ${reply.ticket.subject.replace(/^(re:\s*)+/i, "")}`, reply.ticket.number),
    in_reply_to: null,
    reference_ids: JSON.stringify([]),
    body_text: reply.comment.bodyText,
    body_html: reply.comment.bodyHtml,
    delivery_state: "queued",
    delivery_answer: null,
    sent_at: null,
    created_at: ctx.clock.now().toISOString(),
  });
  await enqueueJob(ctx, sendOutboundEmailJob, { emailMessageId: id });
}
