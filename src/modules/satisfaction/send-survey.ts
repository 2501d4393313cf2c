import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, newMessageId } from "../email/deliver-mail.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "../identity/person-repository.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { surveyLinkLifetimeMs, surveyOpenness } from "./csat-rules.js";
import { surveyLink, surveyMail } from "./satisfaction-mail.js";
import { findSurveyById, markSurveySent } from "./satisfaction-repository.js";

const surveyScope = systemScope("a survey mailed to a solved ticket's requester");

export type SurveySendOutcome =
  | "sent"
  | "refused"
  | "answered_already"
  | "sent_already"
  | "not_solved"
  | "no_requester";

/**
 * The `satisfaction.send-survey` job: mails the requester the two answer links. The token is made
 * here and only its hash is kept, set with the job's completion in one transaction; a mail that
 * failed in transit is retried with a new token (the first was never seen). A ticket reopened or
 * closed before the delay passed is not asked about a cycle that is over.
 */
export async function sendSurvey(
  ctx: Context,
  payload: { surveyId: string },
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<SurveySendOutcome> {
  const survey = await findSurveyById(ctx.db, payload.surveyId);
  let outcome: SurveySendOutcome;
  let sent: { tokenHash: string; expiresAt: string } | undefined;
  if (!survey) outcome = "not_solved";
  else if (survey.sent_at !== null) outcome = "sent_already";
  else if (survey.rating !== null) outcome = "answered_already";
  else {
    const now = ctx.clock.now();
    const ticket = await findTicketById(ctx.db, surveyScope, survey.ticket_id);
    const requester = await findPersonById(ctx.db, survey.requester_id);
    if (
      !ticket ||
      surveyOpenness(
        { solvedAt: survey.solved_at, tokenExpiresAt: null },
        { status: ticket.status, solvedAt: ticket.solved_at },
        now,
        "portal",
      ) !== null
    )
      outcome = "not_solved";
    else if (!requester || requester.deactivated_at !== null) outcome = "no_requester";
    else {
      const token = newSecret("");
      const expiresAt = new Date(now.getTime() + surveyLinkLifetimeMs);
      const delivery = await deliverMail(settings.relayUrl, {
        ...surveyMail({
          requesterName: requester.name,
          ticket: { number: ticket.number, subject: ticket.subject },
          goodLink: surveyLink(settings.publicUrl, token, "good"),
          badLink: surveyLink(settings.publicUrl, token, "bad"),
          expiresAt,
        }),
        messageId: newMessageId(settings.mailFrom),
        from: settings.mailFrom,
        to: { name: requester.name, address: requester.email },
      });
      if (delivery.state === "failed") {
        ctx.logger.warn({ surveyId: survey.id, answer: delivery.answer }, "the relay refused a CSAT survey");
        outcome = "refused";
      } else {
        outcome = "sent";
        sent = { tokenHash: hashSecret(token), expiresAt: expiresAt.toISOString() };
      }
    }
  }
  await inTransaction(ctx, async (tx) => {
    if (survey && sent) await markSurveySent(tx.db, survey.id, { at: tx.clock.now().toISOString(), ...sent });
    await job.markSucceededIn(tx);
  });
  return outcome;
}
