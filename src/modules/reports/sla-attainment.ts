import type { Context } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import { requireStaff } from "../identity/identity-policy.js";
import { peopleCells } from "./people-rollup.js";
import { reportPeriod } from "./report-period.js";
import {
  drillDownQuery,
  groupingLabels,
  metricLabel,
  presentReportClocks,
  type ReportClockView,
} from "./sla-report-labels.js";
import {
  clocksBehind,
  countSettled,
  type SlaGrouping,
  type SlaReportFilters,
} from "./sla-report-repository.js";
import {
  attainmentOf,
  bucketPeriod,
  type SettledCount,
  type SettledCounts,
  type SlaOutcome,
  sumSettled,
} from "./sla-report-rules.js";

export interface SlaReportQuery {
  from?: string | undefined;
  to?: string | undefined;
  policyId?: string | undefined;
  metric?: string | undefined;
  severity?: string | undefined;
  plan?: string | undefined;
  groupId?: string | undefined;
  agentId?: string | undefined;
}

export interface AttainmentFigures {
  met: number;
  breached: number;
  applicable: number;
  /** met / applicable (0–1); null when no target settled. The goal is 1. */
  attainment: number | null;
}

export interface AttainmentRow extends AttainmentFigures {
  key: string | null;
  /** Set when rows are per policy and metric. */
  metric: string | null;
  label: string;
  /** The drill-down's query string for this row's clocks (add `outcome`). */
  filters: Record<string, string>;
}

export interface SlaAttainmentReport {
  from: string;
  to: string;
  groupBy: SlaGrouping;
  /** The goal line: every response target met. */
  goal: 1;
  filters: Record<string, string>;
  total: AttainmentFigures;
  /** Per week (Monday UTC) of the period, for the chart. */
  weekly: AttainmentRow[];
  rows: AttainmentRow[];
  /** The first breaches of the period, oldest first; the drill-down (outcome=breached) lists them all. */
  breaches: ReportClockView[];
  /** Open clocks, soonest due first, with the time left; the drill-down (outcome=open) lists them all. */
  open: ReportClockView[];
}

const listedClocks = 20;

export function slaReportFilters(ctx: Context, query: SlaReportQuery): SlaReportFilters {
  return { ...query, ...reportPeriod(ctx, query) };
}

function figures(met: number, breached: number): AttainmentFigures {
  return { met, breached, applicable: met + breached, attainment: attainmentOf(met, breached) };
}

/**
 * SLA attainment over [from, to) (default the last 30 days): targets met over targets settled in the
 * period (see `sla-report-rules.ts` for which clocks count), in all, per week, and per the chosen
 * grouping (default per policy and metric), with the period's breaches and the clocks still open.
 * Staff only. Reads `sla_report_facts` index ranges: no ticket is scanned.
 */
export async function readSlaAttainment(
  ctx: Context,
  query: SlaReportQuery & { groupBy?: SlaGrouping | undefined },
): Promise<SlaAttainmentReport> {
  requireStaff(ctx.actor);
  const { groupBy: requestedGrouping, ...rest } = query;
  const groupBy = requestedGrouping ?? "policy";
  const filters = slaReportFilters(ctx, rest);
  const [settled, breaches, open] = await Promise.all([
    countSettled(ctx.db, filters, ["week", groupBy]),
    clocksBehind(ctx.db, filters, "breached", { after: null, limit: listedClocks }),
    clocksBehind(ctx.db, filters, "open", { after: null, limit: listedClocks }),
  ]);
  const [total] = sumSettled(settled, null);
  return {
    from: filters.from,
    to: filters.to,
    groupBy,
    goal: 1,
    filters: drillDownQuery(filters),
    total: figures(total?.met ?? 0, total?.breached ?? 0),
    weekly: await attainmentRows(ctx, filters, "week", sumSettled(settled, "week")),
    rows: await attainmentRows(ctx, filters, groupBy, sumSettled(settled, groupBy)),
    breaches: await presentReportClocks(ctx, breaches),
    open: await presentReportClocks(ctx, open),
  };
}

export interface SlaAttainmentSummary {
  from: string;
  to: string;
  goal: 1;
  filters: Record<string, string>;
  total: AttainmentFigures;
  byMetric: AttainmentRow[];
}

