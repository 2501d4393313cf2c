import type { Context } from "../../shared/context.js";
import { listGroupRows } from "../identity/group-repository.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { metricWords } from "../sla/recompute-ticket-sla.js";
import { clockPolicyNames } from "../sla/sla-clock-repository.js";
import type { SlaMetric } from "../sla/sla-types.js";
import type { ReportClockRow, SlaGrouping, SlaReportFilters } from "./sla-report-repository.js";

/** The names a report shows for the ids it counted by. */
export async function groupingLabels(
  ctx: Context,
  grouping: SlaGrouping | null,
  keys: string[],
): Promise<Map<string, string>> {
  const scope = tenantScopeOf(ctx.actor);
  switch (grouping) {
    case "policy":
      return clockPolicyNames(ctx.db, scope, keys);
    case "group":
      return new Map((await listGroupRows(ctx.db)).map((group) => [group.id, group.name]));
    case "agent":
      return new Map((await findPeopleByIds(ctx.db, scope, keys)).map((person) => [person.id, person.name]));
    case "metric":
      return new Map(keys.map((key) => [key, metricLabel(key)]));
    case "week":
      return new Map(keys.map((key) => [key, `Week of ${key}`]));
    default:
      return new Map(keys.map((key) => [key, key]));
  }
}

export function metricLabel(metric: string): string {
  return metricWords[metric as SlaMetric] ?? metric;
}

/** The query string values that narrow a report's filters to one of its rows, for its drill-down link. */
export function drillDownQuery(filters: SlaReportFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(filters)) if (value !== undefined) query[name] = value;
  return query;
}

export interface ReportClockView {
  ticketNumber: number;
  subject: string;
  policyName: string;
  metric: string;
  outcome: string;
  severity: string;
  startedAt: string;
  dueAt: string | null;
  settledAt: string | null;
  /** Business time used so far (ms). */
  usedMs: number;
  targetMs: number;
  /** Open clocks: time to breach from now, on the wall clock (negative once past due); null while paused. */
  timeLeftMs: number | null;
}

export async function presentReportClocks(ctx: Context, rows: ReportClockRow[]): Promise<ReportClockView[]> {
  const names = await clockPolicyNames(
    ctx.db,
    tenantScopeOf(ctx.actor),
    rows.map((row) => row.policy_id),
  );
  const now = ctx.clock.now().getTime();
  return rows.map((row) => ({
    ticketNumber: row.ticket_number,
    subject: row.subject,
    policyName: names.get(row.policy_id) ?? "Removed policy",
    metric: row.metric,
    outcome: row.outcome,
    severity: row.severity,
    startedAt: row.started_at,
    dueAt: row.due_at,
    settledAt: row.settled_at,
    usedMs: row.business_ms,
    targetMs: row.target_ms,
    timeLeftMs: row.outcome === "open" && row.due_at !== null ? Date.parse(row.due_at) - now : null,
  }));
}
