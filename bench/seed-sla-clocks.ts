import type { Insertable } from "kysely";
import type { Db, DialectKind } from "../src/db/database.js";
import type { SlaClocksTable, TicketsTable } from "../src/db/tables.js";
import { insertByColumns, insertInBatches } from "../src/modules/demo/insert-in-batches.js";
import { type Random, seededRandom, weightedSampler } from "../src/modules/demo/random.js";
import { seedPeople } from "../src/modules/demo/seed-people.js";
import type { ClockState, SlaMetric } from "../src/modules/sla/sla-types.js";
import { reserveTicketNumbers } from "../src/modules/tickets/ticket-numbers.js";
import { DAY, HOUR, MINUTE } from "../src/shared/clock.js";
import { newId } from "../src/shared/ids.js";

/** What the breach-scan measurements need to know about the seeded clocks, as of `now`. */
export interface SeededClocks {
  clocks: number;
  tickets: number;
  /** The instant the clocks were drawn against; the scans run at it. */
  now: string;
  /** Running clocks whose due time has passed: what one full breach scan finds. */
  overdue: number;
  /** Running clocks past their warning time and not yet warned: what the warning scan finds. */
  toWarn: number;
  /** Running clocks past their warning time that already warned: the warning scan reads past them. */
  alreadyWarned: number;
  seconds: number;
}

const clocksPerTicket = 4;
// One clock per metric and ticket, in its first cycle; durations like the default policies'.
const targets: readonly { metric: SlaMetric; targetMs: number }[] = [
  { metric: "first_response", targetMs: 24 * HOUR },
  { metric: "next_response", targetMs: 24 * HOUR },
  { metric: "periodic_update", targetMs: 8 * HOUR },
  { metric: "resolution", targetMs: 5 * DAY },
];
const warnAtShare = 0.75;
// The scanner runs every few seconds: a clock whose warning time passed more than a minute ago has warned.
const scanIntervalMs = MINUTE;
// Fewer, larger transactions: on SQLite each commit may checkpoint the WAL, a quarter of the load at 5,000.
const ticketsPerTransaction = 25_000;

/**
 * Bulk-loads about `clocks` SLA clocks, four per ticket, over bare tickets (no comments or events:
 * the scans read only `sla_clocks`). Of the clocks 20% run, due from two days ago to 30 days ahead, so
 * about one running clock in sixteen is overdue; 5% are paused; 60% were achieved and 15% breached over
 * the past year. Those share the index with the running ones but fall outside the scans' range.
 */
export async function seedSlaClocks(
  db: Db,
  dialect: DialectKind,
  options: { clocks: number; seed?: number },
): Promise<SeededClocks> {
  const started = performance.now();
  const random = seededRandom(options.seed ?? 20261123);
  const now = Date.now();
  const nowIso = new Date(now).toISOString();
  const people = await seedPeople(db, random, nowIso);
  const drawClock = clockDrafter(random, now);
  const ticketCount = Math.ceil(options.clocks / clocksPerTicket);
  const counts = { overdue: 0, toWarn: 0, alreadyWarned: 0 };
  const firstNumber = await reserveTicketNumbers(db, dialect, ticketCount);

  const draftBatch = (first: number, end: number): ClockBatch => {
    const batch: ClockBatch = { tickets: [], clocks: [] };
    for (let index = first; index < end; index += 1) {
      const ticketId = newId();
      const ticketClocks = targets
        .slice(0, Math.min(clocksPerTicket, options.clocks - index * clocksPerTicket))
        .map((target) => drawClock(ticketId, target));
      for (const clock of ticketClocks) {
        if (clock.state !== "running" || clock.warn_at === null || clock.warn_at > nowIso) continue;
        if (clock.due_at !== null && clock.due_at <= nowIso) counts.overdue += 1;
        if (clock.warned_at === null) counts.toWarn += 1;
        else counts.alreadyWarned += 1;
      }
      batch.clocks.push(...ticketClocks);
      const number = firstNumber + index;
      batch.tickets.push(
        ticketRow(random, ticketId, number, people.unaffiliatedCustomerIds, ticketClocks, now),
      );
    }
    return batch;
  };
  // On PostgreSQL the next batch is drawn while the server stores the previous one (drawing takes about
  // a fifth of the load); better-sqlite3 blocks, so there the writes simply follow one another.
  let writing: Promise<void> | undefined;
  for (let first = 0; first < ticketCount; first += ticketsPerTransaction) {
    const batch = draftBatch(first, Math.min(first + ticketsPerTransaction, ticketCount));
    await writing;
    writing = writeBatch(db, dialect, batch);
  }
  await writing;

  return {
    clocks: options.clocks,
    tickets: ticketCount,
    now: nowIso,
    ...counts,
    seconds: (performance.now() - started) / 1000,
  };
}

interface ClockBatch {
  tickets: Insertable<TicketsTable>[];
  clocks: SlaClocksTable[];
}

