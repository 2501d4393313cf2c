import type { ClaimedJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction, withActor } from "../../shared/context.js";
import { type EventActor, readDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { systemActor } from "../identity/actor.js";
import { systemScope } from "../identity/tenant-scope.js";
import { eventRow } from "../tickets/ticket-events.js";
import {
  findCommentRow,
  findTicketById,
  insertTicketEvents,
  listCommentRows,
  tagsByTicket,
} from "../tickets/ticket-repository.js";
import type { AutomationAction } from "./automation-actions.js";
import { automationChainOf, automationReason, mayTrigger } from "./automation-chain.js";
import {
  type AutomationCondition,
  type AutomationEventKind,
  automationEventKinds,
  type ConditionMatch,
  conditionsHold,
  type TicketFacts,
} from "./automation-conditions.js";
import { type AutomationRow, claimRun, finishRun, listAutomationRows } from "./automation-repository.js";
import { supportCalendarOpenAt } from "./on-duty.js";
import { performAction } from "./perform-action.js";

export const runAutomationsJob = "automations.run";

export interface ActionResult {
  action: AutomationAction["type"];
  ok: boolean;
  /** What it did, or why it failed. */
  detail: string;
}

const scope = systemScope("automations read the ticket whose event they fired on");

/** The ticket as conditions see it, when the event's job starts; undefined once it is gone. */
async function ticketFacts(
  ctx: Context,
  ticketId: string,
  commentId: unknown,
  at: Date,
): Promise<TicketFacts | undefined> {
  const ticket = await findTicketById(ctx.db, scope, ticketId);
  if (!ticket) return undefined;
  const [description] = await listCommentRows(ctx.db, scope, ticketId, ["public"]);
  const comment =
    typeof commentId === "string" && commentId !== description?.id
      ? await findCommentRow(ctx.db, scope, commentId)
      : undefined;
  return {
    channel: ticket.channel,
    plan: ticket.organization_plan,
    severity: ticket.severity,
    category: ticket.category,
    groupId: ticket.group_id,
    status: ticket.status,
    tags: (await tagsByTicket(ctx.db, scope, [ticketId])).get(ticketId) ?? [],
    text: [ticket.subject, description?.body_text ?? "", comment?.body_text ?? ""].join("\n"),
    withinBusinessHours: await supportCalendarOpenAt(ctx.db, at),
  };
}

function firesOn(row: AutomationRow, kind: AutomationEventKind): boolean {
  return (JSON.parse(row.events) as string[]).includes(kind);
}

/**
 * The `automations.run` job, one per ticket event automations subscribed to. Each enabled automation
 * that fires on the event's kind, may trigger on it (`automation-chain.ts`: not its own change, not
 * too deep a chain) and whose conditions hold of the ticket as the job finds it, claims its run for
 * the event and performs its actions in order, as the system with a reason naming it. Conditions are
 * judged on one reading for all automations, so a later automation sees an earlier one's change as
 * a new event, through the chain rules, rather than mid-run. The run lands on the ticket's timeline
 * and in the run log, failed actions included. A run is claimed before it acts: a job retried after
 * a crash mid-run does not act twice (a reply is not sent twice), at the cost of the rest of that run.
 */
export async function runAutomations(
  ctx: Context,
  payload: { eventId: string },
  job: ClaimedJob,
): Promise<number> {
  const event = await readDomainEvent(ctx.db, payload.eventId);
  const kind = event?.kind as AutomationEventKind | undefined;
  let ran = 0;
  if (event?.ticketId && kind && automationEventKinds.includes(kind)) {
    const chain = automationChainOf(event.payload.actor as EventActor | undefined);
    const candidates = (await listAutomationRows(ctx.db)).filter(
      (row) => row.enabled === 1 && firesOn(row, kind) && mayTrigger(row.id, chain),
    );
    const facts =
      candidates.length > 0
        ? await ticketFacts(ctx, event.ticketId, event.payload.commentId, new Date(event.createdAt))
        : undefined;
    for (const automation of facts ? candidates : []) {
      const conditions = JSON.parse(automation.conditions) as AutomationCondition[];
      if (!conditionsHold(automation.match as ConditionMatch, conditions, facts as TicketFacts)) continue;
      if (await runOne(ctx, automation, event.id, event.ticketId, chain)) ran += 1;
    }
  }
  await inTransaction(ctx, (tx) => job.markSucceededIn(tx));
  return ran;
}

async function runOne(
  ctx: Context,
  automation: AutomationRow,
  eventId: string,
  ticketId: string,
  chain: string[],
): Promise<boolean> {
  const runId = newId();
  const claimed = await claimRun(ctx.db, {
    id: runId,
    automation_id: automation.id,
    event_id: eventId,
    ticket_id: ticketId,
    outcome: "running",
    results: "[]",
    ran_at: ctx.clock.now().toISOString(),
  });
  if (!claimed) return false;

  const acting = withActor(ctx, systemActor(automationReason(automation.id, chain)), "system");
  const run = { runId, automationName: automation.name, authorId: automation.author_id, ticketId };
  const results: ActionResult[] = [];
  for (const action of JSON.parse(automation.actions) as AutomationAction[]) {
    try {
      results.push({ action: action.type, ok: true, detail: await performAction(acting, run, action) });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      ctx.logger.warn(
        { automationId: automation.id, ticketId, action: action.type, detail },
        "automation action failed",
      );
      results.push({ action: action.type, ok: false, detail });
    }
  }

  const failed = results.filter((result) => !result.ok);
  const summary = results
    .map((result) =>
      result.ok ? result.detail : `${result.action.replaceAll("_", " ")} failed: ${result.detail}`,
    )
    .join("; ");
  await inTransaction(acting, async (tx) => {
    await finishRun(tx.db, runId, failed.length > 0 ? "failed" : "succeeded", JSON.stringify(results));
    if (await findTicketById(tx.db, scope, ticketId))
      await insertTicketEvents(tx.db, [
        eventRow(tx, ticketId, tx.clock.now().toISOString(), {
          kind: "automation_ran",
          to: automation.id,
          reason: `Automation ${automation.name} ran: ${summary}`,
        }),
      ]);
  });
  return true;
}
