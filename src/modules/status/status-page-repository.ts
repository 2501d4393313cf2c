import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  StatusIncidentsTable,
  StatusIncidentUpdatesTable,
  StatusMaintenancesTable,
  StatusMonitorsTable,
  StatusPageSettingsTable,
} from "../../db/tables.js";

/**
 * The public page's SQL: what the page, the Statuspage-shaped JSON and the history read. Only published
 * incidents and public updates ever leave these functions, so nothing private can reach a renderer.
 */

export type PublicIncidentRow = StatusIncidentsTable;
export type PublicIncidentUpdateRow = StatusIncidentUpdatesTable;
export type PublicMaintenanceRow = StatusMaintenancesTable;
export type StatusPageSettingsRow = StatusPageSettingsTable;

export const statusPageSettingsId = "page";

export async function findStatusPageSettings(db: DbExecutor): Promise<StatusPageSettingsRow | undefined> {
  return db
    .selectFrom("status_page_settings")
    .selectAll()
    .where("id", "=", statusPageSettingsId)
    .executeTakeFirst();
}

export async function saveStatusPageSettings(db: DbExecutor, row: StatusPageSettingsRow): Promise<void> {
  const { id: _id, ...changes } = row;
  await db
    .insertInto("status_page_settings")
    .values(row)
    .onConflict((oc) => oc.column("id").doUpdateSet(changes))
    .execute();
}

/** The enabled monitors, with each one's latest result and when it came. */
export async function listEnabledMonitors(db: DbExecutor): Promise<StatusMonitorsTable[]> {
  return db.selectFrom("status_monitors").selectAll().where("enabled", "=", 1).orderBy("id").execute();
}

/** Observed and good time per component and UTC day, from the day rollups of its monitors. */
export async function sumDayRollupsByComponent(
  db: DbExecutor,
  since: number,
  until: number,
): Promise<{ componentId: string; at: number; observedMs: number; goodMs: number }[]> {
  const rows = await db
    .selectFrom("status_day_rollups as r")
    .innerJoin("status_monitors as m", "m.id", "r.monitor_id")
    .select([
      "m.component_id as component_id",
      "r.at as at",
      // PostgreSQL sums bigints as numeric (a string to the driver): cast back to bigint on both.
      sql<number>`cast(sum(r.observed_ms) as bigint)`.as("observed"),
      sql<number>`cast(sum(r.good_ms) as bigint)`.as("good"),
    ])
    .where("r.at", ">=", since)
    .where("r.at", "<", until)
    .groupBy(["m.component_id", "r.at"])
    .execute();
  return rows.map((row) => ({
    componentId: row.component_id,
    at: Number(row.at),
    observedMs: Number(row.observed),
    goodMs: Number(row.good),
  }));
}

/**
 * Published incidents the page speaks of: every unresolved one, and those started since `since` or
 * resolved since then (the 90 days the bars cover), newest first.
 */
export async function listPublishedIncidentsSince(
  db: DbExecutor,
  since: string,
): Promise<PublicIncidentRow[]> {
  return db
    .selectFrom("status_incidents")
    .selectAll()
    .where("published", "=", 1)
    .where((eb) =>
      eb.or([eb("resolved_at", "is", null), eb("started_at", ">=", since), eb("resolved_at", ">=", since)]),
    )
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** One page of published incidents, newest first: the history's pages, and the newest few for the JSON and the page. */
export async function listPublishedIncidentsPage(
  db: DbExecutor,
  offset: number,
  limit: number,
): Promise<PublicIncidentRow[]> {
  return db
    .selectFrom("status_incidents")
    .selectAll()
    .where("published", "=", 1)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function findPublishedIncident(
  db: DbExecutor,
  id: string,
): Promise<PublicIncidentRow | undefined> {
  return db
    .selectFrom("status_incidents")
    .selectAll()
    .where("id", "=", id)
    .where("published", "=", 1)
    .executeTakeFirst();
}

export async function listIncidentComponentIds(
  db: DbExecutor,
  incidentIds: readonly string[],
): Promise<{ incident_id: string; component_id: string }[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom("status_incident_components")
    .select(["incident_id", "component_id"])
    .where("incident_id", "in", incidentIds)
    .execute();
}

/** Public updates only, oldest first. */
export async function listPublicIncidentUpdates(
  db: DbExecutor,
  incidentIds: readonly string[],
): Promise<PublicIncidentUpdateRow[]> {
  if (incidentIds.length === 0) return [];
  return db
    .selectFrom("status_incident_updates")
    .selectAll()
    .where("incident_id", "in", incidentIds)
    .where("visibility", "=", "public")
    .orderBy("at")
    .orderBy("id")
    .execute();
}

/** Maintenance not cancelled that ends after `since` (in progress, upcoming or recent), newest start first. */
export async function listMaintenancesEndingAfter(
  db: DbExecutor,
  since: string,
  limit: number,
): Promise<PublicMaintenanceRow[]> {
  return db
    .selectFrom("status_maintenances")
    .selectAll()
    .where("cancelled_at", "is", null)
    .where("ends_at", ">", since)
    .orderBy("starts_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function findMaintenance(db: DbExecutor, id: string): Promise<PublicMaintenanceRow | undefined> {
  return db.selectFrom("status_maintenances").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listMaintenanceComponentIds(
  db: DbExecutor,
  maintenanceIds: readonly string[],
): Promise<{ maintenance_id: string; component_id: string }[]> {
  if (maintenanceIds.length === 0) return [];
  return db
    .selectFrom("status_maintenance_components")
    .select(["maintenance_id", "component_id"])
    .where("maintenance_id", "in", maintenanceIds)
    .execute();
}
