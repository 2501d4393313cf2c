import type { Context } from "../../shared/context.js";
import { findSettingsRow } from "../health/health-repository.js";
import { loadSupportCalendar } from "../health/health-rules-in-force.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { countFigurePerHourRolledUp } from "./flow-hourly-counts.js";
import {
  countBacklogByStatus,
  type FigureTicketRow,
  type FlowFigure,
  flowFigures,
  type Period,
  type TicketFilters,
  ticketsBehindFigure,
  ticketsInBacklog,
} from "./flow-repository.js";
import {
  type AgeBucketKey,
  ageBucketKeys,
  ageBucketLabel,
  backlogStatuses,
  dailyByChannel,
  localDateBounds,
} from "./flow-rules.js";
import { reportPeriod } from "./report-period.js";

export interface FlowReportQuery extends TicketFilters {
  from?: string | undefined;
  to?: string | undefined;
}

export interface FlowDay {
  date: string;
  /** The local day's instants, [from, to): the drill-down's period for this day. */
  from: string;
  to: string;
  figures: Record<FlowFigure, { total: number; byChannel: Record<string, number> }>;
}

export interface FlowReport {
  from: string;
  to: string;
  /** The support calendar's zone (UTC without one): what a day is. */
  timeZone: string;
  filters: TicketFilters;
  /** Every channel with something in the period, sorted. */
  channels: string[];
  totals: Record<FlowFigure, number>;
  days: FlowDay[];
  backlog: {
    total: number;
    byStatus: { status: string; count: number }[];
    byAge: { age: AgeBucketKey; label: string; count: number; byStatus: Record<string, number> }[];
  };
}

/**
 * Created, solved, reopened, auto-solved, unacknowledged by end of day and idle over a business day,
 * per local day and channel, with the backlog by status and age now. Staff only. Solves and reopens
 * are status changes (a ticket solved twice counts twice); health figures are the flags the sweep
 * raised, so they follow the health rules exactly. Group and agent filters are the ticket's now.
 */
export async function readFlowReport({
  ctx,
  query,
}: {
  ctx: Context;
  query: FlowReportQuery;
}): Promise<FlowReport> {
  requireStaff(ctx.actor);
  const scope = tenantScopeOf(ctx.actor);
  const period = reportPeriod(ctx, query);
  const filters = filtersOf(query);
  const timeZone = await deskTimeZone(ctx);
  const from = new Date(period.from);
  const to = new Date(period.to);

  const daily = new Map<FlowFigure, ReturnType<typeof dailyByChannel>>();
  const channels = new Set<string>();
  // Independent index ranges: on PostgreSQL they run on several pooled connections at once.
  const [hourlyPerFigure, backlog] = await Promise.all([
    Promise.all(
      flowFigures.map((figure) => countFigurePerHourRolledUp(ctx.db, scope, figure, period, filters)),
    ),
    readFlowBacklog(ctx, filters),
  ]);
  for (const [index, figure] of flowFigures.entries()) {
    const hourly = hourlyPerFigure[index] ?? [];
    for (const { channel } of hourly) channels.add(channel);
    daily.set(figure, dailyByChannel(timeZone, from, to, hourly));
  }
  const dates = daily.get("created")?.map((day) => day.date) ?? [];
  const days = dates.map((date, index) => ({
    date,
    ...localDateBounds(timeZone, date),
    figures: Object.fromEntries(
      flowFigures.map((figure) => {
        const day = daily.get(figure)?.[index];
        return [figure, { total: day?.total ?? 0, byChannel: day?.byChannel ?? {} }];
      }),
    ) as FlowDay["figures"],
  }));
  const totals = Object.fromEntries(
    flowFigures.map((figure) => [figure, days.reduce((sum, day) => sum + day.figures[figure].total, 0)]),
  ) as Record<FlowFigure, number>;

  return {
    ...period,
    timeZone,
    filters,
    channels: [...channels].sort(),
    totals,
    days,
    backlog,
  };
}

