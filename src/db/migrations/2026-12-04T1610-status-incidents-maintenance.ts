import type { Kysely } from "kysely";

// Incidents and maintenance windows of the status page (issue 8). Human events, so their instants are ISO
// text like tickets'; measurements stay epoch milliseconds (the status store). An incident's log holds public
// updates and internal notes in one table, told apart by `visibility`, so the retrospective's timeline is one
// ordered read; the public page reads `visibility = 'public'` only, and nothing of an unpublished incident.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_incidents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("impact", "text", (c) => c.notNull())
    .addColumn("published", "integer", (c) => c.notNull())
    .addColumn("fired_rule", "text")
    .addColumn("fired_figures", "text")
    .addColumn("opened_by", "text", (c) => c.references("people.id"))
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("resolved_at", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_incidents_started")
    .on("status_incidents")
    .columns(["started_at", "id"])
    .execute();
  await db.schema
    .createIndex("status_incidents_state")
    .on("status_incidents")
    .columns(["state", "started_at"])
    .execute();

  await db.schema
    .createTable("status_incident_components")
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("component_id", "text", (c) =>
      c.notNull().references("status_components.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("status_incident_components_pk", ["incident_id", "component_id"])
    .execute();
  await db.schema
    .createIndex("status_incident_components_component")
    .on("status_incident_components")
    .column("component_id")
    .execute();

  await db.schema
    .createTable("status_incident_updates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.references("people.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_incident_updates_incident_at")
    .on("status_incident_updates")
    .columns(["incident_id", "at", "id"])
    .execute();

  await db.schema
    .createTable("status_maintenances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    .addColumn("cancelled_at", "text")
    .addColumn("override_reason", "text")
    .addColumn("overridden_rules", "text")
    .addColumn("created_by", "text", (c) => c.references("people.id"))
    .addColumn("start_announced_at", "text")
    .addColumn("end_announced_at", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_maintenances_window")
    .on("status_maintenances")
    .columns(["starts_at", "ends_at"])
    .execute();

  await db.schema
    .createTable("status_maintenance_components")
    .addColumn("maintenance_id", "text", (c) =>
      c.notNull().references("status_maintenances.id").onDelete("cascade"),
    )
    .addColumn("component_id", "text", (c) =>
      c.notNull().references("status_components.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("status_maintenance_components_pk", ["maintenance_id", "component_id"])
    .execute();
  await db.schema
    .createIndex("status_maintenance_components_component")
    .on("status_maintenance_components")
    .column("component_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_maintenance_components").execute();
  await db.schema.dropTable("status_maintenances").execute();
  await db.schema.dropTable("status_incident_updates").execute();
  await db.schema.dropTable("status_incident_components").execute();
  await db.schema.dropTable("status_incidents").execute();
}
