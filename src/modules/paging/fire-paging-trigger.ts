import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { systemActor } from "../identity/actor.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { startPage } from "./manage-pages.js";
import { findPolicyById } from "./paging-repository.js";
import {
  claimFiring,
  type FiringKey,
  findTriggerById,
  recordFiringPage,
  statusIncidentExists,
} from "./paging-trigger-repository.js";
import {
  occasionKey,
  type PagingOccasion,
  pagingTriggerDescriptions,
  pagingTriggerKinds,
  triggeredIncidentPage,
  triggeredPage,
} from "./paging-triggers.js";
import type { FirePagingTriggerPayload } from "./queue-paging-triggers.js";

export type FiringOutcome =
  | "paged"
  | "fired_already"
  | "trigger_gone"
  | "trigger_disabled"
  | "ticket_gone"
  | "incident_gone";

/**
 * The `paging.fire-trigger` job: opens the trigger's page for its occasion through `startPage`, the
 * same path as a page someone sends, so the first level hears at once and escalation follows. The
 * firing's primary key is claimed in the page's transaction and the job completes in it too: a
 * re-run job, a second job for a clock breached again, or two workers racing open one page. A
 * trigger switched off or deleted since the occasion pages nobody: the admin's latest word wins.
 */
export async function firePagingTrigger(
  ctx: Context,
  payload: FirePagingTriggerPayload,
  job: ClaimedJob,
  settings: { publicUrl?: string },
): Promise<FiringOutcome> {
  // The page's log and the audit trail name the trigger's machinery, not the job runner.
  return inTransaction(withActor(ctx, systemActor("paging trigger")), async (tx) => {
    const outcome = await fire(tx, payload, settings);
    if (outcome !== "paged") tx.logger.info({ ...payload, outcome }, "paging trigger opened no page");
    await job.markSucceededIn(tx);
    return outcome;
  });
}

/** What the page is about: its key for the firing claim, its text, and the ticket it concerns if any. */
interface FiringSubject {
  key: FiringKey;
  page: { title: string; details: string; severity: string };
  ticket: { id: string; number: number } | null;
}

function workspaceLink(publicUrl: string | undefined, path: string): string | null {
  return publicUrl ? `${publicUrl.replace(/\/$/, "")}${path}` : null;
}

async function subjectOf(
  tx: Context,
  triggerId: string,
  occasion: PagingOccasion,
  settings: { publicUrl?: string },
): Promise<FiringSubject | "ticket_gone" | "incident_gone"> {
  if (occasion.kind === "status_incident_opened") {
    if (!(await statusIncidentExists(tx.db, occasion.incidentId))) return "incident_gone";
    return {
      key: { trigger_id: triggerId, incident_id: occasion.incidentId },
      page: triggeredIncidentPage(
        occasion,
        workspaceLink(settings.publicUrl, `/statuspage/incidents/${occasion.incidentId}`),
      ),
      ticket: null,
    };
  }
  const ticket = await findTicketById(
    tx.db,
    systemScope("a paging trigger names the ticket it pages for to staff"),
    occasion.ticketId,
  );
  if (!ticket) return "ticket_gone";
  return {
    key: { trigger_id: triggerId, ticket_id: ticket.id, occasion: occasionKey(occasion) },
    page: triggeredPage(occasion, {
      number: ticket.number,
      subject: ticket.subject,
      severity: ticket.severity,
      link: workspaceLink(settings.publicUrl, `/tickets/${ticket.number}`),
    }),
    ticket: { id: ticket.id, number: ticket.number },
  };
}

async function fire(
  tx: Context,
  { triggerId, occasion }: FirePagingTriggerPayload,
  settings: { publicUrl?: string },
): Promise<FiringOutcome> {
  const trigger = await findTriggerById(tx.db, triggerId);
  if (!trigger || !(pagingTriggerKinds as readonly string[]).includes(trigger.kind)) return "trigger_gone";
  if (trigger.enabled !== 1) return "trigger_disabled";
  const policy = await findPolicyById(tx.db, trigger.policy_id);
  if (!policy) return "trigger_gone";
  const subject = await subjectOf(tx, trigger.id, occasion, settings);
  if (typeof subject === "string") return subject;
  if (!(await claimFiring(tx.db, subject.key, tx.clock.now().toISOString()))) return "fired_already";
  const opened = await startPage(tx, {
    ...subject.page,
    policy,
    ticket: subject.ticket,
    openedBecause: `opened by the paging trigger "${pagingTriggerDescriptions[occasion.kind]}" (${trigger.id}) with ${policy.name}`,
  });
  await recordFiringPage(tx.db, subject.key, opened.id);
  return "paged";
}
