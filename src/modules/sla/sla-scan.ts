import { type Context, inTransaction } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { systemScope } from "../identity/tenant-scope.js";
import { eventRow } from "../tickets/ticket-events.js";
import { insertTicketEvents } from "../tickets/ticket-repository.js";
import { formatInstant } from "./format-duration.js";
import { metricWords, recomputeTicketSla } from "./recompute-ticket-sla.js";
import {
  clockPolicyNames,
  clocksToWarn,
  markClockWarned,
  type SlaClockRow,
  ticketsWithClocksDue,
} from "./sla-clock-repository.js";
import type { SlaMetric } from "./sla-types.js";

const batchSize = 200;

export interface SlaScanResult {
  /** Tickets whose clocks were recomputed because a due time passed. */
  recomputed: number;
  warned: number;
}

/**
 * The durable SLA timers, run by the job runner every few seconds: a clock whose due time has passed is
 * recomputed (the engine turns it breached, and the breach becomes an event); a clock past its warning
 * share warns once. Both are range queries on (state, due_at) and (state, warn_at), so the cost follows the
 * number of clocks falling due, not the number stored.
 */
export async function scanSlaClocks(ctx: Context): Promise<SlaScanResult> {
  return { recomputed: await recomputeDueTickets(ctx), warned: await sendDueWarnings(ctx) };
}

async function recomputeDueTickets(ctx: Context): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const seen = new Set<string>();
  for (;;) {
    const due = (await ticketsWithClocksDue(ctx.db, now, batchSize)).filter((id) => !seen.has(id));
    // A ticket still listed after its recomputation moved its due time past `now` by a calendar edit at
    // the same instant; seen once is enough, and stopping on "nothing new" keeps the loop finite.
    if (due.length === 0) return seen.size;
    for (const ticketId of due) {
      seen.add(ticketId);
      await inTransaction(ctx, (tx) => recomputeTicketSla(tx, ticketId));
    }
  }
}

async function sendDueWarnings(ctx: Context): Promise<number> {
  const now = ctx.clock.now().toISOString();
  let warned = 0;
  for (;;) {
    const due = await clocksToWarn(ctx.db, now, batchSize);
    for (const clock of due) {
      if (await inTransaction(ctx, (tx) => warnOnce(tx, clock))) warned += 1;
    }
    if (due.length < batchSize) return warned;
  }
}

async function warnOnce(ctx: Context, clock: SlaClockRow): Promise<boolean> {
  const at = ctx.clock.now().toISOString();
  if (!(await markClockWarned(ctx.db, clock.id, at))) return false;
  const ticket = await ctx.db
    .selectFrom("tickets")
    .select(["id", "number"])
    .where("id", "=", clock.ticket_id)
    .executeTakeFirstOrThrow();
  const policyName = await nameOfPolicy(ctx, clock.policy_id);
  const metric = clock.metric as SlaMetric;
  const due = clock.due_at ? formatInstant(new Date(clock.due_at)) : "when it resumes";
  await insertTicketEvents(ctx.db, [
    eventRow(ctx, ticket.id, at, {
      kind: "sla_warning",
      field: metric,
      to: clock.due_at,
      reason: `${policyName}: ${metricWords[metric]} due ${due}`,
    }),
  ]);
  await publishDomainEvent(ctx, "sla.warning", ticket.id, {
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    policyId: clock.policy_id,
    policyName,
    metric,
    cycle: clock.cycle,
    dueAt: clock.due_at,
  });
  return true;
}

/** A clock belongs to a policy, or to a customer exception that stands in for one. */
async function nameOfPolicy(ctx: Context, id: string): Promise<string> {
  return (
    (await clockPolicyNames(ctx.db, systemScope("the SLA warning job"), [id])).get(id) ?? "Removed policy"
  );
}
