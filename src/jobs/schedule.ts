import {
  sweepOrphanAttachmentFiles,
  sweepOrphanAttachmentFilesJob,
} from "../modules/attachments/sweep-orphan-files.js";
import {
  type ImapMailboxSettings,
  pollImapMailbox,
  pollImapMailboxJob,
} from "../modules/email/poll-imap-mailbox.js";
import { type InboundEmailSettings, processInboundEmail } from "../modules/email/process-inbound-email.js";
import { sendOutboundEmailJob } from "../modules/email/queue-reply-email.js";
import { type OutboundEmailSettings, sendOutboundEmail } from "../modules/email/send-outbound-email.js";
import { processInboundEmailJob } from "../modules/email/store-inbound-email.js";
import { scanTicketHealth } from "../modules/health/scan-ticket-health.js";
import {
  sendSignInLink,
  sendSignInLinkJob,
  sweepExpiredSignInLinks,
} from "../modules/identity/sign-in-link.js";
import { sendUnlockEmail, sendUnlockEmailJob } from "../modules/identity/unlock-by-email.js";
import { announceHandoffs, announceHandoffsJob } from "../modules/oncall/announce-handoffs.js";
import { prepareDebriefs, prepareDebriefsJob } from "../modules/oncall/handoff-preparation.js";
import {
  type MailSupportLeadPayload,
  mailSupportLead,
  mailSupportLeadJob,
} from "../modules/oncall/mail-support-lead.js";
import { firePagingTrigger } from "../modules/paging/fire-paging-trigger.js";
import {
  escalatePage,
  escalatePageJob,
  notifyPagedPerson,
  notifyPagedPersonJob,
  pageLinkLifetimeMs,
  postPageToChat,
  postPageToChatJob,
} from "../modules/paging/page-escalation.js";
import { notifyPersonWebhook, notifyPersonWebhookJob } from "../modules/paging/page-webhook-delivery.js";
import {
  type FirePagingTriggerPayload,
  firePagingTriggerJob,
} from "../modules/paging/queue-paging-triggers.js";
import { type PageNews, replyInSlack, replyInSlackJob } from "../modules/paging/slack-replies.js";
import { applyRawEmailRetention, applyRetentionPolicies } from "../modules/privacy/retention.js";
import { scanSlaClocks } from "../modules/sla/sla-scan.js";
import { applyStatusRetention } from "../modules/status/record-check-result.js";
import { autoCloseSolvedTickets, autoSolvePendingTickets } from "../modules/tickets/lifecycle-rules.js";
import { DAY, MINUTE, SECOND } from "../shared/clock.js";
import type { JobRunner } from "./job-runner.js";

/**
 * Every job kind Tend runs, and the recurring ones with their intervals. A new timer goes here.
 * The email jobs need the support addresses; a runner built without them (tests of other
 * capabilities) leaves email jobs queued.
 */
