import type { Migration } from "kysely";
import * as createIdentity from "./2026-11-23T0900-create-identity.js";
import * as createTickets from "./2026-11-23T0910-create-tickets.js";
import * as createJobs from "./2026-11-23T0920-create-jobs.js";
import * as createTicketSearch from "./2026-11-23T0930-create-ticket-search.js";
import * as seedDefaultGroups from "./2026-11-23T0940-seed-default-groups.js";
import * as createSla from "./2026-11-23T1000-create-sla.js";
import * as createTicketHealth from "./2026-11-23T1100-create-ticket-health.js";
import * as hardenAccounts from "./2026-11-23T1200-harden-accounts.js";
import * as createAuditLog from "./2026-11-23T1210-create-audit-log.js";
import * as twoFactor from "./2026-11-23T1220-two-factor.js";
import * as singleSignOn from "./2026-11-23T1230-single-sign-on.js";
import * as erasure from "./2026-11-23T1240-erasure.js";
import * as createEmail from "./2026-11-23T1300-create-email.js";
import * as attachments from "./2026-11-23T1310-attachments.js";
import * as unlockTokens from "./2026-11-23T1320-unlock-tokens.js";
import * as imapMailbox from "./2026-11-23T1330-imap-mailbox.js";
import * as ticketFollowers from "./2026-11-23T1350-ticket-followers.js";
import * as rawEmailRetention from "./2026-11-23T1400-raw-email-retention.js";
import * as ticketViews from "./2026-11-23T1420-ticket-views.js";
import * as imapOAuth2 from "./2026-11-23T1430-imap-oauth2.js";
import * as signInLinks from "./2026-11-23T1440-sign-in-links.js";
import * as customerTicketVisibility from "./2026-12-03T1450-customer-ticket-visibility.js";
import * as uploads from "./2026-12-03T1460-uploads.js";
import * as ticketNumberSequence from "./2026-12-03T1470-ticket-number-sequence.js";
import * as peopleDeactivation from "./2026-12-03T1480-people-deactivation.js";
import * as oncallSchedules from "./2026-12-03T1490-oncall-schedules.js";
import * as paging from "./2026-12-03T1495-paging.js";
import * as handoffDebriefs from "./2026-12-03T1497-handoff-debriefs.js";
import * as pagingTriggers from "./2026-12-04T1500-paging-triggers.js";
import * as pageChatAndPersonWebhooks from "./2026-12-04T1510-page-chat-and-person-webhooks.js";
import * as statusStore from "./2026-12-04T1600-status-store.js";
import * as statusIncidentsMaintenance from "./2026-12-04T1610-status-incidents-maintenance.js";
import * as statusIncidentResponse from "./2026-12-04T1620-status-incident-response.js";
import * as statusMaintenancePolicy from "./2026-12-04T1630-status-maintenance-policy.js";
import * as statusSubscriptions from "./2026-12-04T1640-status-subscriptions.js";
import * as statusPageSettings from "./2026-12-04T1650-status-page-settings.js";
import * as statusIncidentRules from "./2026-12-04T1660-status-incident-rules.js";
import * as statusIncidentPaging from "./2026-12-04T1670-status-incident-paging.js";
import * as csatAndCaseReviews from "./2026-12-04T1700-csat-and-case-reviews.js";
import * as knowledgeBase from "./2026-12-04T1710-knowledge-base.js";
import * as metricsIndexes from "./2026-12-04T1720-metrics-indexes.js";
import * as domainEventSubscriptions from "./2026-12-05T0800-domain-event-subscriptions.js";
import * as slaReportFacts from "./2026-12-05T0900-sla-report-facts.js";
import * as flowAndPeopleReportIndexes from "./2026-12-05T1000-flow-and-people-report-indexes.js";
import * as frequentQuestions from "./2026-12-05T1100-frequent-questions.js";
import * as outgoingWebhooks from "./2026-12-05T1200-outgoing-webhooks.js";
import * as engineeringEscalation from "./2026-12-05T1300-engineering-escalation.js";
import * as chat from "./2026-12-05T1400-chat.js";
import * as automations from "./2026-12-05T1500-automations.js";
import * as ticketQueueStatistics from "./2026-12-05T1600-ticket-queue-statistics.js";
import * as jobsDueByKind from "./2026-12-05T1700-jobs-due-by-kind.js";
import * as ticketSearchByTicketNumber from "./2026-12-05T1800-ticket-search-by-ticket-number.js";
import * as staffNotificationOptOuts from "./2026-12-06T1000-staff-notification-opt-outs.js";
import * as reportRollups from "./2026-12-07T1000-report-rollups.js";
import * as peopleReportRollup from "./2026-12-07T1100-people-report-rollup.js";
import * as ticketHistoryStatistics from "./2026-12-08T1000-ticket-history-statistics.js";
import * as reportFactsStaleOnUpdate from "./2026-12-08T1100-report-facts-stale-on-update.js";

