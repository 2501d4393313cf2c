import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { TimeInterval } from "./availability.js";
import type { IncidentImpact } from "./component-state.js";
import type { FeedIncident, FeedMaintenance } from "./status-feeds.js";

/**
 * The SQL behind the public feeds and badges: published incidents with their latest public update,
 * maintenance windows, the facts a component's state is derived from, and rollup sums for many
 * components at once. Reads the incident and maintenance tables directly (their use cases live elsewhere).
 */

async function componentNamesOf(
  db: DbExecutor,
  link: "status_incident_components" | "status_maintenance_components",
  owner: "incident_id" | "maintenance_id",
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (ids.length === 0) return names;
  const rows = await db
    .selectFrom(`${link} as l` as "status_incident_components as l")
    .innerJoin("status_components as c", "c.id", "l.component_id")
    .select([sql<string>`l.${sql.ref(owner)}`.as("owner_id"), "c.name"])
    .where(sql.ref(`l.${owner}`), "in", ids)
    .orderBy("c.group_name")
    .orderBy("c.position")
    .orderBy("c.name")
    .execute();
  for (const row of rows) names.set(row.owner_id, [...(names.get(row.owner_id) ?? []), row.name]);
  return names;
}

/** The newest published incidents (security ones too, once published), each with its latest public update. */
export async function listFeedIncidents(db: DbExecutor, limit: number): Promise<FeedIncident[]> {
  const incidents = await db
    .selectFrom("status_incidents")
    .select(["id", "title", "state", "impact", "started_at", "resolved_at"])
    .where("published", "=", 1)
    .orderBy("started_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  const ids = incidents.map((incident) => incident.id);
  const latest = new Map<string, { body: string; at: string }>();
  if (ids.length > 0) {
    const updates = await db
      .selectFrom("status_incident_updates")
      .select(["incident_id", "body", "at"])
      .where("incident_id", "in", ids)
      .where("visibility", "=", "public")
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .execute();
    for (const update of updates)
      if (!latest.has(update.incident_id))
        latest.set(update.incident_id, { body: update.body, at: update.at });
  }
  const names = await componentNamesOf(db, "status_incident_components", "incident_id", ids);
  return incidents.map((incident) => ({
    id: incident.id,
    title: incident.title,
    state: incident.state,
    impact: incident.impact as IncidentImpact,
    startedAt: incident.started_at,
    resolvedAt: incident.resolved_at,
    componentNames: names.get(incident.id) ?? [],
    latestUpdate: latest.get(incident.id) ?? null,
  }));
}

/** The newest maintenance windows by start, cancelled ones included (subscribers heard of them). */
export async function listFeedMaintenances(db: DbExecutor, limit: number): Promise<FeedMaintenance[]> {
  const maintenances = await db
    .selectFrom("status_maintenances")
    .select([
      "id",
      "title",
      "description",
      "starts_at",
      "ends_at",
      "cancelled_at",
      "created_at",
      "updated_at",
    ])
    .orderBy("starts_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  const names = await componentNamesOf(
    db,
    "status_maintenance_components",
    "maintenance_id",
    maintenances.map((maintenance) => maintenance.id),
  );
  return maintenances.map((maintenance) => ({
    id: maintenance.id,
    title: maintenance.title,
    description: maintenance.description,
    startsAt: maintenance.starts_at,
    endsAt: maintenance.ends_at,
    cancelledAt: maintenance.cancelled_at,
    createdAt: maintenance.created_at,
    updatedAt: maintenance.updated_at,
    componentNames: names.get(maintenance.id) ?? [],
  }));
}

/**
 * Observed and good time per monitor over the rollup buckets starting inside `window`. Each monitor's
 * buckets are one range of the (monitor_id, at) key, so the cost is the rows summed, not the table's size.
 */
export async function sumRollupsByMonitor(
  db: DbExecutor,
  table: "status_minute_rollups" | "status_day_rollups",
  monitorIds: readonly string[],
  window: TimeInterval,
): Promise<Map<string, { observedMs: number; goodMs: number }>> {
  const sums = new Map<string, { observedMs: number; goodMs: number }>();
  if (monitorIds.length === 0 || window.end <= window.start) return sums;
  const rows = await db
    .selectFrom(table)
    .select([
      "monitor_id",
      // PostgreSQL sums bigints as numeric (a string to the driver): cast back to bigint on both.
      sql<number>`cast(sum(observed_ms) as bigint)`.as("observed"),
      sql<number>`cast(sum(good_ms) as bigint)`.as("good"),
    ])
    .where("monitor_id", "in", monitorIds)
    .where("at", ">=", window.start)
    .where("at", "<", window.end)
    .groupBy("monitor_id")
    .execute();
  for (const row of rows)
    sums.set(row.monitor_id, { observedMs: Number(row.observed), goodMs: Number(row.good) });
  return sums;
}
