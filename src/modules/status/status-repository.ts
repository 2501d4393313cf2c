import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  StatusCheckResultsTable,
  StatusComponentsTable,
  StatusMonitorsTable,
  StatusUserImpactSamplesTable,
} from "../../db/tables.js";
import type { AvailabilityRollup, TimeInterval } from "./availability.js";

/** The only SQL of the status page's store. Status data is the desk's own, not a tenant's. */

export type StatusComponentRow = StatusComponentsTable;
export type StatusMonitorRow = StatusMonitorsTable;
export type CheckResultRow = StatusCheckResultsTable;
export type UserImpactSampleRow = StatusUserImpactSamplesTable;
export type RollupTable = "status_minute_rollups" | "status_day_rollups";

export async function listComponentRows(db: DbExecutor): Promise<StatusComponentRow[]> {
  return db
    .selectFrom("status_components")
    .selectAll()
    .orderBy("group_name")
    .orderBy("position")
    .orderBy("name")
    .orderBy("id")
    .execute();
}

export async function findComponentById(db: DbExecutor, id: string): Promise<StatusComponentRow | undefined> {
  return db.selectFrom("status_components").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertComponent(db: DbExecutor, row: StatusComponentRow): Promise<void> {
  await db.insertInto("status_components").values(row).execute();
}

export async function updateComponentRow(db: DbExecutor, row: StatusComponentRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("status_components").set(changes).where("id", "=", id).execute();
}

/** Its monitors, their results and rollups, and its user-impact samples go with it (foreign keys cascade). */
export async function deleteComponentRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("status_components").where("id", "=", id).execute();
}

export async function listMonitorRows(db: DbExecutor, componentId?: string): Promise<StatusMonitorRow[]> {
  let query = db.selectFrom("status_monitors").selectAll();
  if (componentId !== undefined) query = query.where("component_id", "=", componentId);
  return query.orderBy("name").orderBy("id").execute();
}

