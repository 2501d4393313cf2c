import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, mailDomainOf } from "../email/deliver-mail.js";
import { ticketLink } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findCommentRow, findTicketById } from "../tickets/ticket-repository.js";
import type { StaffNoticePayload } from "./queue-staff-notice.js";
import { hasOptedOut } from "./staff-notice-repository.js";
import { staffNoticeMail } from "./staff-notices.js";

const noticeScope = systemScope("an agent is told of a change on a ticket assigned to them");

/**
 * The `notifications.mail-staff-notice` job (relay only). Nothing is sent to someone deactivated, who
 * has turned these mails off, or who no longer holds the ticket (it moved on before the mail left):
 * the mail would be about someone else's work. Returns whether a mail was sent.
 */
export async function mailStaffNotice(
  ctx: Context,
  payload: StaffNoticePayload,
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<boolean> {
  const person = await findPersonById(ctx.db, payload.personId);
  const ticket = await findTicketById(ctx.db, noticeScope, payload.ticketId);
  const wanted =
    person !== undefined &&
    person.deactivated_at === null &&
    person.role !== "customer" &&
    ticket?.assignee_id === person.id &&
    !(await hasOptedOut(ctx.db, person.id));
  let sent = false;
  if (wanted && ticket) {
    const actor = payload.actorPersonId ? await findPersonById(ctx.db, payload.actorPersonId) : undefined;
    const comment = payload.commentId
      ? await findCommentRow(ctx.db, noticeScope, payload.commentId)
      : undefined;
    const delivery = await deliverMail(settings.relayUrl, {
      ...staffNoticeMail({
        kind: payload.kind,
        ticket: { number: ticket.number, subject: ticket.subject },
        actorName: actor?.name ?? "Tend",
        ...(comment ? { replyText: comment.body_text } : {}),
        ticketLink: ticketLink(settings.publicUrl, "agent", ticket.number),
      }),
      messageId: `<staff-notice-${payload.noticeId}@${mailDomainOf(settings.mailFrom)}>`,
      from: settings.mailFrom,
      to: { name: person.name, address: person.email },
    });
    sent = delivery.state === "sent";
    if (!sent)
      ctx.logger.warn({ ...payload, answer: delivery.answer }, "the relay refused an agent's notice");
  }
  await inTransaction(ctx, (tx) => job.markSucceededIn(tx));
  return sent;
}
