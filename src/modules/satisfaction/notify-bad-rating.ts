import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, mailDomainOf } from "../email/deliver-mail.js";
import { ticketLink } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPeopleByIds, findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { badRatingMail } from "./satisfaction-mail.js";
import { activeAdminIds, findSurveyById, groupAdminIds } from "./satisfaction-repository.js";

const notifyScope = systemScope("a Bad rating is told to the staff who answer for the ticket");

/**
 * Who hears of a Bad rating. Groups have no lead in Tend's schema, so the group's lead is its admin
 * members (admins lead the desk); a group without one, or a ticket without a group, falls to the
 * ticket's assignee; with neither, every active admin, so a Bad rating never goes unheard.
 */
export async function badRatingRecipients(
  ctx: Context,
  ticket: { group_id: string | null; assignee_id: string | null },
): Promise<string[]> {
  if (ticket.group_id) {
    const admins = await groupAdminIds(ctx.db, notifyScope, ticket.group_id);
    if (admins.length > 0) return admins;
  }
  if (ticket.assignee_id) {
    const assignee = await findPersonById(ctx.db, ticket.assignee_id);
    if (assignee && assignee.deactivated_at === null && assignee.role !== "customer") return [assignee.id];
  }
  return activeAdminIds(ctx.db, notifyScope);
}

/**
 * The `satisfaction.notify-bad-rating` job (relay only): one mail per recipient, each with a Message-ID
 * stable across attempts, so a retry after a partial send is one message to clients.
 */
export async function notifyBadRating(
  ctx: Context,
  payload: { surveyId: string },
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<number> {
  const survey = await findSurveyById(ctx.db, payload.surveyId);
  const ticket = survey ? await findTicketById(ctx.db, notifyScope, survey.ticket_id) : undefined;
  let mailed = 0;
  if (survey && ticket) {
    const requester = await findPersonById(ctx.db, survey.requester_id);
    const recipients = await findPeopleByIds(ctx.db, notifyScope, await badRatingRecipients(ctx, ticket));
    const domain = mailDomainOf(settings.mailFrom);
    for (const person of recipients) {
      const delivery = await deliverMail(settings.relayUrl, {
        ...badRatingMail({
          ticket: { number: ticket.number, subject: ticket.subject },
          requesterName: requester?.name ?? "The requester",
          comment: survey.comment,
          ticketLink: ticketLink(settings.publicUrl, "agent", ticket.number),
          reviewsLink: `${settings.publicUrl.replace(/\/$/, "")}/reviews`,
        }),
        messageId: `<csat-bad-${survey.id}.${person.id}@${domain}>`,
        from: settings.mailFrom,
        to: { name: person.name, address: person.email },
      });
      if (delivery.state === "sent") mailed += 1;
      else
        ctx.logger.warn(
          { surveyId: survey.id, answer: delivery.answer },
          "the relay refused a Bad-rating mail",
        );
    }
  }
  await inTransaction(ctx, async (tx) => job.markSucceededIn(tx));
  return mailed;
}
