import type { SlaReportFactsTable } from "../../db/tables.js";
import { type CountCell, sumCells } from "../../shared/grouped-counts.js";

/**
 * The SLA reports' rules, pure: which outcome a clock has, when it settled and in which week and month,
 * and the figures (attainment, median, p90, mean) made of counted rows.
 *
 * - A clock *settles* when its outcome becomes known: met at `achieved_at` (answered or solved before its
 *   due time), breached at `breached_at` (its due time passed unanswered). The attainment report for
 *   [from, to) counts the clocks that settled in it; running and paused ones are *open* and listed with
 *   the time left, whatever the period.
 * - A clock *stops* at `achieved_at`, breached or not: the Times report counts stopped clocks by that
 *   instant, in business time (`used_ms`, open time on the policy's calendar) and calendar time
 *   (`achieved_at - started_at`, pauses included).
 * - Weeks start on Monday 00:00 UTC, months on the 1st UTC.
 */

export type SlaOutcome = "met" | "breached" | "open";

const dayMs = 24 * 60 * 60 * 1000;

/** The Monday (UTC, YYYY-MM-DD) of the week holding `at`. */
export function weekOf(at: string): string {
  const instant = new Date(at);
  const sinceMonday = (instant.getUTCDay() + 6) % 7;
  const midnight = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
  return new Date(midnight - sinceMonday * dayMs).toISOString().slice(0, 10);
}

export function monthOf(at: string): string {
  return at.slice(0, 7);
}

/** [from, to) of a week or month bucket, as instants. */
export function bucketPeriod(kind: "week" | "month", bucket: string): { from: string; to: string } {
  if (kind === "week") {
    const from = Date.parse(`${bucket}T00:00:00.000Z`);
    return { from: new Date(from).toISOString(), to: new Date(from + 7 * dayMs).toISOString() };
  }
  const [year, month] = bucket.split("-").map(Number) as [number, number];
  return {
    from: new Date(Date.UTC(year, month - 1, 1)).toISOString(),
    to: new Date(Date.UTC(year, month, 1)).toISOString(),
  };
}

export interface ClockForFacts {
  id: string;
  policy_id: string;
  metric: string;
  state: string;
  started_at: string;
  due_at: string | null;
  achieved_at: string | null;
  breached_at: string | null;
  used_ms: number;
  target_ms: number;
}

export interface TicketForFacts {
  id: string;
  number: number;
  severity: string;
  plan: string | null;
  groupId: string | null;
  assigneeId: string | null;
}

export function outcomeOf(state: string): SlaOutcome {
  if (state === "breached") return "breached";
  if (state === "achieved") return "met";
  return "open";
}

/** A clock as the reports count it, with its ticket's attributes as they stand now. */
export function reportFactOf(ticket: TicketForFacts, clock: ClockForFacts): SlaReportFactsTable {
  const outcome = outcomeOf(clock.state);
  const settledAt = outcome === "met" ? clock.achieved_at : outcome === "breached" ? clock.breached_at : null;
  return {
    clock_id: clock.id,
    ticket_id: ticket.id,
    ticket_number: ticket.number,
    policy_id: clock.policy_id,
    metric: clock.metric,
    severity: ticket.severity,
    plan: ticket.plan,
    group_id: ticket.groupId,
    assignee_id: ticket.assigneeId,
    outcome,
    settled_at: settledAt,
    settled_week: settledAt === null ? null : weekOf(settledAt),
    settled_month: settledAt === null ? null : monthOf(settledAt),
    due_at: clock.due_at,
    started_at: clock.started_at,
    stopped_at: clock.achieved_at,
    business_ms: clock.used_ms,
    calendar_ms:
      clock.achieved_at === null ? null : Date.parse(clock.achieved_at) - Date.parse(clock.started_at),
    target_ms: clock.target_ms,
  };
}

/** Met over applicable (met + breached); null without any, rather than a misleading 0% or 100%. */
/** Met and breached clocks counted together under one key (and metric, when a policy's are apart). */
export interface SettledCount {
  key: string | null;
  metric: string | null;
  met: number;
  breached: number;
}

export interface SettledCounts {
  met: number;
  breached: number;
}

/**
 * Reads the cells of one grouped count at a coarser grouping (`null`: all of them together; "policy"
 * keeps each metric apart), so a report takes its total, weekly and grouped figures from one scan.
 */
export function sumSettled(
  cells: readonly CountCell<SettledCounts>[],
  grouping: string | null,
): SettledCount[] {
  const columns = grouping === null ? [] : grouping === "policy" ? ["policy", "metric"] : [grouping];
  return sumCells(cells, columns)
    .map(({ by, counts }) => ({
      key: grouping === null ? null : (by[grouping] ?? null),
      metric: grouping === "policy" ? (by.metric ?? null) : null,
      ...counts,
    }))
    .filter((sum) => sum.met + sum.breached > 0);
}

export function attainmentOf(met: number, breached: number): number | null {
  const applicable = met + breached;
  return applicable === 0 ? null : met / applicable;
}

export interface DurationFigures {
  medianMs: number | null;
  p90Ms: number | null;
  meanMs: number | null;
}

/**
 * Median, 90th percentile and mean of durations. Percentiles are nearest-rank (the smallest value with
 * at least p of the values at or below it), so each is a duration some ticket actually took.
 */
export function durationFigures(durations: ArrayLike<number>): DurationFigures {
  if (durations.length === 0) return { medianMs: null, p90Ms: null, meanMs: null };
  // A typed array sorts numerically in native code: a quarter's 330,000 durations in a tenth of the
  // time an array of numbers with a comparator takes.
  const sorted = Float64Array.from(durations).sort();
  const rank = (share: number) => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? null;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { medianMs: rank(0.5), p90Ms: rank(0.9), meanMs: Math.round(sum / sorted.length) };
}
