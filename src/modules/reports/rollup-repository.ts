import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { FlowHourlyCountsTable, StoppedDurationDigestsTable } from "../../db/tables.js";

/**
 * The rollups' SQL (`2026-12-07T1000-report-rollups.ts`): the stale hours and days the triggers note,
 * Flow's hourly counts and the Times report's daily duration digests. Staff reports only read them;
 * the refresh job alone writes them. None holds anything of an organization but counts and durations.
 */

export type RollupName = "flow" | "durations" | "people";

/** The distinct stale keys of a rollup in [fromKey, toKey). */
export async function staleKeysWithin(
  db: DbExecutor,
  rollup: RollupName,
  fromKey: string,
  toKey: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("report_stale_periods")
    .select("period")
    .distinct()
    .where("rollup", "=", rollup)
    .where("period", ">=", fromKey)
    .where("period", "<", toKey)
    .execute();
  return rows.map((row) => row.period);
}

/** The earliest stale keys of a rollup, repeats included, for the refresh job to pick a range from. */
export async function earliestStaleKeys(
  db: DbExecutor,
  rollup: RollupName,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("report_stale_periods")
    .select("period")
    .where("rollup", "=", rollup)
    .orderBy("period")
    .limit(limit)
    .execute();
  return rows.map((row) => row.period);
}

/**
 * Takes the stale notes of [fromKey, toKey] before their recomputation, in the same transaction: a
 * write that commits after this delete notes its period again, so it is never lost between the two.
 */
export async function clearStaleKeys(
  db: DbExecutor,
  rollup: RollupName,
  fromKey: string,
  toKey: string,
): Promise<void> {
  await db
    .deleteFrom("report_stale_periods")
    .where("rollup", "=", rollup)
    .where("period", ">=", fromKey)
    .where("period", "<=", toKey)
    .execute();
}

export type FlowHourlyCount = FlowHourlyCountsTable;

export async function flowHourlyCounts(
  db: DbExecutor,
  figure: string,
  fromHour: string,
  toHour: string,
  channel: string | undefined,
): Promise<FlowHourlyCount[]> {
  const rows = await db
    .selectFrom("flow_hourly_counts")
    .select(["figure", "hour", "channel", "count"])
    .where("figure", "=", figure)
    .where("hour", ">=", fromHour)
    .where("hour", "<", toHour)
    .$if(channel !== undefined, (query) => query.where("channel", "=", channel ?? ""))
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** Replaces the hourly counts of [fromHour, toHour] with `counts`. */
export async function replaceFlowHourlyCounts(
  db: DbExecutor,
  fromHour: string,
  toHour: string,
  counts: FlowHourlyCount[],
): Promise<void> {
  await db
    .deleteFrom("flow_hourly_counts")
    .where("hour", ">=", fromHour)
    .where("hour", "<=", toHour)
    .execute();
  for (let start = 0; start < counts.length; start += 500) {
    await db
      .insertInto("flow_hourly_counts")
      .values(counts.slice(start, start + 500))
      .execute();
  }
}

export type DurationDigestRow = StoppedDurationDigestsTable;

export async function durationDigests(
  db: DbExecutor,
  fromDay: string,
  toDay: string,
  metrics: readonly string[],
  policyId: string | undefined,
): Promise<DurationDigestRow[]> {
  const rows = await db
    .selectFrom("stopped_duration_digests")
    .selectAll()
    .where("day", ">=", fromDay)
    .where("day", "<", toDay)
    .where("metric", "in", metrics)
    .$if(policyId !== undefined, (query) => query.where("policy_id", "=", policyId ?? ""))
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** Replaces the digests of [fromDay, toDay] with `digests`. */
export async function replaceDurationDigests(
  db: DbExecutor,
  fromDay: string,
  toDay: string,
  digests: DurationDigestRow[],
): Promise<void> {
  await db
    .deleteFrom("stopped_duration_digests")
    .where("day", ">=", fromDay)
    .where("day", "<=", toDay)
    .execute();
  for (let start = 0; start < digests.length; start += 100) {
    await db
      .insertInto("stopped_duration_digests")
      .values(digests.slice(start, start + 100))
      .execute();
  }
}

/**
 * Empties every rollup and notes every period of the history stale, for the refresh job to roll up
 * again: after a restore, whose rows arrive without their rollups.
 */
export async function rollUpAllHistoryAgain(db: DbExecutor): Promise<void> {
  for (const table of [
    "report_stale_periods",
    "flow_hourly_counts",
    "stopped_duration_digests",
    "people_daily_cells",
  ] as const) {
    await db.deleteFrom(table).execute();
  }
  await sql`INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'flow', substr(created_at, 1, 13) FROM tickets
    UNION SELECT DISTINCT 'flow', substr(created_at, 1, 13) FROM ticket_events WHERE field = 'status'
    UNION SELECT DISTINCT 'flow', substr(raised_at, 1, 13) FROM ticket_health_flags
    UNION SELECT DISTINCT 'durations', substr(stopped_at, 1, 10) FROM sla_report_facts WHERE stopped_at IS NOT NULL
    UNION SELECT DISTINCT 'people', substr(created_at, 1, 10) FROM ticket_events
      WHERE field = 'status' OR kind = 'public_reply_added'
    UNION SELECT DISTINCT 'people', substr(settled_at, 1, 10) FROM sla_report_facts WHERE settled_at IS NOT NULL
    UNION SELECT DISTINCT 'people', substr(solved_at, 1, 10) FROM satisfaction_surveys`.execute(db);
}

export async function peopleDailyCells(
  db: DbExecutor,
  source: string,
  fromDay: string,
  toDay: string,
): Promise<{ day: string; cells: string }[]> {
  return db
    .selectFrom("people_daily_cells")
    .select(["day", "cells"])
    .where("source", "=", source)
    .where("day", ">=", fromDay)
    .where("day", "<", toDay)
    .execute();
}

/** Replaces the cells of [fromDay, toDay] with `rows`. */
export async function replacePeopleDailyCells(
  db: DbExecutor,
  fromDay: string,
  toDay: string,
  rows: { source: string; day: string; cells: string }[],
): Promise<void> {
  await db.deleteFrom("people_daily_cells").where("day", ">=", fromDay).where("day", "<=", toDay).execute();
  for (let start = 0; start < rows.length; start += 100) {
    await db
      .insertInto("people_daily_cells")
      .values(rows.slice(start, start + 100))
      .execute();
  }
}