/** The period's attainment in all and per metric only: what an overview shows, in two counts. */
export async function readSlaAttainmentSummary(
  ctx: Context,
  query: SlaReportQuery,
): Promise<SlaAttainmentSummary> {
  requireStaff(ctx.actor);
  const filters = slaReportFilters(ctx, query);
  const { from, to, ...narrowing } = filters;
  // Over the whole desk the People rollup's cells (per agent, group and metric) hold the same counts.
  const settled = Object.values(narrowing).every((value) => value === undefined)
    ? await peopleCells(ctx.db, "sla", { from, to })
    : await countSettled(ctx.db, filters, ["metric"]);
  const [total] = sumSettled(settled, null);
  return {
    from: filters.from,
    to: filters.to,
    goal: 1,
    filters: drillDownQuery(filters),
    total: figures(total?.met ?? 0, total?.breached ?? 0),
    byMetric: await attainmentRows(ctx, filters, "metric", sumSettled(settled, "metric")),
  };
}

/** SLA attainment per agent and per group (the owners now) from counts grouped by both: the People report's. */
export function attainmentPerOwner(cells: readonly CountCell<SettledCounts>[]): {
  agents: Map<string | null, AttainmentFigures>;
  groups: Map<string | null, AttainmentFigures>;
} {
  const per = (grouping: "agent" | "group") =>
    new Map(sumSettled(cells, grouping).map((row) => [row.key, figures(row.met, row.breached)]));
  return { agents: per("agent"), groups: per("group") };
}

async function attainmentRows(
  ctx: Context,
  filters: SlaReportFilters,
  grouping: SlaGrouping,
  counts: readonly SettledCount[],
): Promise<AttainmentRow[]> {
  const labels = await groupingLabels(
    ctx,
    grouping,
    counts.map((row) => row.key).filter((key) => key !== null),
  );
  const rows = counts.map((row) => {
    const name = row.key === null ? "None" : (labels.get(row.key) ?? row.key);
    return {
      ...figures(row.met, row.breached),
      key: row.key,
      metric: row.metric,
      label: row.metric === null ? name : `${name} · ${metricLabel(row.metric)}`,
      filters: drillDownQuery(narrowedTo(filters, grouping, row.key, row.metric)),
    };
  });
  const chronological = grouping === "week" || grouping === "month";
  return rows.sort((a, b) =>
    chronological ? (a.key ?? "").localeCompare(b.key ?? "") : a.label.localeCompare(b.label),
  );
}

/** The filters of one row: the report's, narrowed by the row's key (a week or month narrows the period). */
function narrowedTo(
  filters: SlaReportFilters,
  grouping: SlaGrouping,
  key: string | null,
  metric: string | null,
): SlaReportFilters {
  const none = key ?? "none";
  switch (grouping) {
    case "policy":
      return { ...filters, policyId: none, metric: metric ?? undefined };
    case "metric":
      return { ...filters, metric: none };
    case "severity":
      return { ...filters, severity: none };
    case "plan":
      return { ...filters, plan: none };
    case "group":
      return { ...filters, groupId: none };
    case "agent":
      return { ...filters, agentId: none };
    case "week":
    case "month": {
      if (key === null) return filters;
      const bucket = bucketPeriod(grouping, key);
      return {
        ...filters,
        from: bucket.from.localeCompare(filters.from) > 0 ? bucket.from : filters.from,
        to: bucket.to.localeCompare(filters.to) < 0 ? bucket.to : filters.to,
      };
    }
  }
}

export type DrillDownOutcome = SlaOutcome | "stopped";

/**
 * The clocks behind a figure, keyset-paginated: met or breached in the period (by settling instant),
 * stopped in it (the Times report's figures), or open now (soonest due first).
 */
export async function listReportClocks(
  ctx: Context,
  query: SlaReportQuery & {
    outcome: DrillDownOutcome;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<Page<ReportClockView>> {
  requireStaff(ctx.actor);
  const { outcome, cursor, limit: requestedLimit, ...rest } = query;
  const filters = slaReportFilters(ctx, rest);
  const limit = requestedLimit ?? 50;
  const rows = await clocksBehind(ctx.db, filters, outcome, {
    after: cursor === undefined ? null : decodeCursor(cursor),
    limit: limit + 1,
  });
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    items: await presentReportClocks(ctx, pageRows),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ value: last.sort_key, id: last.clock_id }) : null,
  };
}
