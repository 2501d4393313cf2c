import type { Kysely } from "kysely";

// A paging trigger fires for a status incident's opening: its firing is keyed on the trigger and the incident,
// the way `paging_trigger_firings` is keyed on the trigger and the ticket, so a re-run job opens no second page.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_incident_trigger_firings")
    .addColumn("trigger_id", "text", (c) => c.notNull().references("paging_triggers.id").onDelete("cascade"))
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("page_id", "text", (c) => c.references("pages.id").onDelete("set null"))
    .addColumn("fired_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("status_incident_trigger_firings_pk", ["trigger_id", "incident_id"])
    .execute();
  await db.schema
    .createIndex("status_incident_trigger_firings_incident")
    .on("status_incident_trigger_firings")
    .column("incident_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_incident_trigger_firings").execute();
}
