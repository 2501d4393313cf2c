import type { DbExecutor } from "../../db/database.js";
import type { Context } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { systemScope } from "../identity/tenant-scope.js";
import { queuePagingTriggers } from "../paging/queue-paging-triggers.js";
import { insertFirstSlaReportFacts, refreshSlaReportFacts } from "../reports/sla-report-facts.js";
import type { TicketAttributesForFacts } from "../reports/sla-report-repository.js";
import { eventRow } from "../tickets/ticket-events.js";
import { insertTicketEvents, tagsByTicket } from "../tickets/ticket-repository.js";
import { formatInstant } from "./format-duration.js";
import { nearestOwedClock } from "./owed-clock.js";
import type { TicketAttributes } from "./policy-matching.js";
import { resolveTargets } from "./resolve-targets.js";
import { computeClocks } from "./sla-clock-engine.js";
import {
  clocksOfTicket,
  firstClockRows,
  insertClockRows,
  type SlaClockRow,
  saveTicketClocks,
} from "./sla-clock-repository.js";
import type { ClockState, ComputedClock, ResolvedTarget, SlaMetric, TicketFact } from "./sla-types.js";
import { loadTicketFacts } from "./ticket-facts.js";

/**
 * Runs a ticket's promises: reads what happened on it, derives every target that applies from its current
 * attributes (so a severity or organization change re-derives them from the original start), computes the
 * clocks with the pure engine and stores them. Called inside the transaction of every change that can move
 * a clock, and by the breach scan when a due time passes.
 */

export interface TicketClocks {
  ticketId: string;
  number: number;
  attributes: TicketAttributes;
  targets: ResolvedTarget[];
  clocks: ComputedClock[];
  /** The clocks as stored before this computation. */
  stored: SlaClockRow[];
  /** `tickets.next_sla_due_at` as stored before this computation; undefined for a ticket being opened. */
  storedNextDue: string | null | undefined;
  /** What the ticket's report facts copy, read with its attributes. */
  forReportFacts: TicketAttributesForFacts;
}

export const metricWords: Record<SlaMetric, string> = {
  first_response: "first response",
  next_response: "next response",
  periodic_update: "periodic update",
  resolution: "resolution",
};

// A ticket's clocks follow the whole ticket whoever changed it: the caller was authorized already.
const slaBookkeeping = systemScope("SLA bookkeeping of a ticket its caller may change");

/**
 * The ticket's attributes that policies match on, its organization's joined in and its tags read
 * beside it: on PostgreSQL each round trip adds its latency to the ticket's SLA page and to every
 * change of a ticket.
 */
async function ticketForClocks(ctx: Context, ticketId: string) {
  let query = ctx.db
    .selectFrom("tickets")
    .leftJoin("organizations", "organizations.id", "tickets.organization_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.organization_id",
      "tickets.severity",
      "tickets.category",
      "tickets.channel",
      "tickets.group_id",
      "tickets.assignee_id",
      "tickets.next_sla_due_at",
      "organizations.plan",
      "organizations.stage",
    ])
    .where("tickets.id", "=", ticketId);
  // Two recomputations of one ticket (a reply and the breach scan) take turns, so each sees the
  // other's clocks and a transition is recorded once. SQLite runs one writer at a time anyway.
  // NO KEY UPDATE, the lock an UPDATE of the row takes: FOR UPDATE would also wait for the key-share
  // locks that a concurrent comment's foreign key holds on the ticket, and that comment's transaction
  // then waiting to update the ticket this one had updated was a deadlock under the mixed load.
  if (ctx.dialect === "postgres" && ctx.db.isTransaction) query = query.forNoKeyUpdate("tickets");
  const [ticket, tags] = await Promise.all([
    query.executeTakeFirst(),
    tagsByTicket(ctx.db, slaBookkeeping, [ticketId]),
  ]);
  return ticket && { ticket, tags: tags.get(ticketId) ?? [] };
}

/**
 * Every clock of a ticket as of `now` — or of the newest thing recorded on it, if later — with the
 * targets behind them; nothing is written.
 */
