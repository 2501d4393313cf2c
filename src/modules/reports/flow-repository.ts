import { type Expression, type SqlBool, sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import type { HealthFlagKind } from "../health/health-rules.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { pendingAutoSolveReason } from "../tickets/lifecycle-rules.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import {
  type AgeBucketKey,
  ageBucketCreatedRange,
  backlogStatuses,
  type HourlyCount,
  reopenedFrom,
  reopenedTo,
} from "./flow-rules.js";

/**
 * The Flow report's SQL. Every per-period figure is one range on an index that leads with (what, when)
 * and carries the columns the filters read (`2026-12-05T1000-flow-and-people-report-indexes.ts`),
 * counted per UTC hour and channel; the backlog is a range over the live statuses. Nothing here reads
 * a ticket outside the period or the backlog.
 */

export interface TicketFilters {
  channel?: string | undefined;
  groupId?: string | undefined;
  /** The assignee. */
  agentId?: string | undefined;
}

export interface Period {
  from: string;
  to: string;
}

/** The figures counted per day: arrivals, status changes and health flags raised. */
export const flowFigures = ["created", "solved", "reopened", "autoSolved", "unacknowledged", "idle"] as const;
export type FlowFigure = (typeof flowFigures)[number];

const healthFlagOf: Record<"unacknowledged" | "idle", HealthFlagKind> = {
  unacknowledged: "unacknowledged_end_of_day",
  idle: "open_over_a_day",
};

function ticketConditions(filters: TicketFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (filters.channel !== undefined) conditions.push(sql`tickets.channel = ${filters.channel}`);
  if (filters.groupId !== undefined) conditions.push(sql`tickets.group_id = ${filters.groupId}`);
  if (filters.agentId !== undefined) conditions.push(sql`tickets.assignee_id = ${filters.agentId}`);
  return conditions;
}

/** The UTC hour of an instant column; the literal 1 and 13 stay in the SQL so both dialects group by it. */
const hourOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 13)`;

/**
 * The rows behind a figure, each with the instant it counts at: the ticket's arrival, the status
 * change, or the flag's raising. Shared by the counts and the drill-down, so both select alike.
 */
function figureRows(
  db: DbExecutor,
  scope: TenantScope,
  figure: FlowFigure,
  period: Period,
  filters: TicketFilters,
) {
  const tickets = ticketsIn(db, scope).where((eb) => eb.and(ticketConditions(filters)));
  switch (figure) {
    case "created":
      return tickets
        .where("tickets.created_at", ">=", period.from)
        .where("tickets.created_at", "<", period.to)
        .select(["tickets.created_at as at"]);
    case "solved":
    case "autoSolved":
      return tickets
        .innerJoin("ticket_events as e", "e.ticket_id", "tickets.id")
        .where("e.field", "=", "status")
        .where("e.to_value", "=", "solved")
        .where("e.created_at", ">=", period.from)
        .where("e.created_at", "<", period.to)
        .$if(figure === "autoSolved", (query) => query.where("e.reason", "=", pendingAutoSolveReason))
        .select(["e.created_at as at"]);
    case "reopened":
      return tickets
        .innerJoin("ticket_events as e", "e.ticket_id", "tickets.id")
        .where("e.field", "=", "status")
        .where("e.from_value", "=", reopenedFrom)
        .where("e.to_value", "in", reopenedTo)
        .where("e.created_at", ">=", period.from)
        .where("e.created_at", "<", period.to)
        .select(["e.created_at as at"]);
    case "unacknowledged":
    case "idle":
      return tickets
        .innerJoin("ticket_health_flags as f", "f.ticket_id", "tickets.id")
        .where("f.flag", "=", healthFlagOf[figure])
        .where("f.raised_at", ">=", period.from)
        .where("f.raised_at", "<", period.to)
        .select(["f.raised_at as at"]);
  }
}

const instantColumnOf: Record<FlowFigure, string> = {
  created: "tickets.created_at",
  solved: "e.created_at",
  autoSolved: "e.created_at",
  reopened: "e.created_at",
  unacknowledged: "f.raised_at",
  idle: "f.raised_at",
};

/** A figure per UTC hour and channel over the period. */
export async function countFigurePerHour(
  db: DbExecutor,
  scope: TenantScope,
  figure: FlowFigure,
  period: Period,
  filters: TicketFilters,
): Promise<HourlyCount[]> {
  const hour = hourOf(instantColumnOf[figure]);
  const rows = await figureRows(db, scope, figure, period, filters)
    .clearSelect()
    .select((eb) => [
      hour.as("hour"),
      "tickets.channel as channel",
      eb.fn.countAll<number | string>().as("count"),
    ])
    .groupBy([hour, "tickets.channel"])
    .execute();
  return rows.map((row) => ({ hour: row.hour, channel: row.channel, count: Number(row.count) }));
}

/** The backlog at `now` per status, in one age bucket or (undefined) of any age. */
export async function countBacklogByStatus(
  db: DbExecutor,
  scope: TenantScope,
  bucket: AgeBucketKey | undefined,
  now: Date,
  filters: TicketFilters,
): Promise<{ status: string; count: number }[]> {
  const rows = await backlogRows(db, scope, bucket, now, filters, undefined)
    .select((eb) => ["tickets.status", eb.fn.countAll<number | string>().as("count")])
    .groupBy("tickets.status")
    .execute();
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}

function backlogRows(
  db: DbExecutor,
  scope: TenantScope,
  bucket: AgeBucketKey | undefined,
  now: Date,
  filters: TicketFilters,
  statuses: readonly string[] | undefined,
) {
  const range = bucket === undefined ? null : ageBucketCreatedRange(bucket, now);
  return ticketsIn(db, scope)
    .where(
      "tickets.status",
      "in",
      statuses === undefined || statuses.length === 0 ? backlogStatuses : statuses,
    )
    .$if(range !== null, (query) => query.where("tickets.created_at", "<=", range?.createdAtOrBefore ?? ""))
    .$if(range?.createdAfter != null, (query) =>
      query.where("tickets.created_at", ">", range?.createdAfter ?? ""),
    )
    .where((eb) => eb.and(ticketConditions(filters)));
}

export interface FigureTicketRow {
  id: string;
  number: number;
  subject: string;
  status: string;
  channel: string;
  created_at: string;
  at: string;
}

const ticketColumns = [
  "tickets.id",
  "tickets.number",
  "tickets.subject",
  "tickets.status",
  "tickets.channel",
  "tickets.created_at",
] as const;

/** The tickets behind a per-period figure, latest first (a ticket once per occurrence). */
export async function ticketsBehindFigure(
  db: DbExecutor,
  scope: TenantScope,
  figure: FlowFigure,
  period: Period,
  filters: TicketFilters,
  limit: number,
): Promise<FigureTicketRow[]> {
  return figureRows(db, scope, figure, period, filters)
    .select(ticketColumns)
    .orderBy("at", "desc")
    .orderBy("tickets.number", "desc")
    .limit(limit)
    .execute();
}

/** The backlog tickets of some statuses and an age bucket (either may be absent), oldest first. */
export async function ticketsInBacklog(
  db: DbExecutor,
  scope: TenantScope,
  selection: { status?: readonly string[] | undefined; age?: AgeBucketKey | undefined },
  now: Date,
  filters: TicketFilters,
  limit: number,
): Promise<FigureTicketRow[]> {
  return backlogRows(db, scope, selection.age, now, filters, selection.status)
    .select([...ticketColumns, "tickets.created_at as at"])
    .orderBy("tickets.created_at")
    .orderBy("tickets.number")
    .limit(limit)
    .execute();
}

/**
 * A figure over the period per assignee and group together (the ticket's, as it stands now): one scan
 * that `countsPer` reads per agent and per group.
 */
export async function countFigurePerOwner(
  db: DbExecutor,
  scope: TenantScope,
  figure: FlowFigure,
  period: Period,
  filters: TicketFilters,
): Promise<CountCell<{ count: number }>[]> {
  const rows = await figureRows(db, scope, figure, period, filters)
    .clearSelect()
    .select((eb) => [
      "tickets.assignee_id",
      "tickets.group_id",
      "tickets.channel",
      eb.fn.countAll<number | string>().as("count"),
    ])
    .groupBy(["tickets.assignee_id", "tickets.group_id", "tickets.channel"])
    .execute();
  return rows.map((row) => ({
    by: { agent: row.assignee_id, group: row.group_id, channel: row.channel },
    counts: { count: Number(row.count) },
  }));
}
