import type { Kysely } from "kysely";

// Automations (triggers): "when a ticket event meets these conditions, do these things", in the
// admins' order. Conditions and actions are JSON documents the module validates on save. A run is
// claimed once per automation and domain event (the unique pair), so a retried consumer job never
// replies or pages twice; its outcome per action is kept for the admin page. Round-robin assignment
// keeps one cursor per group (the last agent chosen), moved by compare-and-set on its version.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("automations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("match", "text", (c) => c.notNull())
    .addColumn("conditions", "text", (c) => c.notNull())
    .addColumn("actions", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("automations_position").on("automations").column("position").execute();

  await db.schema
    .createTable("automation_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("automation_id", "text", (c) => c.notNull().references("automations.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("ticket_id", "text", (c) => c.references("tickets.id").onDelete("cascade"))
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("results", "text", (c) => c.notNull())
    .addColumn("ran_at", "text", (c) => c.notNull())
    .addUniqueConstraint("automation_runs_once_per_event", ["automation_id", "event_id"])
    .execute();
  await db.schema
    .createIndex("automation_runs_recent")
    .on("automation_runs")
    .columns(["automation_id", "ran_at"])
    .execute();
  await db.schema.createIndex("automation_runs_ticket").on("automation_runs").column("ticket_id").execute();

  await db.schema
    .createTable("group_assignment_cursors")
    .addColumn("group_id", "text", (c) => c.primaryKey().references("groups.id").onDelete("cascade"))
    .addColumn("last_person_id", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("group_assignment_cursors").execute();
  await db.schema.dropTable("automation_runs").execute();
  await db.schema.dropTable("automations").execute();
}
