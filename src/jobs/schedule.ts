import {
  sweepOrphanAttachmentFiles,
  sweepOrphanAttachmentFilesJob,
} from "../modules/attachments/sweep-orphan-files.js";
import { notifyByEmail } from "../modules/automations/notify-by-email.js";
import { type NotifyByEmailPayload, notifyByEmailJob } from "../modules/automations/perform-action.js";
import { runAutomations, runAutomationsJob } from "../modules/automations/run-automations.js";
import { streamChatEventJob } from "../modules/chat/manage-chat-routes.js";
import { replyInChatThreadJob } from "../modules/chat/manage-connected-channels.js";
import { takeSlackMessageJob } from "../modules/chat/receive-slack-event.js";
import { replyInChatThread } from "../modules/chat/reply-in-chat-thread.js";
import type { SlackMessage } from "../modules/chat/slack-events.js";
import {
  type ChatSettings,
  deliverChatMessage,
  deliverChatMessageJob,
  streamChatEvent,
} from "../modules/chat/stream-ticket-events.js";
import { takeSlackMessage } from "../modules/chat/take-slack-message.js";
import {
  type ImapMailboxSettings,
  pollImapMailbox,
  pollImapMailboxJob,
} from "../modules/email/poll-imap-mailbox.js";
import { type InboundEmailSettings, processInboundEmails } from "../modules/email/process-inbound-email.js";
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
import {
  groupFrequentQuestions,
  groupFrequentQuestionsJob,
} from "../modules/knowledge/group-frequent-questions.js";
import { mailStaffNotice } from "../modules/notifications/mail-staff-notice.js";
import { mailStaffNoticeJob, type StaffNoticePayload } from "../modules/notifications/queue-staff-notice.js";
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
import { refreshReportRollups, refreshReportRollupsJob } from "../modules/reports/refresh-report-rollups.js";
import { notifyBadRating } from "../modules/satisfaction/notify-bad-rating.js";
import { sendSurveyJob } from "../modules/satisfaction/queue-survey.js";
import { notifyBadRatingJob } from "../modules/satisfaction/rate-ticket.js";
import { sendSurvey } from "../modules/satisfaction/send-survey.js";
import { scanSlaClocks } from "../modules/sla/sla-scan.js";
import { announceMaintenance, announceMaintenanceJob } from "../modules/status/announce-maintenance.js";
import {
  announceStatusChangeToSubscribers,
  deliverStatusMail,
  deliverStatusMailJob,
  deliverStatusWebhook,
  deliverStatusWebhookJob,
  type StatusDeliveryPayload,
} from "../modules/status/announce-status-change.js";
import {
  evaluateIncidentRules,
  evaluateIncidentRulesJob,
} from "../modules/status/evaluate-incident-rules.js";
import { applyStatusRetention } from "../modules/status/record-check-result.js";
import { announceStatusChangeJob, type StatusAnnouncement } from "../modules/status/status-announcements.js";
import {
  sendSubscriptionConfirmation,
  sendSubscriptionConfirmationJob,
} from "../modules/status/status-subscriptions.js";
import { compactSearchIndex, compactSearchIndexJob } from "../modules/tickets/compact-search-index.js";
import { autoCloseSolvedTickets, autoSolvePendingTickets } from "../modules/tickets/lifecycle-rules.js";
import {
  type DeliverWebhookPayload,
  deliverWebhook,
  deliverWebhookJob,
  fanOutWebhooks,
  mailEndpointDisabledJob,
} from "../modules/webhooks/deliver-webhooks.js";
import { mailEndpointDisabled } from "../modules/webhooks/endpoint-disabled-mail.js";
import { fanOutWebhooksJob } from "../modules/webhooks/manage-webhook-endpoints.js";
import type { WebhookTargetPolicy } from "../modules/webhooks/webhook-target.js";
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
    /** Where chat messages link and the Slack Web API base; without it chat jobs stay queued. */
    chat?: ChatSettings;
    /** Where outgoing webhooks may post; absent, public addresses and loopback only. */
    webhooks?: WebhookTargetPolicy;
  } = {},
): JobRunner {
  const { email, imap, chat } = settings;
  if (chat) {
    runner
      .register(streamChatEventJob, async (ctx, payload, job) => {
        await streamChatEvent(ctx, payload as { eventId: string }, job);
      })
      .register(deliverChatMessageJob, async (ctx, payload, job) => {
        await deliverChatMessage(ctx, payload as { eventId: string; routeId: string }, job, chat);
      })
      .register(takeSlackMessageJob, async (ctx, payload, job) => {
        await takeSlackMessage(ctx, payload as SlackMessage, job, chat);
      })
      .register(replyInChatThreadJob, async (ctx, payload, job) => {
        await replyInChatThread(ctx, payload as { eventId: string }, job, chat);
      });
  }
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
      .registerBatch(processInboundEmailJob, async (ctx, jobs) => {
        const results = await processInboundEmails(
          ctx,
          jobs.map((job) => ({
            rawEmailId: (job.payload as { rawEmailId: string }).rawEmailId,
            commitsWithTicket: (unit) => job.markSucceededIn(unit),
          })),
          email,
        );
        return new Map(
          results.flatMap((result, index) =>
            "retry" in result ? [[jobs[index]?.id ?? "", result.retry.message] as const] : [],
          ),
        );
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
  // Status announcements fan out and post to webhooks without a relay (their links need the public URL);
  // the mail deliveries they queue wait for a worker that has one.
  if (email) {
    runner
      .register(announceStatusChangeJob, async (ctx, payload, job) => {
        await announceStatusChangeToSubscribers(ctx, payload as StatusAnnouncement, email, job);
      })
      .register(deliverStatusWebhookJob, async (ctx, payload, job) => {
        await deliverStatusWebhook(ctx, payload as StatusDeliveryPayload, email, job);
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
      })
      .register(sendSubscriptionConfirmationJob, async (ctx, payload) => {
        const { subscriberId } = payload as { subscriberId: string };
        await sendSubscriptionConfirmation(ctx, subscriberId, { ...email, relayUrl });
      })
      .register(deliverStatusMailJob, async (ctx, payload, job) => {
        await deliverStatusMail(ctx, payload as StatusDeliveryPayload, { ...email, relayUrl }, job);
      })
      .register(sendSurveyJob, async (ctx, payload, job) => {
        await sendSurvey(ctx, payload as { surveyId: string }, { ...email, relayUrl }, job);
      })
      .register(notifyBadRatingJob, async (ctx, payload, job) => {
        await notifyBadRating(ctx, payload as { surveyId: string }, { ...email, relayUrl }, job);
      })
      .register(mailEndpointDisabledJob, async (ctx, payload, job) => {
        await mailEndpointDisabled(ctx, payload as { endpointId: string }, { ...email, relayUrl }, job);
      })
      .register(notifyByEmailJob, async (ctx, payload, job) => {
        await notifyByEmail(ctx, payload as NotifyByEmailPayload, { ...email, relayUrl }, job);
      })
      .register(mailStaffNoticeJob, async (ctx, payload, job) => {
        await mailStaffNotice(ctx, payload as StaffNoticePayload, { ...email, relayUrl }, job);
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
      .register(compactSearchIndexJob, async (ctx) => {
        const { steps, finished } = await compactSearchIndex(ctx);
        if (steps > 0) ctx.logger.info({ steps, finished }, "search index compacted");
      })
      .register(refreshReportRollupsJob, async (ctx) => {
        const { steps, remaining } = await refreshReportRollups(ctx);
        if (steps > 0) ctx.logger.debug({ steps, remaining }, "report rollups refreshed");
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
      .register(runAutomationsJob, async (ctx, payload, job) => {
        await runAutomations(ctx, payload as { eventId: string }, job);
      })
      .register(firePagingTriggerJob, async (ctx, payload, job) => {
        await firePagingTrigger(ctx, payload as FirePagingTriggerPayload, job, {
          publicUrl: email?.publicUrl,
        });
      })
      // Outgoing webhooks need no relay: only the disabling's mail to admins waits for one.
      .register(fanOutWebhooksJob, async (ctx, payload, job) => {
        await fanOutWebhooks(ctx, payload as { eventId: string }, job);
      })
      .register(deliverWebhookJob, async (ctx, payload, job) => {
        const policy = settings.webhooks ?? { allowPrivateNetworks: false };
        await deliverWebhook(ctx, payload as DeliverWebhookPayload, policy, job);
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
      .register(announceMaintenanceJob, async (ctx) => {
        const { started, ended } = await announceMaintenance(ctx);
        if (started + ended > 0) ctx.logger.info({ started, ended }, "maintenance windows announced");
      })
      .register(evaluateIncidentRulesJob, async (ctx) => {
        const { opened, suggested } = await evaluateIncidentRules(ctx);
        if (opened + suggested > 0) ctx.logger.info({ opened, suggested }, "incident rules evaluated");
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
      .register(groupFrequentQuestionsJob, async (ctx, payload) => {
        const { windowDays } = (payload ?? {}) as { windowDays?: number };
        const run = await groupFrequentQuestions(ctx, { windowDays });
        ctx.logger.info(run, "recent tickets grouped into frequent questions");
      })
      // Breaches and warnings land within this interval of their instant.
      .every({ name: "sla.scan", kind: "sla.scan", intervalMs: 15 * SECOND })
      .every({ name: "tickets.auto-solve-pending", kind: "tickets.auto-solve-pending", intervalMs: MINUTE })
      .every({ name: "tickets.auto-close-solved", kind: "tickets.auto-close-solved", intervalMs: MINUTE })
      // Each run is a quarter of a second of work at most; a day's new segments merge in a few runs.
      .every({ name: compactSearchIndexJob, kind: compactSearchIndexJob, intervalMs: MINUTE })
      // Reports read what is not rolled up yet live, so this only sets how much they read live: the
      // last minute's hours and days on a running desk. Not more often: a job every 10 s kept V8 from
      // ever seeing the process idle, and an idle 20,000-ticket desk then held 253 MB instead of 170.
      .every({ name: refreshReportRollupsJob, kind: refreshReportRollupsJob, intervalMs: MINUTE })
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
      // Frequent questions move over weeks: a daily grouping (under a minute for 50k tickets) is fresh enough.
      .every({ name: groupFrequentQuestionsJob, kind: groupFrequentQuestionsJob, intervalMs: DAY })
      // An outage the rules see becomes an incident within 15 seconds.
      .every({ name: evaluateIncidentRulesJob, kind: evaluateIncidentRulesJob, intervalMs: 15 * SECOND })
      // Subscribers hear a window started or ended within a minute.
      .every({ name: announceMaintenanceJob, kind: announceMaintenanceJob, intervalMs: MINUTE })
  );
}
