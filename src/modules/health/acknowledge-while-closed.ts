import { type Context, readOncePerBatch, withActor } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { queueAcknowledgementEmail } from "../email/queue-reply-email.js";
import { systemActor } from "../identity/actor.js";
import { commentBody } from "../tickets/comment-body.js";
import { unqualifiedReply } from "../tickets/reply-qualification.js";
import { eventRow } from "../tickets/ticket-events.js";
import { insertComment, insertTicketEvents } from "../tickets/ticket-repository.js";
import { closedHoursAcknowledgement } from "./closed-hours-acknowledgement.js";
import { automaticCommentChannel, findSettingsRow } from "./health-repository.js";
import { loadSupportCalendar } from "./health-rules-in-force.js";

/**
 * Acknowledges a ticket that arrives while support is closed with a public comment saying when support
 * opens next, mailed to the requester when the ticket came by email. Called by `createTicket` inside its transaction, so the ticket and its acknowledgement
 * commit together.
 *
 * The comment is written straight to the store, not through `addComment`: it must not move the ticket
 * from New to Open, must not count as the acknowledgement the end-of-day rule waits for, and must not
 * count as a response for the SLA clocks (not qualifying, and on the "system" channel, which the SLA
 * facts skip). Its timeline event has no actor: Tend did it, by rule.
 *
 * Nothing is sent when an agent or admin opens the ticket: someone from support is evidently there.
 */
export async function acknowledgeIfSupportClosed(
  ctx: Context,
  ticket: {
    id: string;
    number: number;
    subject: string;
    channel: string;
    status: string;
    created_at: string;
    requester_id: string;
  },
  /** The ticket's requester, as the ticket's own transaction read it. */
  requester: { name: string; email: string; time_zone: string | null },
  /** Known when the ticket is opened with no followers: the mail's Cc is then not read back. */
  followerEmails?: readonly string[],
): Promise<boolean> {
  if (ctx.actor.kind === "person" && ctx.actor.role !== "customer") return false;
  if (ticket.status !== "new") return false;
  const settings = await readOncePerBatch(ctx, "ticket health settings", () => findSettingsRow(ctx.db));
  const authorId = settings.closed_ack_author_id;
  if (settings.closed_ack_enabled !== 1 || authorId === null) return false;
  const { calendar } = await readOncePerBatch(ctx, `support calendar ${settings.calendar_id}`, () =>
    loadSupportCalendar(ctx.db, settings.calendar_id),
  );
  if (calendar === null) return false;

  const arrivedAt = new Date(ticket.created_at);
  if (calendar.isOpen(arrivedAt)) return false;
  const acknowledgement = closedHoursAcknowledgement({
    calendar,
    arrivedAt,
    template: settings.closed_ack_template,
    requester: { name: requester.name, timeZone: requester.time_zone },
  });
  if (acknowledgement === null) return false;

  const body = commentBody({ body: acknowledgement.text });
  const commentId = newId();
  await insertComment(ctx.db, {
    id: commentId,
    ticket_id: ticket.id,
    author_id: authorId,
    visibility: "public",
    channel: automaticCommentChannel,
    body_text: body.text,
    body_html: body.html,
    created_at: ticket.created_at,
    ...unqualifiedReply,
  });
  // A ticket that came by email is acknowledged in the requester's mail thread too.
  await queueAcknowledgementEmail(ctx, {
    ticket,
    comment: { id: commentId, bodyText: body.text, bodyHtml: body.html },
    requester,
    followerEmails,
  });
  // Not added to the search index: every ticket that arrived at night would match "away right now".
  const tend = withActor(ctx, systemActor("closed-hours acknowledgement"), "system");
  await insertTicketEvents(ctx.db, [
    eventRow(tend, ticket.id, ticket.created_at, {
      kind: "public_reply_added",
      to: commentId,
      reason: `Automatic acknowledgement: support was closed; it opens ${acknowledgement.nextOpenAt.toISOString()}`,
    }),
  ]);
  await recordAudit(tend, {
    action: "comment.added",
    targetType: "ticket",
    targetId: ticket.id,
    after: { commentId, visibility: "public", channel: automaticCommentChannel },
  });
  ctx.logger.info(
    { ticketId: ticket.id, nextOpenAt: acknowledgement.nextOpenAt },
    "acknowledged while closed",
  );
  return true;
}
