import { sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { SlaClocksTable } from "../../db/tables.js";
import { newId } from "../../shared/ids.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import { nearestOwedClock } from "./owed-clock.js";
import type { ComputedClock } from "./sla-types.js";

export type SlaClockRow = SlaClocksTable;

const keyOf = (clock: { policy_id: string; target_key: string; cycle: number }) =>
  `${clock.policy_id}|${clock.target_key}|${clock.cycle}`;

export async function clocksOfTicket(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<SlaClockRow[]> {
  return db
    .selectFrom("sla_clocks")
    .selectAll()
    .where("ticket_id", "=", ticketId)
    .$if(scope.kind !== "all", (query) =>
      query.where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    )
    .orderBy("started_at")
    .orderBy("id")
    .execute();
}

/**
 * Stores a ticket's freshly computed clocks over the previous ones: rows keep their id and the
 * instant a warning was sent; clocks that no longer apply (a target re-derived after a severity
 * change) are removed. Keeps `tickets.next_sla_due_at` — the nearest running due time — in step.
 * Writes only what changed: every ticket change recomputes its clocks, and on PostgreSQL each
 * statement is a round trip inside the change's transaction.
 */
export async function saveTicketClocks(
  db: DbExecutor,
  dialect: DialectKind,
  {
    ticketId,
    previous,
    previousNextDue,
    clocks,
    at,
  }: {
    ticketId: string;
    previous: SlaClockRow[];
    /** `tickets.next_sla_due_at` as read with `previous`; undefined when not read, which writes it. */
    previousNextDue: string | null | undefined;
    clocks: ComputedClock[];
    at: string;
  },
): Promise<SlaClockRow[]> {
  const previousByKey = new Map(previous.map((row) => [keyOf(row), row]));
  const saved: SlaClockRow[] = [];
  const added: SlaClockRow[] = [];
  const changed: SlaClockRow[] = [];
  for (const clock of clocks) {
    const before = previousByKey.get(
      keyOf({ policy_id: clock.policyId, target_key: clock.targetKey, cycle: clock.cycle }),
    );
    const row = clockRow(ticketId, clock, before, at);
    if (before) {
      previousByKey.delete(keyOf(before));
      if (!sameClock(before, row)) changed.push(row);
    } else {
      added.push(row);
    }
    saved.push(row);
  }
  await updateClockRows(db, dialect, changed);
  await insertClockRows(db, added);
  const stale = [...previousByKey.values()].map((row) => row.id);
  if (stale.length > 0) await db.deleteFrom("sla_clocks").where("id", "in", stale).execute();

  const nextDue = nearestOwedClock(saved)?.due_at ?? null;
  if (nextDue !== previousNextDue)
    await db.updateTable("tickets").set({ next_sla_due_at: nextDue }).where("id", "=", ticketId).execute();
  return saved;
}

/** Rewrites clocks in place; on PostgreSQL in one statement, the rows passed as one JSON parameter. */
async function updateClockRows(db: DbExecutor, dialect: DialectKind, rows: readonly SlaClockRow[]) {
  if (dialect === "postgres" && rows.length > 1) {
    await sql`UPDATE sla_clocks AS c SET ticket_id = v.ticket_id, policy_id = v.policy_id,
        target_key = v.target_key, metric = v.metric, cycle = v.cycle, state = v.state,
        started_at = v.started_at, due_at = v.due_at, warn_at = v.warn_at, achieved_at = v.achieved_at,
        breached_at = v.breached_at, warned_at = v.warned_at, used_ms = v.used_ms,
        paused_ms = v.paused_ms, target_ms = v.target_ms, updated_at = v.updated_at
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id text, ticket_id text,
        policy_id text, target_key text, metric text, cycle integer, state text, started_at text,
        due_at text, warn_at text, achieved_at text, breached_at text, warned_at text,
        used_ms bigint, paused_ms bigint, target_ms bigint, updated_at text)
      WHERE c.id = v.id`.execute(db);
    return;
  }
  for (const { id, ...changes } of rows)
    await db.updateTable("sla_clocks").set(changes).where("id", "=", id).execute();
}

/** A ticket's first clocks, as the rows to store once its own row is written (`insertClockRows`). */
export function firstClockRows(
  ticketId: string,
  clocks: readonly ComputedClock[],
  at: string,
): SlaClockRow[] {
  return clocks.map((clock) => clockRow(ticketId, clock, undefined, at));
}

/** New clocks in one statement: each statement is a round trip on PostgreSQL. */
export async function insertClockRows(db: DbExecutor, rows: readonly SlaClockRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("sla_clocks").values(rows).execute();
}

/** A computed clock as its row: the row it replaces keeps its id and the instant a warning was sent. */
function clockRow(
  ticketId: string,
  clock: ComputedClock,
  before: SlaClockRow | undefined,
  at: string,
): SlaClockRow {
  return {
    id: before?.id ?? newId(),
    ticket_id: ticketId,
    policy_id: clock.policyId,
    target_key: clock.targetKey,
    metric: clock.metric,
    cycle: clock.cycle,
    state: clock.state,
    started_at: clock.startedAt.toISOString(),
    due_at: clock.dueAt?.toISOString() ?? null,
    warn_at: clock.warnAt?.toISOString() ?? null,
    achieved_at: clock.achievedAt?.toISOString() ?? null,
    breached_at: clock.breachedAt?.toISOString() ?? null,
    warned_at: before?.warned_at ?? null,
    used_ms: Math.round(clock.usedMs),
    paused_ms: Math.round(clock.pausedMs),
    target_ms: clock.targetMs,
    updated_at: at,
  };
}

function sameClock(a: SlaClockRow, b: SlaClockRow): boolean {
  return (
    a.state === b.state &&
    a.due_at === b.due_at &&
    a.warn_at === b.warn_at &&
    a.achieved_at === b.achieved_at &&
    a.breached_at === b.breached_at &&
    a.used_ms === b.used_ms &&
    a.paused_ms === b.paused_ms &&
    a.target_ms === b.target_ms &&
    a.started_at === b.started_at
  );
}

/** The breach scan: running clocks whose due time has passed — one range query on (state, due_at). */
export async function ticketsWithClocksDue(db: DbExecutor, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("sla_clocks")
    .select("ticket_id")
    .where("state", "=", "running")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .limit(limit)
    .execute();
  return [...new Set(rows.map((r) => r.ticket_id))];
}

/** Running clocks past their warning share that have not warned yet. */
export async function clocksToWarn(db: DbExecutor, now: string, limit: number): Promise<SlaClockRow[]> {
  return db
    .selectFrom("sla_clocks")
    .selectAll()
    .where("state", "=", "running")
    .where("warn_at", "<=", now)
    .where("warned_at", "is", null)
    .orderBy("warn_at")
    .limit(limit)
    .execute();
}

/** Marks a warning sent, once: of two scanners, only the one whose update lands sends it. */
export async function markClockWarned(db: DbExecutor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("sla_clocks")
    .set({ warned_at: at })
    .where("id", "=", id)
    .where("warned_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The names clocks are shown under, by their `policy_id`, as the ticket's SLA panel words them: a
 * clock belongs to a policy, or to a customer exception standing in for one ("Contract SLA
 * (exception: …)"); an id found in neither is a policy since removed.
 */
export async function clockPolicyNames(
  db: DbExecutor,
  scope: TenantScope,
  policyIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(policyIds)];
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const policies = await db
    .selectFrom("sla_policies")
    .select(["id", "name"])
    .where("id", "in", ids)
    .execute();
  for (const policy of policies) names.set(policy.id, policy.name);
  const exceptions = await db
    .selectFrom("sla_customer_exceptions")
    .leftJoin("sla_policies", "sla_policies.id", "sla_customer_exceptions.policy_id")
    .select(["sla_customer_exceptions.id", "sla_customer_exceptions.reason", "sla_policies.name"])
    .where("sla_customer_exceptions.id", "in", ids)
    // A customer sees only their organization's exceptions named; the rest stay "Removed policy".
    .$if(scope.kind === "organization", (query) =>
      query.where(
        "sla_customer_exceptions.organization_id",
        "=",
        scope.kind === "organization" ? scope.organizationId : "",
      ),
    )
    .$if(scope.kind === "requester", (query) =>
      query.where(
        "sla_customer_exceptions.organization_id",
        "in",
        db
          .selectFrom("people")
          .select("people.organization_id")
          .where("people.id", "=", scope.kind === "requester" ? scope.requesterId : ""),
      ),
    )
    .execute();
  for (const exception of exceptions)
    names.set(
      exception.id,
      exception.name
        ? `${exception.name} (exception: ${exception.reason})`
        : `Customer exception (${exception.reason})`,
    );
  for (const id of ids) if (!names.has(id)) names.set(id, "Removed policy");
  return names;
}