export function registerJobs(
  runner: JobRunner,
  settings: {
    email?: OutboundEmailSettings & InboundEmailSettings;
    imap?: (ImapMailboxSettings & { pollSeconds: number }) | null;
  } = {},
): JobRunner {
  const { email, imap } = settings;
  // A recurring job rather than a poller per process: the schedule enqueues one poll per interval
  // however many schedulers run, one worker claims it, and the mailbox lease keeps a slow poll
  // from overlapping the next one.
  if (imap) {
    runner
      .register(pollImapMailboxJob, async (ctx) => {
        await pollImapMailbox(ctx, imap);
      })
      .every({ name: pollImapMailboxJob, kind: pollImapMailboxJob, intervalMs: imap.pollSeconds * SECOND });
  }
  if (email) {
    runner
      .register(processInboundEmailJob, async (ctx, payload, job) => {
        const { rawEmailId } = payload as { rawEmailId: string };
        await processInboundEmail(ctx, rawEmailId, email, (db) => job.markSucceededIn(db));
      })
      .register(sendUnlockEmailJob, async (ctx, payload) => {
        const { personId } = payload as { personId: string };
        await sendUnlockEmail(ctx, personId, email);
      })
      .register(sendSignInLinkJob, async (ctx, payload) => {
        const { personId } = payload as { personId: string };
        await sendSignInLink(ctx, personId, email);
      })
      // Needs no relay, only the public URL its links lead to.
      .register(notifyPersonWebhookJob, async (ctx, payload, job) => {
        const delivery = payload as { pageId: string; personId: string; step: string };
        await notifyPersonWebhook(
          ctx,
          delivery,
          { publicUrl: email.publicUrl, linkLifetimeMs: pageLinkLifetimeMs },
          job,
        );
      });
  }
  // Without a relay this process leaves ticket mail queued (jobs and delivery state) rather than
  // spending its attempts: a worker started with TEND_SMTP_RELAY_URL sends all of it.
  const relayUrl = email?.relayUrl;
  if (email && relayUrl) {
    runner
      .register(sendOutboundEmailJob, async (ctx, payload) => {
        const { emailMessageId } = payload as { emailMessageId: string };
        await sendOutboundEmail(ctx, emailMessageId, { ...email, relayUrl });
      })
      .register(mailSupportLeadJob, async (ctx, payload, job) => {
        await mailSupportLead(ctx, payload as MailSupportLeadPayload, { ...email, relayUrl }, job);
      })
      .register(notifyPagedPersonJob, async (ctx, payload, job) => {
        const notification = payload as { pageId: string; personId: string; step: string };
        await notifyPagedPerson(ctx, notification, { ...email, relayUrl }, job);
      });
  }
  return (
    runner
      .register("tickets.auto-solve-pending", async (ctx) => {
        const solved = await autoSolvePendingTickets(ctx);
        if (solved > 0) ctx.logger.info({ solved }, "pending tickets solved after 5 days of silence");
      })
      .register("tickets.auto-close-solved", async (ctx) => {
        const closed = await autoCloseSolvedTickets(ctx);
        if (closed > 0) ctx.logger.info({ closed }, "solved tickets closed after 4 days");
      })
      .register("sla.scan", async (ctx) => {
        const { recomputed, warned } = await scanSlaClocks(ctx);
        if (recomputed + warned > 0) ctx.logger.info({ recomputed, warned }, "SLA clocks fell due");
      })
      .register("tickets.health-scan", async (ctx) => {
        const { raised, cleared } = await scanTicketHealth(ctx);
        if (raised + cleared > 0) ctx.logger.info({ raised, cleared }, "ticket health flags changed");
      })
      .register("privacy.retention", async (ctx) => {
        const { deleted, anonymized } = await applyRetentionPolicies(ctx);
        if (deleted + anonymized > 0) ctx.logger.info({ deleted, anonymized }, "retention policies applied");
        const rawEmails = await applyRawEmailRetention(ctx);
        if (rawEmails > 0) ctx.logger.info({ rawEmails }, "raw mail past its retention deleted");
        const signInLinks = await sweepExpiredSignInLinks(ctx);
        if (signInLinks > 0) ctx.logger.info({ signInLinks }, "expired sign-in links deleted");
      })
      .register(firePagingTriggerJob, async (ctx, payload, job) => {
        await firePagingTrigger(ctx, payload as FirePagingTriggerPayload, job, {
          publicUrl: email?.publicUrl,
        });
      })
      .register(escalatePageJob, async (ctx, payload, job) => {
        await escalatePage(ctx, payload as { pageId: string; step: number }, job);
      })
      .register(replyInSlackJob, async (ctx, payload, job) => {
        await replyInSlack(ctx, payload as { pageId: string; news: PageNews }, job);
      })
      .register(postPageToChatJob, async (ctx, payload, job) => {
        await postPageToChat(ctx, payload as { pageId: string; personIds: string[]; step: string }, job);
      })
      .register(announceHandoffsJob, async (ctx) => {
        const { announced, failed } = await announceHandoffs(ctx);
        if (announced + failed > 0) ctx.logger.info({ announced, failed }, "on-call handoffs announced");
      })
      .register(prepareDebriefsJob, async (ctx) => {
        const { prepared, leadNotified } = await prepareDebriefs(ctx);
        if (prepared + leadNotified > 0)
          ctx.logger.info({ prepared, leadNotified }, "handoff debriefs swept");
      })
      .register("status.retention", async (ctx) => {
        const swept = await applyStatusRetention(ctx);
        if (Object.values(swept).some((count) => count > 0))
          ctx.logger.info(swept, "status measurements past their retention deleted");
      })
      .register(sweepOrphanAttachmentFilesJob, async (ctx) => {
        const sweep = await sweepOrphanAttachmentFiles(ctx);
        ctx.logger.info(sweep, "attachment store swept of files no row names");
      })
      // Breaches and warnings land within this interval of their instant.
      .every({ name: "sla.scan", kind: "sla.scan", intervalMs: 15 * SECOND })
      .every({ name: "tickets.auto-solve-pending", kind: "tickets.auto-solve-pending", intervalMs: MINUTE })
      .every({ name: "tickets.auto-close-solved", kind: "tickets.auto-close-solved", intervalMs: MINUTE })
      // Health flags go up within a minute of the deadline they mark.
      .every({ name: "tickets.health-scan", kind: "tickets.health-scan", intervalMs: MINUTE })
      // A handoff reaches the support channel within a minute.
      .every({ name: announceHandoffsJob, kind: announceHandoffsJob, intervalMs: MINUTE })
      // A day's lead time and a 2-business-hour allowance: 5 minutes late is still on time.
      .every({ name: prepareDebriefsJob, kind: prepareDebriefsJob, intervalMs: 5 * MINUTE })
      // Retention counts in months: once a day is prompt enough, and each run only finds what fell due.
      .every({ name: "privacy.retention", kind: "privacy.retention", intervalMs: DAY })
      .every({ name: sweepOrphanAttachmentFilesJob, kind: sweepOrphanAttachmentFilesJob, intervalMs: DAY })
      // Raw check results are kept 7 days, rollups 400: a day late costs nothing.
      .every({ name: "status.retention", kind: "status.retention", intervalMs: DAY })
  );
}
