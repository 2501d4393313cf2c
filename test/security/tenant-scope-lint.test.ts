import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tenantTables } from "../../src/modules/identity/tenant-scope.js";
import { type UnscopedQuery, unscopedTenantQueries } from "./tenant-scope-lint.js";

/**
 * "Repository queries for tenant data always take the tenant scope, so forgetting it fails CI."
 * Every exported function of a `*-repository.ts` that reaches a tenant table (`tenantTables` in
 * src/modules/identity/tenant-scope.ts) must take a `TenantScope` parameter — which only the
 * actor (`tenantScopeOf`) or a visibly named `systemScope(reason)` can produce — or be listed below
 * with the reason it needs none. A new function missing from both fails here, naming itself.
 */

/**
 * Why a function may go without a scope. Writes are on the list on purpose: an insert or an update
 * keyed by an id reveals nothing, and the id was authorized before — its use case read the row
 * through a scoped query (or acts as the system). Putting a scope on them would only repeat a check.
 */
const write =
  "a write keyed by ids its use case already authorized (read through a scoped query, or acting as the system)";
const authentication = "authentication: resolves who is calling, before any actor (and so any scope) exists";
const healthSweep = "the ticket health sweep, a system job over every organization's tickets";
const slaTimers = "the SLA timers and bookkeeping, system work over every organization's clocks";
const staffUniqueness =
  "a uniqueness or existence check for staff and admins, answering yes/no or an id, never a customer's data";
const staffOnly =
  "staff-only: its only callers require staff or admin first, and a staff scope is everything";
const lookupById =
  "identity lookup by id or email for sign-in, audit and the identity policy (`canSeePerson`, " +
  "`canSeeOrganization`), which its callers apply; to be scoped once the concurrent identity work lands";
const inboundMail =
  "the inbound mail pipeline (a system job) and staff-only mail routes: no customer reaches it";
const outboundMail =
  "the outbound mail job (a system job), sending a reply whose comment was authorized when it was queued";
const erasure = "erasure and retention: admin-only or a system job, acting on every organization by design";
const backup = "backup: an operator's command that copies every table";
const slackEvents =
  "the Slack events job (a system job): the ticket a connected channel's thread belongs to, by the thread's ts, for its writer's comment, which addComment then authorizes";
const githubWebhook =
  "the GitHub webhook (no actor, verified by its HMAC signature): the tickets linked to the issue it reports on";
const metricsCounts =
  "the operator's /metrics scrape (token or loopback, no actor): desk-wide counts by status, metric or outcome, no row's content";

