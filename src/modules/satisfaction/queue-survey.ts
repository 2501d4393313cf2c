import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { systemScope } from "../identity/tenant-scope.js";
import { findTicketById, tagsByTicket } from "../tickets/ticket-repository.js";
import { surveyExclusion } from "./csat-rules.js";
import { insertSurvey } from "./satisfaction-repository.js";
import { surveySettingsOf } from "./satisfaction-settings.js";

export const sendSurveyJob = "satisfaction.send-survey";

const solveScope = systemScope("a solved ticket's survey is Tend's, whoever solved it");

/**
 * Called in the transaction that solves a ticket (`applyTicketChanges`): one survey for this solve
 * cycle, unless the desk excludes the ticket, and its mail queued for after the configured delay.
 * The ticket's group, agent, organization, plan and severity are copied now, as they stand at the
 * solve, so the report groups by them without reading tickets. Kept light: the ticket module calls it.
 */
export async function queueSatisfactionSurvey(ctx: Context, ticketId: string): Promise<boolean> {
  const ticket = await findTicketById(ctx.db, solveScope, ticketId);
  if (!ticket?.solved_at) return false;
  const settings = await surveySettingsOf(ctx.db);
  const tags = (await tagsByTicket(ctx.db, solveScope, [ticketId])).get(ticketId) ?? [];
  if (surveyExclusion(settings, { organizationId: ticket.organization_id, tags }) !== null) return false;
  const now = ctx.clock.now();
  const dueAt = new Date(now.getTime() + settings.delayMinutes * 60_000);
  const id = newId();
  await insertSurvey(ctx.db, {
    id,
    ticket_id: ticket.id,
    solved_at: ticket.solved_at,
    requester_id: ticket.requester_id,
    organization_id: ticket.organization_id,
    plan: ticket.organization_plan,
    group_id: ticket.group_id,
    assignee_id: ticket.assignee_id,
    severity: ticket.severity,
    due_at: dueAt.toISOString(),
    sent_at: null,
    token_hash: null,
    token_expires_at: null,
    rating: null,
    comment: null,
    rated_at: null,
    rated_by: null,
    created_at: now.toISOString(),
  });
  await enqueueJob(ctx, sendSurveyJob, { surveyId: id }, { runAt: dueAt });
  return true;
}