/** Frozen, forward-only, applied in name order. Add new files here; never edit an applied one. */
export const migrations: Record<string, Migration> = {
  "2026-11-23T0900-create-identity": createIdentity,
  "2026-11-23T0910-create-tickets": createTickets,
  "2026-11-23T0920-create-jobs": createJobs,
  "2026-11-23T0930-create-ticket-search": createTicketSearch,
  "2026-11-23T0940-seed-default-groups": seedDefaultGroups,
  "2026-11-23T1000-create-sla": createSla,
  "2026-11-23T1100-create-ticket-health": createTicketHealth,
  "2026-11-23T1200-harden-accounts": hardenAccounts,
  "2026-11-23T1210-create-audit-log": createAuditLog,
  "2026-11-23T1220-two-factor": twoFactor,
  "2026-11-23T1230-single-sign-on": singleSignOn,
  "2026-11-23T1240-erasure": erasure,
  "2026-11-23T1300-create-email": createEmail,
  "2026-11-23T1330-imap-mailbox": imapMailbox,
  "2026-11-23T1310-attachments": attachments,
  "2026-11-23T1320-unlock-tokens": unlockTokens,
  "2026-11-23T1350-ticket-followers": ticketFollowers,
  "2026-11-23T1400-raw-email-retention": rawEmailRetention,
  "2026-11-23T1420-ticket-views": ticketViews,
  "2026-11-23T1430-imap-oauth2": imapOAuth2,
  "2026-11-23T1440-sign-in-links": signInLinks,
  "2026-12-03T1450-customer-ticket-visibility": customerTicketVisibility,
  "2026-12-03T1460-uploads": uploads,
  "2026-12-03T1470-ticket-number-sequence": ticketNumberSequence,
  "2026-12-03T1480-people-deactivation": peopleDeactivation,
  "2026-12-03T1490-oncall-schedules": oncallSchedules,
  "2026-12-03T1495-paging": paging,
  "2026-12-03T1497-handoff-debriefs": handoffDebriefs,
  "2026-12-04T1500-paging-triggers": pagingTriggers,
  "2026-12-04T1510-page-chat-and-person-webhooks": pageChatAndPersonWebhooks,
  "2026-12-04T1600-status-store": statusStore,
  "2026-12-04T1610-status-incidents-maintenance": statusIncidentsMaintenance,
  "2026-12-04T1630-status-maintenance-policy": statusMaintenancePolicy,
  "2026-12-04T1620-status-incident-response": statusIncidentResponse,
  "2026-12-04T1640-status-subscriptions": statusSubscriptions,
  "2026-12-04T1650-status-page-settings": statusPageSettings,
  "2026-12-04T1660-status-incident-rules": statusIncidentRules,
  "2026-12-04T1670-status-incident-paging": statusIncidentPaging,
  "2026-12-04T1700-csat-and-case-reviews": csatAndCaseReviews,
  "2026-12-04T1710-knowledge-base": knowledgeBase,
  "2026-12-04T1720-metrics-indexes": metricsIndexes,
  "2026-12-05T0800-domain-event-subscriptions": domainEventSubscriptions,
  "2026-12-05T0900-sla-report-facts": slaReportFacts,
  "2026-12-05T1000-flow-and-people-report-indexes": flowAndPeopleReportIndexes,
  "2026-12-05T1100-frequent-questions": frequentQuestions,
  "2026-12-05T1200-outgoing-webhooks": outgoingWebhooks,
  "2026-12-05T1300-engineering-escalation": engineeringEscalation,
  "2026-12-05T1400-chat": chat,
  "2026-12-05T1500-automations": automations,
  "2026-12-05T1600-ticket-queue-statistics": ticketQueueStatistics,
  "2026-12-05T1700-jobs-due-by-kind": jobsDueByKind,
  "2026-12-05T1800-ticket-search-by-ticket-number": ticketSearchByTicketNumber,
  "2026-12-06T1000-staff-notification-opt-outs": staffNotificationOptOuts,
  "2026-12-07T1000-report-rollups": reportRollups,
  "2026-12-07T1100-people-report-rollup": peopleReportRollup,
  "2026-12-08T1000-ticket-history-statistics": ticketHistoryStatistics,
  "2026-12-08T1100-report-facts-stale-on-update": reportFactsStaleOnUpdate,
};
