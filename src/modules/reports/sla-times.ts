import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { type SlaReportQuery, slaReportFilters } from "./sla-attainment.js";
import { drillDownQuery, groupingLabels, metricLabel } from "./sla-report-labels.js";
import { stoppedClocks } from "./sla-report-repository.js";
import { type DurationFigures, durationFigures } from "./sla-report-rules.js";

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
 * goal (`resolutionGoalDays`, default a week). Staff only; one covering index range, sorted here.
 */
export async function readSlaTimes(
  ctx: Context,
  query: SlaReportQuery & { resolutionGoalDays?: number | undefined },
): Promise<TimesReport> {
  requireStaff(ctx.actor);
  const { resolutionGoalDays, ...rest } = query;
  const filters = slaReportFilters(ctx, rest);
  const stopped = await stoppedClocks(ctx.db, filters, timedMetrics);
  const byPolicyMetric = new Map<
    string,
    { policyId: string; metric: string; business: number[]; calendar: number[] }
  >();
  for (const clock of stopped) {
    const key = `${clock.policy_id}|${clock.metric}`;
    let entry = byPolicyMetric.get(key);
    if (!entry) {
      entry = { policyId: clock.policy_id, metric: clock.metric, business: [], calendar: [] };
      byPolicyMetric.set(key, entry);
    }
    entry.business.push(clock.business_ms);
    entry.calendar.push(clock.calendar_ms);
  }
  const names = await groupingLabels(ctx, "policy", [...new Set(stopped.map((clock) => clock.policy_id))]);
  const metricOrder = (metric: string) => timedMetrics.indexOf(metric as (typeof timedMetrics)[number]);
  const rows = [...byPolicyMetric.values()]
    .map((entry) => {
      const policyName = names.get(entry.policyId) ?? "Removed policy";
      return {
        policyId: entry.policyId,
        policyName,
        metric: entry.metric,
        label: `${policyName} · ${metricLabel(entry.metric)}`,
        count: entry.business.length,
        business: durationFigures(entry.business),
        calendar: durationFigures(entry.calendar),
        filters: drillDownQuery({ ...filters, policyId: entry.policyId, metric: entry.metric }),
      };
    })
    .sort(
      (a, b) => metricOrder(a.metric) - metricOrder(b.metric) || a.policyName.localeCompare(b.policyName),
    );

  const goalDays = resolutionGoalDays ?? defaultResolutionGoalDays;
  const resolutions = stopped
    .filter((clock) => clock.metric === "resolution")
    .map((clock) => clock.calendar_ms);
  const { meanMs } = durationFigures(resolutions);
  return {
    from: filters.from,
    to: filters.to,
    filters: drillDownQuery(filters),
    rows,
    resolution: {
      goalDays,
      goalMs: goalDays * dayMs,
      count: resolutions.length,
      meanMs,
      withinGoal: meanMs === null ? null : meanMs <= goalDays * dayMs,
    },
  };
}
