import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, mailDomainOf } from "../email/deliver-mail.js";
import { escapeHtml, ticketLink } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "../identity/person-repository.js";
import type { NotifyByEmailPayload } from "./perform-action.js";

/**
 * The `automations.notify-by-email` job (relay only): the automation's message, rendered when it ran,
 * to one staff member, with a link to the ticket. The Message-ID is the run's and the person's, the
 * same on every attempt, so a retry after a lost answer is one message to mail clients. Someone
 * deactivated since is skipped.
 */
export async function notifyByEmail(
  ctx: Context,
  payload: NotifyByEmailPayload,
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<boolean> {
  const person = await findPersonById(ctx.db, payload.personId);
  let sent = false;
  if (person && person.deactivated_at === null) {
    const link = ticketLink(settings.publicUrl, "agent", payload.ticketNumber);
    const domain = mailDomainOf(settings.mailFrom);
    const delivery = await deliverMail(settings.relayUrl, {
      subject: payload.subject,
      text: `${payload.body}\n\n${link}\n`,
      html: `<p>${escapeHtml(payload.body).replaceAll("\n", "<br>")}</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
      messageId: `<automation-${payload.runId}.${person.id}@${domain}>`,
      from: settings.mailFrom,
      to: { name: person.name, address: person.email },
    });
    sent = delivery.state === "sent";
    if (!sent)
      ctx.logger.warn({ ...payload, answer: delivery.answer }, "the relay refused an automation's mail");
  }
  await inTransaction(ctx, (tx) => job.markSucceededIn(tx));
  return sent;
}
