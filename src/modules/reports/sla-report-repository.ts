import { type ExpressionBuilder, type SelectQueryBuilder, sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { SlaReportFactsTable, Tables } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import {
  type DurationFigures,
  durationFigures,
  type SettledCounts,
  type SlaOutcome,
} from "./sla-report-rules.js";

/**
 * The only SQL of the SLA reports. Every read is one range of `sla_report_facts` on an index that holds
 * the columns it filters and groups by: settled clocks by `settled_at`, stopped ones by `stopped_at`,
 * open ones by `due_at` (partial index). Tickets are joined only for the page of rows a list shows.
 */

/** "none": the clocks of tickets without a plan, group or assignee. */
export interface SlaReportFilters {
  from: string;
  to: string;
  policyId?: string | undefined;
  metric?: string | undefined;
  severity?: string | undefined;
  plan?: string | undefined;
  groupId?: string | undefined;
  agentId?: string | undefined;
}

export const groupingColumns = {
  policy: "policy_id",
  metric: "metric",
  severity: "severity",
  plan: "plan",
  group: "group_id",
  agent: "assignee_id",
  week: "settled_week",
  month: "settled_month",
} as const;
export type SlaGrouping = keyof typeof groupingColumns;

type Facts = SelectQueryBuilder<Tables, "sla_report_facts", object>;

function nullable(
  eb: ExpressionBuilder<Tables, "sla_report_facts">,
  column: "sla_report_facts.plan" | "sla_report_facts.group_id" | "sla_report_facts.assignee_id",
  value: string,
) {
  return value === "none" ? eb(column, "is", null) : eb(column, "=", value);
}

function filtered(query: Facts, filters: SlaReportFilters): Facts {
  const { policyId, metric, severity, plan, groupId, agentId } = filters;
  return query
    .$if(policyId !== undefined, (q) => q.where("sla_report_facts.policy_id", "=", policyId ?? ""))
    .$if(metric !== undefined, (q) => q.where("sla_report_facts.metric", "=", metric ?? ""))
    .$if(severity !== undefined, (q) => q.where("sla_report_facts.severity", "=", severity ?? ""))
    .$if(plan !== undefined, (q) => q.where((eb) => nullable(eb, "sla_report_facts.plan", plan ?? "")))
    .$if(groupId !== undefined, (q) =>
      q.where((eb) => nullable(eb, "sla_report_facts.group_id", groupId ?? "")),
    )
    .$if(agentId !== undefined, (q) =>
      q.where((eb) => nullable(eb, "sla_report_facts.assignee_id", agentId ?? "")),
    );
}

/** A ticket's clocks as the reports count them, replacing what was there: called with its clocks' save. */
export async function replaceTicketReportFacts(
  db: DbExecutor,
  dialect: DialectKind,
  ticketId: string,
  facts: SlaReportFactsTable[],
): Promise<void> {
  const [first] = facts;
  if (dialect !== "postgres" || !first) {
    await db.deleteFrom("sla_report_facts").where("ticket_id", "=", ticketId).execute();
    await insertReportFacts(db, facts);
    return;
  }
  // One statement on PostgreSQL, a round trip inside the change's transaction: the facts of clocks
  // gone are deleted, the others written over in place.
  const columns = Object.keys(first).filter((column) => column !== "clock_id");
  await db
    .with("gone", (cte) =>
      cte
        .deleteFrom("sla_report_facts")
        .where("ticket_id", "=", ticketId)
        .where(
          "clock_id",
          "not in",
          facts.map((fact) => fact.clock_id),
        ),
    )
    .insertInto("sla_report_facts")
    .values(facts)
    .onConflict((conflict) =>
      conflict
        .column("clock_id")
        .doUpdateSet(Object.fromEntries(columns.map((column) => [column, sql.ref(`excluded.${column}`)]))),
    )
    .execute();
}

/** A new ticket's facts, which replace nothing. */
export async function insertReportFacts(db: DbExecutor, facts: SlaReportFactsTable[]): Promise<void> {
  if (facts.length > 0) await db.insertInto("sla_report_facts").values(facts).execute();
}

/**
 * Met and breached clocks settled in the period, counted per value of each of `groupings` (a policy's
 * metrics apart): one range of the settled index, which `sumSettled` then reads at coarser groupings.
 */
export async function countSettled(
  db: DbExecutor,
  filters: SlaReportFilters,
  groupings: readonly SlaGrouping[],
): Promise<CountCell<SettledCounts>[]> {
  const keys = [
    ...new Set(groupings.flatMap((grouping) => (grouping === "policy" ? ["policy", "metric"] : [grouping]))),
  ];
  const columns = keys.map((key) => groupingColumns[key as SlaGrouping]);
  const rows = await filtered(
    db
      .selectFrom("sla_report_facts")
      .where("settled_at", ">=", filters.from)
      .where("settled_at", "<", filters.to),
    filters,
  )
    .select([
      sql<number | string>`sum(case when outcome = 'met' then 1 else 0 end)`.as("met"),
      sql<number | string>`sum(case when outcome = 'breached' then 1 else 0 end)`.as("breached"),
    ])
    .select(keys.map((key) => sql<string | null>`${sql.ref(groupingColumns[key as SlaGrouping])}`.as(key)))
    .$if(columns.length > 0, (query) => query.groupBy(columns))
    .execute();
  return rows.map((row) => {
    const by: Record<string, string | null> = {};
    for (const key of keys) by[key] = (row as Record<string, string | null>)[key] ?? null;
    return { by, counts: { met: Number(row.met ?? 0), breached: Number(row.breached ?? 0) } };
  });
}

export interface ReportClockRow {
  clock_id: string;
  ticket_id: string;
  ticket_number: number;
  subject: string;
  policy_id: string;
  metric: string;
  outcome: string;
  severity: string;
  group_id: string | null;
  assignee_id: string | null;
  started_at: string;
  due_at: string | null;
  settled_at: string | null;
  stopped_at: string | null;
  business_ms: number;
  target_ms: number;
  /** The keyset position of the row in its list. */
  sort_key: string;
}

/** Paused clocks have no due time yet: they list after every due one. */
const noDueTime = "~";

/**
 * The clocks behind a figure, a keyset page at a time: settled ones (met or breached in the period)
 * by settling instant, stopped ones by stopping instant, open ones (whatever the period) by due time,
 * soonest first.
 */
export async function clocksBehind(
  db: DbExecutor,
  filters: SlaReportFilters,
  outcome: SlaOutcome | "stopped",
  page: { after: CursorPosition | null; limit: number },
): Promise<ReportClockRow[]> {
  let query = filtered(db.selectFrom("sla_report_facts"), filters);
  if (outcome === "stopped")
    query = query
      .where("sla_report_facts.stopped_at", ">=", filters.from)
      .where("sla_report_facts.stopped_at", "<", filters.to);
  else query = query.where("sla_report_facts.outcome", "=", outcome);
  if (outcome === "met" || outcome === "breached")
    query = query
      .where("sla_report_facts.settled_at", ">=", filters.from)
      .where("sla_report_facts.settled_at", "<", filters.to);
  const sortKey =
    outcome === "open"
      ? sql<string>`coalesce(sla_report_facts.due_at, ${noDueTime})`
      : sql<string>`${sql.ref(outcome === "stopped" ? "sla_report_facts.stopped_at" : "sla_report_facts.settled_at")}`;
  const { after } = page;
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb(sortKey, ">", String(after.value)),
        eb.and([eb(sortKey, "=", String(after.value)), eb("sla_report_facts.clock_id", ">", after.id)]),
      ]),
    );
  const rows = await query
    .innerJoin("tickets", "tickets.id", "sla_report_facts.ticket_id")
    .select([
      "sla_report_facts.clock_id",
      "sla_report_facts.ticket_id",
      "sla_report_facts.ticket_number",
      "tickets.subject",
      "sla_report_facts.policy_id",
      "sla_report_facts.metric",
      "sla_report_facts.outcome",
      "sla_report_facts.severity",
      "sla_report_facts.group_id",
      "sla_report_facts.assignee_id",
      "sla_report_facts.started_at",
      "sla_report_facts.due_at",
      "sla_report_facts.settled_at",
      "sla_report_facts.stopped_at",
      "sla_report_facts.business_ms",
      "sla_report_facts.target_ms",
      sortKey.as("sort_key"),
    ])
    .orderBy(sortKey)
    .orderBy("sla_report_facts.clock_id")
    .limit(page.limit)
    .execute();
  return rows.map((row) => ({
    ...row,
    business_ms: Number(row.business_ms),
    target_ms: Number(row.target_ms),
  }));
}

