import type { DbExecutor } from "../../db/database.js";
import type { StatusMaintenancePolicyTable, StatusMaintenancesTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { TimeInterval } from "./availability.js";

/**
 * The only maintenance SQL: the policy row, the windows and their components, the announcement
 * claims, and the reads availability and the derived component state need. Instants in these tables
 * are ISO text (`toISOString`, fixed width), so comparing the text compares the instants.
 */

export type MaintenanceRow = StatusMaintenancesTable;
export type MaintenancePolicyRow = StatusMaintenancePolicyTable;
export const maintenancePolicyRowId = "policy";

export async function findMaintenancePolicyRow(db: DbExecutor): Promise<MaintenancePolicyRow | undefined> {
  return db
    .selectFrom("status_maintenance_policy")
    .selectAll()
    .where("id", "=", maintenancePolicyRowId)
    .executeTakeFirst();
}

export async function saveMaintenancePolicyRow(db: DbExecutor, row: MaintenancePolicyRow): Promise<void> {
  const { id: _id, ...changes } = row;
  await db
    .insertInto("status_maintenance_policy")
    .values(row)
    .onConflict((oc) => oc.column("id").doUpdateSet(changes))
    .execute();
}

export async function insertMaintenance(
  db: DbExecutor,
  row: MaintenanceRow,
  componentIds: readonly string[],
): Promise<void> {
  await db.insertInto("status_maintenances").values(row).execute();
  await replaceMaintenanceComponents(db, row.id, componentIds);
}

export async function replaceMaintenanceComponents(
  db: DbExecutor,
  maintenanceId: string,
  componentIds: readonly string[],
): Promise<void> {
  await db.deleteFrom("status_maintenance_components").where("maintenance_id", "=", maintenanceId).execute();
  if (componentIds.length === 0) return;
  await db
    .insertInto("status_maintenance_components")
    .values(componentIds.map((componentId) => ({ maintenance_id: maintenanceId, component_id: componentId })))
    .execute();
}

export async function findMaintenanceById(db: DbExecutor, id: string): Promise<MaintenanceRow | undefined> {
  return db.selectFrom("status_maintenances").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Writes `row` if the stored version is still `readVersion`; false when someone changed it first.
 * The announcement columns are the job's and are left alone.
 */
export async function updateMaintenanceIfVersion(
  db: DbExecutor,
  row: MaintenanceRow,
  readVersion: number,
): Promise<boolean> {
  const { id, start_announced_at: _start, end_announced_at: _end, created_at: _created, ...changes } = row;
  const result = await db
    .updateTable("status_maintenances")
    .set(changes)
    .where("id", "=", id)
    .where("version", "=", readVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Component ids of each maintenance, in one read. */
export async function componentIdsOfMaintenances(
  db: DbExecutor,
  maintenanceIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byMaintenance = new Map<string, string[]>(maintenanceIds.map((id) => [id, []]));
  if (maintenanceIds.length === 0) return byMaintenance;
  const rows = await db
    .selectFrom("status_maintenance_components")
    .select(["maintenance_id", "component_id"])
    .where("maintenance_id", "in", maintenanceIds)
    .orderBy("component_id")
    .execute();
  for (const row of rows) byMaintenance.get(row.maintenance_id)?.push(row.component_id);
  return byMaintenance;
}

export type MaintenanceListing = "upcoming" | "in_progress" | "past";

/**
 * A page of windows: upcoming and in progress soonest first, past (ended or cancelled) latest first,
 * keyset on (starts_at, id).
 */
export async function listMaintenanceRows(
  db: DbExecutor,
  listing: MaintenanceListing,
  now: string,
  limit: number,
  after: CursorPosition | null,
): Promise<MaintenanceRow[]> {
  let query = db.selectFrom("status_maintenances").selectAll();
  if (listing === "upcoming") query = query.where("cancelled_at", "is", null).where("starts_at", ">", now);
  else if (listing === "in_progress")
    query = query.where("cancelled_at", "is", null).where("starts_at", "<=", now).where("ends_at", ">", now);
  else query = query.where((eb) => eb.or([eb("cancelled_at", "is not", null), eb("ends_at", "<=", now)]));
  const direction = listing === "past" ? "desc" : "asc";
  if (after) {
    const value = String(after.value);
    const beyond = direction === "asc" ? ">" : "<";
    query = query.where((eb) =>
      eb.or([
        eb("starts_at", beyond, value),
        eb.and([eb("starts_at", "=", value), eb("id", beyond, after.id)]),
      ]),
    );
  }
  return query.orderBy("starts_at", direction).orderBy("id", direction).limit(limit).execute();
}

/** Windows whose start or end has come and not been announced yet (cancelled ones are never announced). */
export async function listMaintenancesToAnnounce(db: DbExecutor, now: string): Promise<MaintenanceRow[]> {
  return db
    .selectFrom("status_maintenances")
    .selectAll()
    .where("cancelled_at", "is", null)
    .where((eb) =>
      eb.or([
        eb.and([eb("start_announced_at", "is", null), eb("starts_at", "<=", now)]),
        eb.and([eb("end_announced_at", "is", null), eb("ends_at", "<=", now)]),
      ]),
    )
    .orderBy("starts_at")
    .orderBy("id")
    .execute();
}

/**
 * Claims an announcement by compare-and-set: true for exactly one caller, however many run the job
 * at once (the second's update waits for the first's row lock, then finds the column set).
 */
export async function claimMaintenanceAnnouncement(
  db: DbExecutor,
  id: string,
  column: "start_announced_at" | "end_announced_at",
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable("status_maintenances")
    .set({ [column]: at })
    .where("id", "=", id)
    .where(column, "is", null)
    .where("cancelled_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The maintenance windows (not cancelled) of each component that overlap `window`, as instants. */
export async function maintenanceIntervalsOf(
  db: DbExecutor,
  componentIds: readonly string[],
  window: TimeInterval,
): Promise<Map<string, TimeInterval[]>> {
  const byComponent = new Map<string, TimeInterval[]>(componentIds.map((id) => [id, []]));
  if (componentIds.length === 0) return byComponent;
  const rows = await db
    .selectFrom("status_maintenances as m")
    .innerJoin("status_maintenance_components as mc", "mc.maintenance_id", "m.id")
    .select(["mc.component_id", "m.starts_at", "m.ends_at"])
    .where("mc.component_id", "in", componentIds)
    .where("m.cancelled_at", "is", null)
    .where("m.starts_at", "<", new Date(window.end).toISOString())
    .where("m.ends_at", ">", new Date(window.start).toISOString())
    .execute();
  for (const row of rows)
    byComponent
      .get(row.component_id)
      ?.push({ start: Date.parse(row.starts_at), end: Date.parse(row.ends_at) });
  return byComponent;
}

/** Components with a maintenance window in progress at `now`. */
export async function componentsUnderMaintenance(db: DbExecutor, now: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom("status_maintenances as m")
    .innerJoin("status_maintenance_components as mc", "mc.maintenance_id", "m.id")
    .select("mc.component_id")
    .distinct()
    .where("m.cancelled_at", "is", null)
    .where("m.starts_at", "<=", now)
    .where("m.ends_at", ">", now)
    .execute();
  return new Set(rows.map((row) => row.component_id));
}

/** What the derived state reads of every component, its enabled monitors and its open, published incidents. */
export async function componentStateFacts(db: DbExecutor, componentIds?: readonly string[]) {
  if (componentIds && componentIds.length === 0) return { components: [], monitors: [], incidents: [] };
  let components = db.selectFrom("status_components").select(["id", "manual_state"]);
  let monitors = db
    .selectFrom("status_monitors")
    .select(["component_id", "last_result_up"])
    .where("enabled", "=", 1);
  let incidents = db
    .selectFrom("status_incidents as i")
    .innerJoin("status_incident_components as ic", "ic.incident_id", "i.id")
    .select(["ic.component_id", "i.impact"])
    .where("i.published", "=", 1)
    .where("i.state", "!=", "resolved");
  if (componentIds) {
    components = components.where("id", "in", componentIds);
    monitors = monitors.where("component_id", "in", componentIds);
    incidents = incidents.where("ic.component_id", "in", componentIds);
  }
  return {
    components: await components.execute(),
    monitors: await monitors.execute(),
    incidents: await incidents.execute(),
  };
}