export async function computeTicketClocks(
  ctx: Context,
  ticketId: string,
  now: Date = ctx.clock.now(),
): Promise<TicketClocks | undefined> {
  const found = await ticketForClocks(ctx, ticketId);
  if (!found) return undefined;
  const { ticket, tags } = found;
  const attributes = attributesOf(ticket, tags);
  const [targets, facts, stored] = await Promise.all([
    resolveTargets(ctx, attributes, now),
    loadTicketFacts(ctx.db, ticket.id),
    clocksOfTicket(ctx.db, slaBookkeeping, ticket.id),
  ]);
  return clocksFrom({ ticket, attributes, targets, facts, stored }, now);
}

/** The ticket's own columns that its clocks and their report facts depend on. */
interface TicketColumnsForClocks {
  id: string;
  number: number;
  organization_id: string | null;
  severity: string;
  category: string;
  channel: string;
  group_id: string | null;
  assignee_id: string | null;
}

interface TicketForClocks extends TicketColumnsForClocks {
  plan: string | null;
  stage: string | null;
  /** As stored; a ticket being opened has none yet. */
  next_sla_due_at?: string | null;
}

function attributesOf(ticket: TicketForClocks, tags: string[]): TicketAttributes {
  return {
    plan: ticket.plan,
    stage: ticket.stage,
    severity: ticket.severity,
    category: ticket.category,
    channel: ticket.channel,
    organizationId: ticket.organization_id,
    tags,
  };
}

/** What a ticket's clocks are computed from, read from the database or known to the ticket's creation. */
interface ClockInputs {
  ticket: TicketForClocks;
  attributes: TicketAttributes;
  targets: ResolvedTarget[];
  facts: TicketFact[];
  stored: SlaClockRow[];
}

function clocksFrom({ ticket, attributes, targets, facts, stored }: ClockInputs, now: Date): TicketClocks {
  // After the system clock steps back (NTP, a VM resumed) the newest fact or stored change may lie
  // ahead of `now`. Computed before them, an answer already given would count for nothing and a breach
  // already announced would turn running, to be announced again once the time came round.
  const asOf = new Date(
    Math.max(
      now.getTime(),
      ...facts.map((fact) => fact.at.getTime()),
      ...stored.map((row) => Date.parse(row.updated_at)),
    ),
  );
  return {
    ticketId: ticket.id,
    number: ticket.number,
    attributes,
    targets,
    clocks: computeClocks(facts, targets, asOf),
    stored,
    storedNextDue: ticket.next_sla_due_at,
    forReportFacts: {
      id: ticket.id,
      number: ticket.number,
      severity: ticket.severity,
      group_id: ticket.group_id,
      assignee_id: ticket.assignee_id,
      plan: ticket.plan,
    },
  };
}

/** A ticket being opened, as its creation is about to write it. */
export interface NewTicketForClocks extends TicketColumnsForClocks {
  status: string;
  created_at: string;
}

export interface NewTicketClocks {
  computed: TicketClocks;
  rows: SlaClockRow[];
  /** The nearest running due time: the ticket's row is written with it. */
  nextDueAt: string | null;
}

/**
 * The clocks of a ticket about to be opened, from what its creation writes instead of read back: its
 * creation is its only fact (the description is part of it, the closed-hours acknowledgement is
 * nobody's response), and it has no stored clocks or report facts. Computed before its row is
 * written, which then carries its `next_sla_due_at`; stored by `startTicketClocks`. Six statements
 * fewer a new ticket than `recomputeTicketSla`, for the same rows.
 */
export async function computeNewTicketClocks(
  ctx: Context,
  ticket: NewTicketForClocks,
  tags: string[],
): Promise<NewTicketClocks> {
  const organization = ticket.organization_id
    ? await ctx.db
        .selectFrom("organizations")
        .select(["plan", "stage"])
        .where("id", "=", ticket.organization_id)
        .executeTakeFirst()
    : undefined;
  const createdAt = new Date(ticket.created_at);
  const forClocks = { ...ticket, plan: organization?.plan ?? null, stage: organization?.stage ?? null };
  const attributes = attributesOf(forClocks, tags);
  const computed = clocksFrom(
    {
      ticket: forClocks,
      attributes,
      targets: await resolveTargets(ctx, attributes, createdAt),
      facts: [{ kind: "created", at: createdAt, status: ticket.status }],
      stored: [],
    },
    createdAt,
  );
  const rows = firstClockRows(ticket.id, computed.clocks, ticket.created_at);
  return { computed, rows, nextDueAt: nearestOwedClock(rows)?.due_at ?? null };
}