/** The durations of one policy's clocks of one metric that stopped in the period. */
export interface StoppedDurations {
  policyId: string;
  metric: string;
  count: number;
  business: DurationFigures;
  calendar: DurationFigures;
  /** For means over several policies: every clock's calendar time added up. */
  calendarSumMs: number;
}

/**
 * Median, p90 and mean durations of the clocks that stopped in the period, per policy and metric, for
 * the Times report (one covering index range). PostgreSQL works them out itself: `percentile_disc` is
 * the nearest rank `durationFigures` takes, and shipping a quarter's 330,000 durations to be sorted
 * here took 2 s at a million tickets. SQLite's `percentile_disc` ranks differently (floor of p(N-1)),
 * so its durations are read and ranked here, which the embedded database does in a third of that.
 */
export async function stoppedDurations(
  db: DbExecutor,
  dialect: DialectKind,
  filters: SlaReportFilters,
  metrics: readonly string[],
): Promise<StoppedDurations[]> {
  const stopped = filtered(
    db
      .selectFrom("sla_report_facts")
      .where("stopped_at", ">=", filters.from)
      .where("stopped_at", "<", filters.to)
      .where("metric", "in", metrics),
    filters,
  );
  if (dialect === "postgres") {
    const rank = (share: number, column: "business_ms" | "calendar_ms") =>
      sql<
        number | string | null
      >`percentile_disc(${sql.lit(share)}) WITHIN GROUP (ORDER BY ${sql.ref(column)})`;
    const rows = await stopped
      .select((eb) => [
        "policy_id",
        "metric",
        eb.fn.countAll<number | string>().as("count"),
        rank(0.5, "business_ms").as("business_median"),
        rank(0.9, "business_ms").as("business_p90"),
        eb.fn.sum<number | string>("business_ms").as("business_sum"),
        rank(0.5, "calendar_ms").as("calendar_median"),
        rank(0.9, "calendar_ms").as("calendar_p90"),
        eb.fn.sum<number | string>("calendar_ms").as("calendar_sum"),
      ])
      .groupBy(["policy_id", "metric"])
      .execute();
    return rows.map((row) => {
      const count = Number(row.count);
      const figures = (median: unknown, p90: unknown, sum: unknown): DurationFigures => ({
        medianMs: Number(median),
        p90Ms: Number(p90),
        meanMs: Math.round(Number(sum) / count),
      });
      return {
        policyId: row.policy_id,
        metric: row.metric,
        count,
        business: figures(row.business_median, row.business_p90, row.business_sum),
        calendar: figures(row.calendar_median, row.calendar_p90, row.calendar_sum),
        calendarSumMs: Number(row.calendar_sum),
      };
    });
  }
  const rows = await stopped.select(["policy_id", "metric", "business_ms", "calendar_ms"]).execute();
  const perPolicyMetric = new Map<
    string,
    { policyId: string; metric: string; business: number[]; calendar: number[] }
  >();
  for (const row of rows) {
    const key = `${row.policy_id}|${row.metric}`;
    let entry = perPolicyMetric.get(key);
    if (!entry) {
      entry = { policyId: row.policy_id, metric: row.metric, business: [], calendar: [] };
      perPolicyMetric.set(key, entry);
    }
    entry.business.push(Number(row.business_ms));
    entry.calendar.push(Number(row.calendar_ms));
  }
  return [...perPolicyMetric.values()].map((entry) => ({
    policyId: entry.policyId,
    metric: entry.metric,
    count: entry.business.length,
    business: durationFigures(entry.business),
    calendar: durationFigures(entry.calendar),
    calendarSumMs: entry.calendar.reduce((sum, value) => sum + value, 0),
  }));
}

