import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { type SlaReportQuery, slaReportFilters } from "./sla-attainment.js";
import { drillDownQuery, groupingLabels, metricLabel } from "./sla-report-labels.js";
import { stoppedDurations } from "./sla-report-repository.js";
import type { DurationFigures } from "./sla-report-rules.js";
import { stoppedDurationsRolledUp } from "./stopped-duration-digests.js";

const timedMetrics = ["first_response", "next_response", "resolution"] as const;
const dayMs = 24 * 60 * 60 * 1000;
/** The teams Tend models aim to resolve within a week on average. */
export const defaultResolutionGoalDays = 7;

export interface TimesRow {
  policyId: string;
  policyName: string;
  metric: string;
  label: string;
  /** Clocks stopped in the period. */
  count: number;
  /** Open time on the policy's calendar. */
  business: DurationFigures;
  /** Wall time from start to stop, pauses included. */
  calendar: DurationFigures;
  /** Drill-down query (outcome=stopped). */
  filters: Record<string, string>;
}

export interface TimesReport {
  from: string;
  to: string;
  filters: Record<string, string>;
  rows: TimesRow[];
  /** The average resolution (calendar time, every policy's resolution clocks) against the goal. */
  resolution: {
    goalDays: number;
    goalMs: number;
    count: number;
    meanMs: number | null;
    /** null without a resolved ticket in the period. */
    withinGoal: boolean | null;
  };
}

/**
 * First response, next response and resolution times of the clocks that stopped in [from, to), per
 * policy and metric (a policy's business time is counted on its own calendar, so policies are not
 * mixed): median, p90 and mean in business and calendar time, and the mean resolution against the
 * goal (`resolutionGoalDays`, default a week). Staff only; one covering index range (`stoppedDurations`).
 */
export async function readSlaTimes(
  ctx: Context,
  query: SlaReportQuery & { resolutionGoalDays?: number | undefined },
): Promise<TimesReport> {
  requireStaff(ctx.actor);
  const { resolutionGoalDays, ...rest } = query;
  const filters = slaReportFilters(ctx, rest);
  const { severity, plan, groupId, agentId } = filters;
  // The digests hold every clock of a policy and metric; the ticket attributes narrow only the facts.
  const stopped = [severity, plan, groupId, agentId].every((filter) => filter === undefined)
    ? await stoppedDurationsRolledUp(
        ctx.db,
        filters,
        filters.metric === undefined
          ? timedMetrics
          : timedMetrics.filter((metric) => metric === filters.metric),
        filters.policyId,
      )
    : await stoppedDurations(ctx.db, ctx.dialect, filters, timedMetrics);
  const names = await groupingLabels(ctx, "policy", [...new Set(stopped.map((entry) => entry.policyId))]);
  const metricOrder = (metric: string) => timedMetrics.indexOf(metric as (typeof timedMetrics)[number]);
  const rows = stopped
    .map((entry) => {
      const policyName = names.get(entry.policyId) ?? "Removed policy";
      return {
        policyId: entry.policyId,
        policyName,
        metric: entry.metric,
        label: `${policyName} · ${metricLabel(entry.metric)}`,
        count: entry.count,
        business: entry.business,
        calendar: entry.calendar,
        filters: drillDownQuery({ ...filters, policyId: entry.policyId, metric: entry.metric }),
      };
    })
    .sort(
      (a, b) => metricOrder(a.metric) - metricOrder(b.metric) || a.policyName.localeCompare(b.policyName),
    );

  const goalDays = resolutionGoalDays ?? defaultResolutionGoalDays;
  const resolved = stopped.filter((entry) => entry.metric === "resolution");
  const resolutions = resolved.reduce((count, entry) => count + entry.count, 0);
  const meanMs =
    resolutions === 0
      ? null
      : Math.round(resolved.reduce((sum, entry) => sum + entry.calendarSumMs, 0) / resolutions);
  return {
    from: filters.from,
    to: filters.to,
    filters: drillDownQuery(filters),
    rows,
    resolution: {
      goalDays,
      goalMs: goalDays * dayMs,
      count: resolutions,
      meanMs,
      withinGoal: meanMs === null ? null : meanMs <= goalDays * dayMs,
    },
  };
}