/** Stores a new ticket's clocks, once its row is written: the clocks, their report facts, their events. */
export async function startTicketClocks(ctx: Context, { computed, rows }: NewTicketClocks): Promise<void> {
  await insertClockRows(ctx.db, rows);
  await insertFirstSlaReportFacts(ctx.db, computed.forReportFacts, rows);
  await recordTransitions(ctx, computed, []);
}

/** Recomputes and stores a ticket's clocks; achievements and breaches become ticket and domain events. */
export async function recomputeTicketSla(ctx: Context, ticketId: string): Promise<SlaClockRow[]> {
  const now = ctx.clock.now();
  const computed = await computeTicketClocks(ctx, ticketId, now);
  if (!computed) return [];
  const saved = await saveTicketClocks(ctx.db, ctx.dialect, {
    ticketId,
    previous: computed.stored,
    previousNextDue: computed.storedNextDue,
    clocks: computed.clocks,
    at: now.toISOString(),
  });
  await refreshSlaReportFacts(ctx.db, ctx.dialect, ticketId, saved, computed.forReportFacts);
  await recordTransitions(ctx, computed, computed.stored);
  return saved;
}

const clockKey = (policyId: string, targetKey: string, cycle: number) => `${policyId}|${targetKey}|${cycle}`;

async function recordTransitions(
  ctx: Context,
  computed: TicketClocks,
  previous: SlaClockRow[],
): Promise<void> {
  const before = new Map<string, ClockState>(
    previous.map((row) => [clockKey(row.policy_id, row.target_key, row.cycle), row.state as ClockState]),
  );
  const at = ctx.clock.now().toISOString();
  const events = [];
  for (const clock of computed.clocks) {
    // A clock seen for the first time was running until this change, as far as anyone was told.
    const was = before.get(clockKey(clock.policyId, clock.targetKey, clock.cycle)) ?? "running";
    if (clock.state === was || (clock.state !== "breached" && clock.state !== "achieved")) continue;
    const kind = clock.state === "breached" ? "sla_breached" : "sla_achieved";
    const when = clock.state === "breached" ? clock.breachedAt : clock.achievedAt;
    const reason =
      clock.state === "breached"
        ? `${clock.policyName}: ${metricWords[clock.metric]} breached (due ${formatInstant(when ?? new Date(at))})`
        : `${clock.policyName}: ${metricWords[clock.metric]} achieved at ${formatInstant(when ?? new Date(at))}`;
    events.push(
      eventRow(ctx, computed.ticketId, at, { kind, field: clock.metric, from: was, to: clock.state, reason }),
    );
    if (clock.state === "breached") {
      await publishDomainEvent(ctx, "sla.breached", computed.ticketId, clockPayload(computed, clock));
      // Severity as it stands at the breach: a ticket raised to Sev 1 since its creation pages too.
      if (computed.attributes.severity === "sev1")
        await queuePagingTriggers(ctx, {
          kind: "sev1_sla_breached",
          ticketId: computed.ticketId,
          clockKey: clockKey(clock.policyId, clock.targetKey, clock.cycle),
          metric: metricWords[clock.metric],
          slaPolicyName: clock.policyName,
          dueAt: clock.dueAt?.toISOString() ?? null,
        });
    }
  }
  if (events.length > 0) await insertTicketEvents(ctx.db, events);
}

export function clockPayload(ticket: { ticketId: string; number: number }, clock: ComputedClock) {
  return {
    ticketId: ticket.ticketId,
    ticketNumber: ticket.number,
    policyId: clock.policyId,
    policyName: clock.policyName,
    metric: clock.metric,
    cycle: clock.cycle,
    dueAt: clock.dueAt?.toISOString() ?? null,
    breachedAt: clock.breachedAt?.toISOString() ?? null,
  };
}

/** Ticket ids of an organization's unfinished tickets: their targets follow the organization's plan. */
export async function unfinishedTicketIdsOf(db: DbExecutor, organizationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("tickets")
    .select("id")
    .where("organization_id", "=", organizationId)
    .where("status", "not in", ["solved", "closed"])
    .execute();
  return rows.map((row) => row.id);
}
