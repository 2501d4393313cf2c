import type { Kysely } from "kysely";

// Incidents opened by rule (issue 8). A component's rules are its own row, absent until an admin changes them
// (then the defaults apply). The claim is the one row per component that says "a rule-opened incident is open
// here": its primary key is what keeps two schedulers, or a re-run, from opening a second incident; the job
// releases it once the incident is resolved. A status incident pages through its own firing table, keyed on the
// trigger and the incident, the way `paging_trigger_firings` is keyed on the trigger and the ticket.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_incident_rule_settings")
    .addColumn("component_id", "text", (c) =>
      c.primaryKey().references("status_components.id").onDelete("cascade"),
    )
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("rules", "text", (c) => c.notNull())
    .addColumn("availability_impact", "text", (c) => c.notNull())
    .addColumn("users_impact", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("status_rule_incident_claims")
    .addColumn("component_id", "text", (c) =>
      c.primaryKey().references("status_components.id").onDelete("cascade"),
    )
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("recovery_suggested_at", "text")
    .addColumn("claimed_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_rule_incident_claims").execute();
  await db.schema.dropTable("status_incident_rule_settings").execute();
}