export async function findMonitorById(db: DbExecutor, id: string): Promise<StatusMonitorRow | undefined> {
  return db.selectFrom("status_monitors").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findMonitorByTokenHash(
  db: DbExecutor,
  tokenHash: string,
): Promise<StatusMonitorRow | undefined> {
  return db
    .selectFrom("status_monitors")
    .selectAll()
    .where("push_token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** What the worker's runner checks: enabled HTTP and TCP monitors. */
export async function listEnabledProbeMonitors(db: DbExecutor): Promise<StatusMonitorRow[]> {
  return db
    .selectFrom("status_monitors")
    .selectAll()
    .where("enabled", "=", 1)
    .where("kind", "in", ["http", "tcp"])
    .orderBy("id")
    .execute();
}

export async function insertMonitor(db: DbExecutor, row: StatusMonitorRow): Promise<void> {
  await db.insertInto("status_monitors").values(row).execute();
}

/** Configuration only: the open result (`last_result_*`) belongs to `recordLastResult`. */
export async function updateMonitorSettings(db: DbExecutor, row: StatusMonitorRow): Promise<void> {
  const { id, last_result_at: _at, last_result_up: _up, ...changes } = row;
  await db.updateTable("status_monitors").set(changes).where("id", "=", id).execute();
}

export async function deleteMonitorRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("status_monitors").where("id", "=", id).execute();
}

/**
 * The monitor's open result, read under the row's write lock: a no-op update takes it on
 * PostgreSQL (and SQLite has one writer), so two results recorded at once for one monitor are
 * counted one after the other and no span is added twice. Must run inside a transaction.
 */
export async function lockMonitorForResult(
  db: DbExecutor,
  id: string,
): Promise<Pick<StatusMonitorRow, "id" | "last_result_at" | "last_result_up"> | undefined> {
  await db
    .updateTable("status_monitors")
    .set((eb) => ({ last_result_at: eb.ref("last_result_at") }))
    .where("id", "=", id)
    .execute();
  return db
    .selectFrom("status_monitors")
    .select(["id", "last_result_at", "last_result_up"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function recordLastResult(db: DbExecutor, id: string, at: number, up: boolean): Promise<void> {
  await db
    .updateTable("status_monitors")
    .set({ last_result_at: at, last_result_up: up ? 1 : 0 })
    .where("id", "=", id)
    .execute();
}

export async function insertCheckResult(db: DbExecutor, row: CheckResultRow): Promise<void> {
  await db.insertInto("status_check_results").values(row).execute();
}

export async function listCheckResults(
  db: DbExecutor,
  monitorId: string,
  limit: number,
): Promise<CheckResultRow[]> {
  return db
    .selectFrom("status_check_results")
    .selectAll()
    .where("monitor_id", "=", monitorId)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/**
 * Adds observed and good time to a monitor's buckets, creating the ones not there yet. The same
 * statement on both databases: INSERT … ON CONFLICT (monitor_id, at) DO UPDATE adding the new figures.
 */
export async function addToRollups(
  db: DbExecutor,
  table: RollupTable,
  monitorId: string,
  increments: readonly AvailabilityRollup[],
): Promise<void> {
  if (increments.length === 0) return;
  await db
    .insertInto(table)
    .values(
      increments.map((bucket) => ({
        monitor_id: monitorId,
        at: bucket.at,
        observed_ms: bucket.observedMs,
        good_ms: bucket.goodMs,
      })),
    )
    .onConflict((oc) =>
      oc.columns(["monitor_id", "at"]).doUpdateSet({
        observed_ms: sql<number>`${sql.ref(`${table}.observed_ms`)} + excluded.observed_ms`,
        good_ms: sql<number>`${sql.ref(`${table}.good_ms`)} + excluded.good_ms`,
      }),
    )
    .execute();
}

/** Observed and good time summed over the monitors' buckets starting inside `window`. */
export async function sumRollupsIn(
  db: DbExecutor,
  table: RollupTable,
  monitorIds: readonly string[],
  window: TimeInterval,
): Promise<{ observedMs: number; goodMs: number }> {
  if (monitorIds.length === 0) return { observedMs: 0, goodMs: 0 };
  const row = await db
    .selectFrom(table)
    .select([
      // PostgreSQL sums bigints as numeric (a string to the driver): cast back to bigint on both.
      sql<number>`cast(coalesce(sum(observed_ms), 0) as bigint)`.as("observed"),
      sql<number>`cast(coalesce(sum(good_ms), 0) as bigint)`.as("good"),
    ])
    .where("monitor_id", "in", monitorIds)
    .where("at", ">=", window.start)
    .where("at", "<", window.end)
    .executeTakeFirstOrThrow();
  return { observedMs: Number(row.observed), goodMs: Number(row.good) };
}

/** `sumRollupsIn` over several disjoint windows in one statement (a window less its maintenance). */
export async function sumRollupsInRanges(
  db: DbExecutor,
  table: RollupTable,
  monitorIds: readonly string[],
  windows: readonly TimeInterval[],
): Promise<{ observedMs: number; goodMs: number }> {
  if (monitorIds.length === 0 || windows.length === 0) return { observedMs: 0, goodMs: 0 };
  const row = await db
    .selectFrom(table)
    .select([
      sql<number>`cast(coalesce(sum(observed_ms), 0) as bigint)`.as("observed"),
      sql<number>`cast(coalesce(sum(good_ms), 0) as bigint)`.as("good"),
    ])
    .where("monitor_id", "in", monitorIds)
    .where((eb) =>
      eb.or(windows.map((window) => eb.and([eb("at", ">=", window.start), eb("at", "<", window.end)]))),
    )
    .executeTakeFirstOrThrow();
  return { observedMs: Number(row.observed), goodMs: Number(row.good) };
}

/** Rollup rows of one monitor in a window, oldest first (for tests and per-day bars). */
export async function listRollups(
  db: DbExecutor,
  table: RollupTable,
  monitorId: string,
  window: TimeInterval,
): Promise<AvailabilityRollup[]> {
  const rows = await db
    .selectFrom(table)
    .select(["at", "observed_ms", "good_ms"])
    .where("monitor_id", "=", monitorId)
    .where("at", ">=", window.start)
    .where("at", "<", window.end)
    .orderBy("at")
    .execute();
  return rows.map((row) => ({
    at: Number(row.at),
    observedMs: Number(row.observed_ms),
    goodMs: Number(row.good_ms),
  }));
}

export async function insertUserImpactSample(db: DbExecutor, row: UserImpactSampleRow): Promise<void> {
  await db.insertInto("status_user_impact_samples").values(row).execute();
}

export async function latestUserImpactSample(
  db: DbExecutor,
  componentId: string,
): Promise<UserImpactSampleRow | undefined> {
  return db
    .selectFrom("status_user_impact_samples")
    .selectAll()
    .where("component_id", "=", componentId)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function deleteCheckResultsBefore(db: DbExecutor, before: number): Promise<number> {
  const result = await db.deleteFrom("status_check_results").where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteRollupsBefore(
  db: DbExecutor,
  table: RollupTable,
  before: number,
): Promise<number> {
  const result = await db.deleteFrom(table).where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteUserImpactSamplesBefore(db: DbExecutor, before: number): Promise<number> {
  const result = await db
    .deleteFrom("status_user_impact_samples")
    .where("at", "<", before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
