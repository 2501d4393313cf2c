import type { ClaimedJob } from "../../jobs/job-runner.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { deliverMail, mailDomainOf } from "../email/deliver-mail.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { type DebriefRow, findDebriefById, markLeadMailed } from "./handoff-repository.js";
import { findScheduleById } from "./oncall-repository.js";
import { peopleByIds } from "./read-schedules.js";
import { supportLeadMail } from "./support-lead-mail.js";

export const mailSupportLeadJob = "oncall.mail-support-lead";

export interface MailSupportLeadPayload {
  debriefId: string;
  acknowledgementDueAt: string;
}

/**
 * Called in the transaction that claims a debrief's lead notification (once per debrief, by
 * compare-and-set): queues the mail when the schedule names a support lead. The mail is a job of
 * its own, so a relay that is down retries the mail, not the sweep.
 */
export async function queueSupportLeadMail(
  tx: Context,
  debrief: Pick<DebriefRow, "id" | "schedule_id">,
  acknowledgementDueAt: Date,
): Promise<boolean> {
  const schedule = await findScheduleById(tx.db, debrief.schedule_id);
  if (!schedule?.support_lead_id) return false;
  await enqueueJob(tx, mailSupportLeadJob, {
    debriefId: debrief.id,
    acknowledgementDueAt: acknowledgementDueAt.toISOString(),
  } satisfies MailSupportLeadPayload);
  return true;
}

/** The same Message-ID on every attempt: a mail sent twice after a crash is one message to clients. */
function debriefMessageId(debriefId: string, mailFrom: string): string {
  const domain = mailDomainOf(mailFrom);
  return `<debrief-${debriefId}.support-lead@${domain}>`;
}

export type SupportLeadMailOutcome = "sent" | "refused" | "mailed_already" | "acknowledged" | "no_lead";

/**
 * The `oncall.mail-support-lead` job: mails the schedule's support lead (read now, so a lead
 * changed meanwhile gets it) with the debrief's link. `lead_mailed_at` is set with the job's
 * completion in one transaction, and a job finding it set sends nothing: a re-run mails once. A
 * debrief acknowledged before the mail left needs no chasing.
 */
export async function mailSupportLead(
  ctx: Context,
  payload: MailSupportLeadPayload,
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<SupportLeadMailOutcome> {
  const outcome = await send(ctx, payload, settings);
  if (outcome !== "sent") ctx.logger.info({ ...payload, outcome }, "support lead not mailed");
  await inTransaction(ctx, async (tx) => {
    if (outcome === "sent") await markLeadMailed(tx.db, payload.debriefId, tx.clock.now().toISOString());
    await job.markSucceededIn(tx);
  });
  return outcome;
}

async function send(
  ctx: Context,
  payload: MailSupportLeadPayload,
  settings: OutboundEmailSettings & { relayUrl: string },
): Promise<SupportLeadMailOutcome> {
  const debrief = await findDebriefById(ctx.db, payload.debriefId);
  if (!debrief) return "no_lead";
  if (debrief.lead_mailed_at !== null) return "mailed_already";
  if (debrief.acknowledged_at !== null) return "acknowledged";
  const schedule = await findScheduleById(ctx.db, debrief.schedule_id);
  const lead = schedule?.support_lead_id ? await findPersonById(ctx.db, schedule.support_lead_id) : undefined;
  if (!schedule || !lead || lead.role === "customer" || lead.deactivated_at !== null) return "no_lead";
  const people = await peopleByIds(
    ctx.db,
    systemScope("a debrief's engineers, named to their support lead"),
    [debrief.outgoing_person_id, debrief.incoming_person_id],
  );
  const nameOf = (id: string) => people.get(id)?.name ?? "A former staff member";
  const delivery = await deliverMail(settings.relayUrl, {
    ...supportLeadMail({
      scheduleName: schedule.name,
      timeZone: schedule.time_zone,
      outgoingName: nameOf(debrief.outgoing_person_id),
      incomingName: nameOf(debrief.incoming_person_id),
      handoffAt: new Date(debrief.handoff_at),
      acknowledgementDueAt: new Date(payload.acknowledgementDueAt),
      debriefLink: `${settings.publicUrl.replace(/\/$/, "")}/oncall/debriefs/${debrief.id}`,
    }),
    messageId: debriefMessageId(debrief.id, settings.mailFrom),
    from: settings.mailFrom,
    to: { name: lead.name, address: lead.email },
  });
  if (delivery.state === "failed") {
    ctx.logger.warn(
      { debriefId: debrief.id, answer: delivery.answer },
      "the relay refused the support lead's mail",
    );
    return "refused";
  }
  return "sent";
}