const allowList: Record<string, string> = {
  "tickets/ticket-repository.ts:insertTicket": write,
  "tickets/ticket-repository.ts:replaceTicketTags": write,
  "tickets/ticket-repository.ts:insertComment": write,
  "tickets/ticket-repository.ts:insertTicketEvents": write,
  "tickets/ticket-repository.ts:updateTicketIfVersion": write,
  "tickets/ticket-follower-repository.ts:insertFollowers": write,
  "tickets/ticket-follower-repository.ts:deleteFollower": write,
  "tickets/ticket-follower-repository.ts:countFollowingsOf": erasure,
  "tickets/ticket-follower-repository.ts:deleteFollowingsOf": erasure,

  "sla/sla-clock-repository.ts:saveTicketClocks": write,
  "sla/sla-clock-repository.ts:insertClockRows": write,
  "sla/sla-clock-repository.ts:markClockWarned": write,
  "sla/sla-clock-repository.ts:ticketsWithClocksDue": slaTimers,
  "sla/sla-clock-repository.ts:clocksToWarn": slaTimers,
  "sla/policy-repository.ts:listExceptionsInForce": slaTimers,
  "sla/policy-repository.ts:insertException": write,
  "sla/policy-repository.ts:deleteExceptionRow": write,
  "sla/policy-repository.ts:findExceptionById": staffOnly,
  "sla/policy-repository.ts:listExceptionRows": staffOnly,
  "sla/policy-repository.ts:calendarUsers": staffOnly,
  "sla/policy-repository.ts:existingOrganizationIds": staffUniqueness,

  "health/health-repository.ts:insertFlagOnce": write,
  "health/health-repository.ts:clearFlag": write,
  "health/health-repository.ts:activeFlagOf": healthSweep,
  "health/health-repository.ts:findFlagById": healthSweep,
  "health/health-repository.ts:unacknowledgedCandidates": healthSweep,
  "health/health-repository.ts:idleCandidates": healthSweep,
  "health/health-repository.ts:flagsWhoseConditionEnded": healthSweep,
  "health/health-repository.ts:findTicketForHealth": healthSweep,
  "health/health-repository.ts:acknowledgementInstants": healthSweep,
  "health/health-repository.ts:idleInstants": healthSweep,
  "health/health-repository.ts:silenceEndedAt": healthSweep,

  "identity/credential-repository.ts:findTokenHolder": authentication,
  "identity/credential-repository.ts:findSessionHolder": authentication,
  "identity/group-repository.ts:memberIdsByGroup": staffOnly,
  "demo/demo-repository.ts:deskHasOrganizationsOrTickets": staffUniqueness,
  "reports/people-repository.ts:listActiveStaff": staffOnly,
  // Notes which hours and days hold history (no row's content leaves the database), for a restore.
  "reports/rollup-repository.ts:rollUpAllHistoryAgain": backup,
  "reports/sla-report-repository.ts:clocksBehind": staffOnly,
  "reports/sla-report-repository.ts:ticketForFacts":
    "SLA bookkeeping: called inside a ticket change its caller was authorized for",
  "automations/automation-repository.ts:recentRunRows":
    "admins only: an automation's run log names the tickets it ran on",
  "automations/automation-repository.ts:activeStaffInGroup": staffOnly,
  "automations/automation-repository.ts:openTicketCounts":
    "counts per staff member for an automation's assignment; no ticket leaves it",
  "identity/person-repository.ts:insertPerson": write,
  "identity/person-repository.ts:updatePersonRow": write,
  "identity/person-repository.ts:findPersonById": lookupById,
  "identity/person-repository.ts:findPersonByEmail": lookupById,
  "identity/person-repository.ts:setPersonDeactivation": write,
  "identity/person-repository.ts:lockActiveAdminIds": staffUniqueness,
  "identity/organization-repository.ts:insertOrganization": write,
  "identity/organization-repository.ts:updateOrganizationRow": write,
  "identity/organization-repository.ts:findOrganizationById": lookupById,
  "identity/organization-repository.ts:findOrganizationIdByDomain": staffUniqueness,
  "identity/organization-repository.ts:domainsTakenElsewhere": staffUniqueness,
  "identity/organization-repository.ts:organizationNameTaken": staffUniqueness,

  "email/email-repository.ts:insertRawEmail": write,
  "email/email-repository.ts:insertRawEmailsWithJobs": write,
  "email/email-repository.ts:updateRawEmailStatus": write,
  "email/email-repository.ts:insertEmailMessage": write,
  "email/email-repository.ts:findRawEmails": inboundMail,
  "email/email-repository.ts:rawEmailExists": inboundMail,
  "email/email-repository.ts:findExistingRawEmailIds": inboundMail,
  "email/email-repository.ts:findRawEmailSummary": inboundMail,
  "email/email-repository.ts:listRawEmailSummaries": inboundMail,
  "email/email-repository.ts:findEmailMessageByMessageId": inboundMail,
  "email/email-repository.ts:findTicketIdOfMessages": inboundMail,
  "email/email-repository.ts:findEarlierUnprocessedMessage": inboundMail,
  "email/email-repository.ts:findEmailMessageById": outboundMail,
  "email/email-repository.ts:assignOutboundMessageId": write,
  "email/email-repository.ts:updateOutboundDelivery": write,
  "email/email-repository.ts:countMessagesFromSender": inboundMail,
  "email/email-repository.ts:findOutboundMessages": inboundMail,
  "attachments/attachment-repository.ts:insertAttachments": write,
  "attachments/attachment-repository.ts:deleteAttachmentRows": erasure,
  "attachments/attachment-repository.ts:countAttachmentRows": erasure,
  "attachments/attachment-repository.ts:unreferencedFiles":
    "after an erasure or retention run: which file hashes no row names any more, never a row's data",
  "attachments/upload-repository.ts:insertUpload": write,
  "attachments/upload-repository.ts:takeUploads":
    "keyed by the caller's own person id: a person reaches only their own uploads, narrower than any scope",
  "attachments/upload-repository.ts:deleteUnclaimedUploads":
    "the daily attachment sweep, a system job expiring every person's unclaimed uploads",
  "attachments/upload-repository.ts:countUploadsOf": erasure,
  "attachments/upload-repository.ts:deleteUploadsOf": erasure,

  // A debrief's items copy tenant data; every reader requires staff (list, read, prepare, notes,
  // completion, acknowledgement), and the writes are keyed by a debrief the use case just read.
  "oncall/handoff-repository.ts:insertDebriefOnce": write,
  "oncall/handoff-repository.ts:listDebriefItemRows": staffOnly,
  "oncall/handoff-repository.ts:listDebriefRows": staffOnly,
  "oncall/handoff-repository.ts:updateItemNotes": write,
  "oncall/handoff-repository.ts:setItemOutcome": write,
  "oncall/handoff-repository.ts:listItemsOfTickets": erasure,
  "oncall/handoff-repository.ts:replaceItemContent": erasure,

  // A page names its ticket by number only; pages are staff's, and a mailed link shows the title.
  "paging/paging-repository.ts:findPageById": staffOnly,
  "paging/paging-repository.ts:listPageRows": staffOnly,
  "status/incident-repository.ts:personNames": staffOnly,

  "metrics/metrics-repository.ts:countTicketsByStatusGroupSeverity": metricsCounts,
  "metrics/metrics-repository.ts:countSlaClocksByStateMetric": metricsCounts,
  "metrics/metrics-repository.ts:countInboundEmailsByStatus": metricsCounts,

  "privacy/privacy-repository.ts:ticketsRequestedBy": erasure,
  "privacy/privacy-repository.ts:commentsToErase": erasure,
  "privacy/privacy-repository.ts:commentsOfTickets": erasure,
  "privacy/privacy-repository.ts:contentEventsOfTickets": erasure,
  "privacy/privacy-repository.ts:tombstoneTicketSubjects": erasure,
  "privacy/privacy-repository.ts:tombstoneComments": erasure,
  "privacy/privacy-repository.ts:tombstoneTicketEvents": erasure,
  "privacy/privacy-repository.ts:searchDocumentsOf": erasure,
  "privacy/privacy-repository.ts:erasePersonProfile": erasure,
  "privacy/privacy-repository.ts:deleteTickets": erasure,
  "privacy/privacy-repository.ts:closedTicketsDue": erasure,
  "privacy/privacy-repository.ts:emailsConcerning": erasure,
  "privacy/privacy-repository.ts:tombstoneEmailMessages": erasure,
  "privacy/privacy-repository.ts:removeRecipient": erasure,
  "privacy/privacy-repository.ts:deleteRawEmails": erasure,
  "privacy/privacy-repository.ts:handledRawEmailsDue": erasure,
  "privacy/privacy-repository.ts:deleteEmailMessagesOfTickets": erasure,

  "backup/backup-repository.ts:searchSourcesAfter": backup,

  "chat/chat-repository.ts:findChatTicketByThread": slackEvents,

  "engineering/engineering-repository.ts:findTicketEngineering": staffOnly,
  "engineering/engineering-repository.ts:saveTicketEngineering": write,
  "engineering/engineering-repository.ts:ticketsLinkedToIssue": githubWebhook,
};