async function writeBatch(db: Db, dialect: DialectKind, batch: ClockBatch): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (dialect === "postgres") {
      await insertByColumns(tx, "tickets", batch.tickets);
      await insertByColumns(tx, "sla_clocks", batch.clocks);
    } else {
      await insertInBatches(batch.tickets, (rows) => tx.insertInto("tickets").values(rows).execute());
      await insertInBatches(batch.clocks, (rows) => tx.insertInto("sla_clocks").values(rows).execute());
    }
  });
}

function clockDrafter(random: Random, now: number) {
  const state = weightedSampler<ClockState>(random, [
    ["running", 20],
    ["paused", 5],
    ["achieved", 60],
    ["breached", 15],
  ]);
  const iso = (ms: number) => new Date(ms).toISOString();

  return (ticketId: string, target: { metric: SlaMetric; targetMs: number }): SlaClocksTable => {
    const clockState = state();
    // Business calendars stretch a target over nights and weekends: the span is up to three times it.
    const spanMs = target.targetMs * (1 + 2 * random.next());
    let startedAt: number;
    let dueAt: number | null;
    let achievedAt: number | null = null;
    let breachedAt: number | null = null;
    let pausedMs = 0;
    if (clockState === "running") {
      dueAt = now - 2 * DAY + random.next() * 32 * DAY;
      // A clock due weeks ahead started before now all the same: pauses and closed hours pushed it out.
      startedAt = Math.min(dueAt - spanMs, now - random.next() * HOUR);
    } else if (clockState === "paused") {
      startedAt = now - random.next() * 10 * DAY;
      dueAt = null;
      pausedMs = random.next() * (now - startedAt);
    } else {
      startedAt = now - spanMs - random.next() * 365 * DAY;
      dueAt = startedAt + spanMs;
      if (clockState === "achieved") achievedAt = startedAt + random.next() * spanMs;
      else {
        breachedAt = dueAt;
        // Closing a ticket stops its clocks, so only a recent breach can still be unmet.
        if (dueAt < now - 20 * DAY || random.chance(0.5)) achievedAt = dueAt + random.next() * spanMs;
      }
    }
    const warnAt = dueAt === null ? null : dueAt - (1 - warnAtShare) * (dueAt - startedAt);
    const warnedBy = achievedAt ?? now - scanIntervalMs;
    const warned = warnAt !== null && warnAt <= warnedBy;
    // An unmet breached clock goes on counting, as the engine's does.
    const endedAt = Math.min(achievedAt ?? now, now);
    return {
      id: newId(),
      ticket_id: ticketId,
      policy_id: "bench-policy",
      target_key: `${target.metric}:${target.targetMs}`,
      metric: target.metric,
      cycle: 1,
      state: clockState,
      started_at: iso(startedAt),
      due_at: dueAt === null ? null : iso(dueAt),
      warn_at: warnAt === null ? null : iso(warnAt),
      achieved_at: achievedAt === null ? null : iso(achievedAt),
      breached_at: breachedAt === null ? null : iso(breachedAt),
      warned_at: warned && warnAt !== null ? iso(warnAt + random.next() * scanIntervalMs) : null,
      used_ms: Math.round(Math.max(0, endedAt - startedAt - pausedMs)),
      paused_ms: Math.round(pausedMs),
      target_ms: target.targetMs,
      updated_at: iso(endedAt),
    };
  };
}

/** A ticket as its clocks imply: worked while a clock runs or a breach is unmet, else Pending or closed. */
function ticketRow(
  random: Random,
  id: string,
  number: number,
  requesterIds: readonly string[],
  clocks: readonly SlaClocksTable[],
  now: number,
): Insertable<TicketsTable> {
  const status = clocks.some((c) => c.state === "running" || (c.state === "breached" && !c.achieved_at))
    ? random.pick(["new", "open"])
    : clocks.some((c) => c.state === "paused")
      ? "pending"
      : "closed";
  const createdAt = clocks.map((c) => c.started_at).sort()[0] ?? new Date(now).toISOString();
  const updatedAt =
    clocks
      .map((c) => c.updated_at)
      .sort()
      .at(-1) ?? createdAt;
  // As saveTicketClocks keeps it: the nearest due time of a running clock or an unmet breached one.
  const nextDue = clocks
    .filter((c) => c.due_at && (c.state === "running" || (c.state === "breached" && !c.achieved_at)))
    .map((c) => c.due_at as string)
    .sort()[0];
  return {
    id,
    number,
    subject: `SLA bench ticket ${number}`,
    requester_id: random.pick(requesterIds),
    organization_id: null,
    channel: "email",
    status,
    severity: "sev2",
    category: "other",
    group_id: null,
    assignee_id: null,
    follow_up_of_id: null,
    version: 1,
    created_at: createdAt,
    updated_at: updatedAt,
    last_activity_at: updatedAt,
    solved_at: status === "closed" ? updatedAt : null,
    closed_at: status === "closed" ? updatedAt : null,
    next_sla_due_at: nextDue ?? null,
  };
}