/** The backlog now, per status and per age bucket. */
export async function readFlowBacklog(ctx: Context, filters: TicketFilters): Promise<FlowReport["backlog"]> {
  const now = ctx.clock.now();
  const scope = tenantScopeOf(ctx.actor);
  const byStatus = new Map<string, number>(backlogStatuses.map((status) => [status, 0]));
  const byAge: FlowReport["backlog"]["byAge"] = [];
  const countsPerAge = await Promise.all(
    ageBucketKeys.map((age) => countBacklogByStatus(ctx.db, scope, age, now, filters)),
  );
  for (const [index, age] of ageBucketKeys.entries()) {
    const counts = countsPerAge[index] ?? [];
    const ageByStatus: Record<string, number> = Object.fromEntries(
      backlogStatuses.map((status) => [status, 0]),
    );
    for (const { status, count } of counts) {
      ageByStatus[status] = count;
      byStatus.set(status, (byStatus.get(status) ?? 0) + count);
    }
    byAge.push({
      age,
      label: ageBucketLabel(age),
      count: counts.reduce((sum, row) => sum + row.count, 0),
      byStatus: ageByStatus,
    });
  }
  return {
    total: byAge.reduce((sum, bucket) => sum + bucket.count, 0),
    byStatus: [...byStatus].map(([status, count]) => ({ status, count })),
    byAge,
  };
}

async function deskTimeZone(ctx: Context): Promise<string> {
  const settings = await findSettingsRow(ctx.db);
  const { calendar } = await loadSupportCalendar(ctx.db, settings.calendar_id);
  return calendar?.timeZone ?? "UTC";
}

function filtersOf(query: TicketFilters): TicketFilters {
  return {
    ...(query.channel === undefined ? {} : { channel: query.channel }),
    ...(query.groupId === undefined ? {} : { groupId: query.groupId }),
    ...(query.agentId === undefined ? {} : { agentId: query.agentId }),
  };
}

export type FlowTicketsFigure = FlowFigure | "backlog";

export interface FlowTicketsQuery extends FlowReportQuery {
  figure: FlowTicketsFigure;
  /** Backlog only: some statuses, one age bucket. */
  status?: string[] | undefined;
  age?: AgeBucketKey | undefined;
  limit?: number | undefined;
}

export interface FlowTicketView {
  number: number;
  subject: string;
  status: string;
  channel: string;
  createdAt: string;
  /** When the ticket counted: its arrival, the status change, or the flag's raising. */
  at: string;
}

export interface FlowTickets {
  tickets: FlowTicketView[];
  /** More tickets are behind the figure than were listed. */
  truncated: boolean;
}

/**
 * The tickets behind a Flow or People figure: the same selection as its count, so following a figure
 * lists exactly what it counted (up to `limit`; `truncated` says there were more).
 */
export async function readFlowTickets({
  ctx,
  query,
}: {
  ctx: Context;
  query: FlowTicketsQuery;
}): Promise<FlowTickets> {
  requireStaff(ctx.actor);
  const scope = tenantScopeOf(ctx.actor);
  const limit = query.limit ?? 100;
  const filters = filtersOf(query);
  const rows =
    query.figure === "backlog"
      ? await ticketsInBacklog(ctx.db, scope, query, ctx.clock.now(), filters, limit + 1)
      : await ticketsBehindFigure(
          ctx.db,
          scope,
          query.figure,
          reportPeriod(ctx, query) as Period,
          filters,
          limit + 1,
        );
  return { tickets: rows.slice(0, limit).map(presentFlowTicket), truncated: rows.length > limit };
}

function presentFlowTicket(row: FigureTicketRow): FlowTicketView {
  return {
    number: row.number,
    subject: row.subject,
    status: row.status,
    channel: row.channel,
    createdAt: row.created_at,
    at: row.at,
  };
}
