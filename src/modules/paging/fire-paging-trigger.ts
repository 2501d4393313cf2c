import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { systemActor } from "../identity/actor.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById } from "../tickets/ticket-repository.js";
import { startPage } from "./manage-pages.js";
import { findPolicyById } from "./paging-repository.js";
import { claimFiring, findTriggerById, recordFiringPage } from "./paging-trigger-repository.js";
import {
  occasionKey,
  pagingTriggerDescriptions,
  pagingTriggerKinds,
  triggeredPage,
} from "./paging-triggers.js";
import type { FirePagingTriggerPayload } from "./queue-paging-triggers.js";

export type FiringOutcome = "paged" | "fired_already" | "trigger_gone" | "trigger_disabled" | "ticket_gone";

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
    await job.markSucceededIn(tx.db);
    return outcome;
  });
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
  const ticket = await findTicketById(
    tx.db,
    systemScope("a paging trigger names the ticket it pages for to staff"),
    occasion.ticketId,
  );
  if (!ticket) return "ticket_gone";
  const key = { trigger_id: trigger.id, ticket_id: ticket.id, occasion: occasionKey(occasion) };
  if (!(await claimFiring(tx.db, { ...key, page_id: null, fired_at: tx.clock.now().toISOString() })))
    return "fired_already";
  const page = triggeredPage(occasion, {
    number: ticket.number,
    subject: ticket.subject,
    severity: ticket.severity,
    link: settings.publicUrl ? `${settings.publicUrl.replace(/\/$/, "")}/tickets/${ticket.number}` : null,
  });
  const opened = await startPage(tx, {
    ...page,
    policy,
    ticket: { id: ticket.id, number: ticket.number },
    openedBecause: `opened by the paging trigger "${pagingTriggerDescriptions[occasion.kind]}" (${trigger.id}) with ${policy.name}`,
  });
  await recordFiringPage(tx.db, key, opened.id);
  return "paged";
}