export interface StoppedDurationRow {
  policy_id: string;
  metric: string;
  stopped_at: string;
  business_ms: number;
  calendar_ms: number;
}

/**
 * Every clock stopped in [from, to), of `metrics` and `policyId` when given and unfiltered otherwise:
 * what the duration digests hold.
 */
export async function stoppedDurationRows(
  db: DbExecutor,
  period: { from: string; to: string },
  only: { metrics?: readonly string[]; policyId?: string | undefined },
): Promise<StoppedDurationRow[]> {
  const { metrics, policyId } = only;
  const rows = await db
    .selectFrom("sla_report_facts")
    .select(["policy_id", "metric", "stopped_at", "business_ms", "calendar_ms"])
    .where("stopped_at", ">=", period.from)
    .where("stopped_at", "<", period.to)
    .$if(metrics !== undefined, (query) => query.where("metric", "in", metrics ?? []))
    .$if(policyId !== undefined, (query) => query.where("policy_id", "=", policyId ?? ""))
    .execute();
  return rows.map((row) => ({
    policy_id: row.policy_id,
    metric: row.metric,
    stopped_at: row.stopped_at ?? "",
    business_ms: Number(row.business_ms),
    calendar_ms: Number(row.calendar_ms),
  }));
}

export interface TicketAttributesForFacts {
  id: string;
  number: number;
  severity: string;
  group_id: string | null;
  assignee_id: string | null;
  plan: string | null;
}

export async function ticketForFacts(
  db: DbExecutor,
  ticketId: string,
): Promise<TicketAttributesForFacts | undefined> {
  return db
    .selectFrom("tickets")
    .leftJoin("organizations", "organizations.id", "tickets.organization_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.severity",
      "tickets.group_id",
      "tickets.assignee_id",
      "organizations.plan",
    ])
    .where("tickets.id", "=", ticketId)
    .executeTakeFirst();
}