const modulesRoot = path.resolve(import.meta.dirname, "../../src/modules");

function unscopedRepositoryQueries(): Map<string, UnscopedQuery> {
  const found = new Map<string, UnscopedQuery>();
  const files = (readdirSync(modulesRoot, { recursive: true }) as string[])
    .filter((file) => file.endsWith("-repository.ts"))
    .map((file) => file.split(path.sep).join("/"));
  for (const file of files) {
    const source = readFileSync(path.join(modulesRoot, file), "utf8");
    for (const query of unscopedTenantQueries(file, source, tenantTables))
      found.set(`${file}:${query.name}`, query);
  }
  return found;
}

describe("the tenant scope lint", () => {
  const lint = (source: string) => unscopedTenantQueries("example-repository.ts", source, tenantTables);

  it("flags an exported query of a tenant table that takes no scope", () => {
    expect(
      lint(`export async function findTicket(db: DbExecutor, id: string) {
        return db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirst();
      }`),
    ).toEqual([{ name: "findTicket", tables: ["tickets"] }]);
  });

  it("sees aliases, joins, raw SQL, arrow functions and the helpers a function calls", () => {
    expect(
      lint(`
        function commentsOf(db: DbExecutor, id: string) {
          return db.selectFrom("comments as c").where("c.ticket_id", "=", id);
        }
        export async function listThread(db: DbExecutor, id: string) {
          return commentsOf(db, id).innerJoin("people", "people.id", "c.author_id").execute();
        }
        export const countEvents = (db: DbExecutor) => sql\`select count(*) from ticket_events\`.execute(db);
      `),
    ).toEqual([
      { name: "listThread", tables: ["comments", "people"] },
      { name: "countEvents", tables: ["ticket_events"] },
    ]);
  });

  it("passes a function that takes a scope, and one that touches no tenant table", () => {
    expect(
      lint(`
        export async function findTicket(db: DbExecutor, scope: TenantScope, id: string) {
          return db.selectFrom("tickets").selectAll().where("id", "=", id).executeTakeFirst();
        }
        export async function findCalendar(db: DbExecutor, id: string) {
          return db.selectFrom("business_calendars").selectAll().where("id", "=", id).executeTakeFirst();
        }
        function unexportedHelper(db: DbExecutor) {
          return db.selectFrom("tickets");
        }
      `),
    ).toEqual([]);
  });

  it("finds no repository function reading tenant data without a scope, beyond the reviewed list", () => {
    const unlisted = [...unscopedRepositoryQueries()]
      .filter(([key]) => !(key in allowList))
      .map(([key, query]) => `${key} reaches ${query.tables.join(", ")}: take a TenantScope parameter`);
    expect(unlisted).toEqual([]);
  });

  it("keeps the list to functions that exist and still go without a scope", () => {
    const found = unscopedRepositoryQueries();
    expect(Object.keys(allowList).filter((key) => !found.has(key))).toEqual([]);
  });
});
