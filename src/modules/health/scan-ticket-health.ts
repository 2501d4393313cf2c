import { type Context, inTransaction } from "../../shared/context.js";
import { type DomainEventKind, publishDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { formatDuration, formatInstant } from "../sla/format-duration.js";
import { eventRow } from "../tickets/ticket-events.js";
import { insertTicketEvents } from "../tickets/ticket-repository.js";
import {
  acknowledgementInstants,
  activeFlagOf,
  clearFlag,
  findTicketForHealth,
  flagsWhoseConditionEnded,
  type HealthFlagRow,
  idleCandidates,
  idleInstants,
  insertFlagOnce,
  silenceEndedAt,
  unacknowledgedCandidates,
} from "./health-repository.js";
import {
  type AcknowledgementFacts,
  acknowledgedAt,
  type HealthFlagKind,
  healthFlagLabels,
  idleFlagDueAt,
  idleSince,
  latestArrivalPastDeadline,
  latestIdleStartDue,
  missedAcknowledgementDeadline,
} from "./health-rules.js";
import { type HealthRulesInForce, loadHealthRules } from "./health-rules-in-force.js";

const batchSize = 200;

export interface HealthScanResult {
  raised: number;
  cleared: number;
}

type TicketForHealth = NonNullable<Awaited<ReturnType<typeof findTicketForHealth>>>;

/**
 * The ticket health timers, run by the job runner every minute. First clears flags whose condition
 * ended (the ticket was acknowledged, an agent updated it, it left Open), then raises the flags now due.
 * Candidates are selected in SQL by status and by the latest start that is due now, so the cost follows
 * the tickets falling due; each is re-read and re-decided by the pure rule in its own transaction, so
 * an agent's reply that lands during the sweep wins.
 *
 * Raising a flag records a ticket event and publishes a domain event carrying the ticket's group: that
 * event is the group's notification for now. Delivering it by email or chat belongs to the notification
 * capability of a later issue, which consumes the outbox.
 */
export async function scanTicketHealth(ctx: Context): Promise<HealthScanResult> {
  const rules = await loadHealthRules(ctx.db);
  const cleared = await clearEndedFlags(ctx);
  let raised = 0;
  if (rules.calendar !== null) {
    if (rules.settings.unacknowledged_enabled === 1) raised += await raiseUnacknowledged(ctx, rules);
    if (rules.settings.open_idle_enabled === 1) raised += await raiseIdle(ctx, rules);
  }
  return { raised, cleared };
}

/** Pages through candidate ids by id, so a candidate the rule turns down is never read twice in a sweep. */
async function sweep(
  select: (afterId: string | null) => Promise<string[]>,
  handle: (id: string) => Promise<boolean>,
): Promise<number> {
  let afterId: string | null = null;
  let count = 0;
  for (;;) {
    const ids = await select(afterId);
    for (const id of ids) if (await handle(id)) count += 1;
    if (ids.length < batchSize) return count;
    afterId = ids[ids.length - 1] ?? null;
  }
}

async function raiseUnacknowledged(ctx: Context, rules: HealthRulesInForce): Promise<number> {
  const { calendar, endOfDay } = rules;
  if (calendar === null) return 0;
  const now = ctx.clock.now();
  const arrivedBy = latestArrivalPastDeadline(calendar, endOfDay, now);
  if (arrivedBy === undefined) return 0;
  return sweep(
    (afterId) => unacknowledgedCandidates(ctx.db, arrivedBy.toISOString(), afterId, batchSize),
    (ticketId) =>
      inTransaction(ctx, async (tx) => {
        const ticket = await findTicketForHealth(tx.db, tx.dialect, ticketId);
        if (!ticket) return false;
        const facts = await acknowledgementFacts(tx, ticket);
        const deadline = missedAcknowledgementDeadline(facts, calendar, endOfDay, now);
        if (deadline === null) return false;
        return raise(tx, ticket, "unacknowledged_end_of_day", {
          since: ticket.created_at,
          dueAt: deadline,
          reason: `Not acknowledged by the end of its business day (${formatInstant(deadline)}${
            rules.calendarName ? `, ${rules.calendarName}` : ""
          })`,
          domainEvent: "ticket.unacknowledged_end_of_day",
          payload: { arrivedAt: ticket.created_at, deadline: deadline.toISOString() },
        });
      }),
  );
}

async function raiseIdle(ctx: Context, rules: HealthRulesInForce): Promise<number> {
  const { calendar } = rules;
  if (calendar === null) return 0;
  const idleMs = rules.settings.open_idle_business_ms;
  const now = ctx.clock.now();
  const silentSince = latestIdleStartDue(calendar, idleMs, now);
  if (silentSince === undefined) return 0;
  return sweep(
    (afterId) => idleCandidates(ctx.db, silentSince.toISOString(), afterId, batchSize),
    (ticketId) =>
      inTransaction(ctx, async (tx) => {
        const ticket = await findTicketForHealth(tx.db, tx.dialect, ticketId);
        if (!ticket) return false;
        const instants = await idleInstants(tx.db, ticket.id);
        const facts = {
          status: ticket.status,
          lastOpenedAt: new Date(instants.lastOpenedAt ?? ticket.created_at),
          lastAgentUpdateAt: instants.lastAgentUpdateAt ? new Date(instants.lastAgentUpdateAt) : null,
        };
        const dueAt = idleFlagDueAt(facts, calendar, idleMs, now);
        if (dueAt === null) return false;
        const since = idleSince(facts);
        return raise(tx, ticket, "open_over_a_day", {
          since: since.toISOString(),
          dueAt,
          reason: `Open with no agent update for ${formatDuration(idleMs)} of business time since ${formatInstant(since)}`,
          domainEvent: "ticket.open_over_a_day",
          payload: { idleSince: since.toISOString(), dueAt: dueAt.toISOString() },
        });
      }),
  );
}

/** Raises a flag once per condition: a second sweep, or a second worker, finds it and does nothing. */
async function raise(
  ctx: Context,
  ticket: TicketForHealth,
  flag: HealthFlagKind,
  details: {
    since: string;
    dueAt: Date;
    reason: string;
    domainEvent: DomainEventKind;
    payload: Record<string, unknown>;
  },
): Promise<boolean> {
  if (await activeFlagOf(ctx.db, ticket.id, flag)) return false;
  const at = ctx.clock.now().toISOString();
  const inserted = await insertFlagOnce(ctx.db, {
    id: newId(),
    ticket_id: ticket.id,
    flag,
    since: details.since,
    due_at: details.dueAt.toISOString(),
    raised_at: at,
    cleared_at: null,
  });
  if (!inserted) return false;
  await insertTicketEvents(ctx.db, [
    eventRow(ctx, ticket.id, at, {
      kind: "health_flag_raised",
      field: flag,
      to: healthFlagLabels[flag],
      reason: details.reason,
    }),
  ]);
  await publishDomainEvent(ctx, details.domainEvent, ticket.id, {
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    groupId: ticket.group_id,
    assigneeId: ticket.assignee_id,
    flag,
    ...details.payload,
  });
  return true;
}

async function clearEndedFlags(ctx: Context): Promise<number> {
  let afterId: string | null = null;
  let cleared = 0;
  for (;;) {
    const flags = await flagsWhoseConditionEnded(ctx.db, afterId, batchSize);
    for (const flag of flags) {
      if (await inTransaction(ctx, (tx) => clearIfEnded(tx, flag))) cleared += 1;
    }
    if (flags.length < batchSize) return cleared;
    afterId = flags[flags.length - 1]?.id ?? null;
  }
}

/**
 * Clears a flag whose condition ended, dated when it ended (the acknowledgement, the agent's update),
 * not when the sweep noticed: the flag's life is what reports will measure.
 */
async function clearIfEnded(
  ctx: Context,
  flag: Pick<HealthFlagRow, "id" | "ticket_id" | "flag" | "since">,
): Promise<boolean> {
  const ticket = await findTicketForHealth(ctx.db, ctx.dialect, flag.ticket_id);
  if (!ticket) return false;
  const kind = flag.flag as HealthFlagKind;
  let endedAt: string | null;
  let reason: string;
  if (kind === "unacknowledged_end_of_day") {
    endedAt = acknowledgedAt(await acknowledgementFacts(ctx, ticket))?.toISOString() ?? null;
    reason = "Acknowledged";
  } else {
    // A ticket out of Open has ended its silence even if the event that moved it is somehow missing.
    endedAt =
      (await silenceEndedAt(ctx.db, ticket.id, flag.since)) ??
      (ticket.status === "open" ? null : ctx.clock.now().toISOString());
    reason = ticket.status === "open" ? "Updated by an agent" : "No longer Open";
  }
  if (endedAt === null) return false;
  if (!(await clearFlag(ctx.db, flag.id, endedAt))) return false;
  const at = ctx.clock.now().toISOString();
  await insertTicketEvents(ctx.db, [
    eventRow(ctx, ticket.id, at, {
      kind: "health_flag_cleared",
      field: kind,
      from: healthFlagLabels[kind],
      reason: `${reason} at ${formatInstant(new Date(endedAt))}`,
    }),
  ]);
  await publishDomainEvent(ctx, "ticket.health_flag_cleared", ticket.id, {
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    groupId: ticket.group_id,
    flag: kind,
    clearedAt: endedAt,
  });
  return true;
}

async function acknowledgementFacts(ctx: Context, ticket: TicketForHealth): Promise<AcknowledgementFacts> {
  const instants = await acknowledgementInstants(ctx.db, ticket.id);
  return {
    status: ticket.status,
    createdAt: new Date(ticket.created_at),
    leftNewAt: instants.leftNewAt ? new Date(instants.leftNewAt) : null,
    firstAgentReplyAt: instants.firstAgentReplyAt ? new Date(instants.firstAgentReplyAt) : null,
  };
}
