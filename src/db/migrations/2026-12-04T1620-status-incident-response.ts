import type { Kysely } from "kysely";

// Incident response (issue 8): the security checklist admins configure, each security incident's own copy
// of it (so changing the configuration never rewrites what an incident was asked to do), and one
// retrospective per incident with its follow-up items.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_security_checklists")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("steps", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("people.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("status_incident_checklist_steps")
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("deadline_hours", "integer")
    .addColumn("done_at", "text")
    .addColumn("done_by", "text", (c) => c.references("people.id"))
    .addPrimaryKeyConstraint("status_incident_checklist_steps_pk", ["incident_id", "position"])
    .execute();

  await db.schema
    .createTable("status_incident_retrospectives")
    .addColumn("incident_id", "text", (c) =>
      c.primaryKey().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("timeline", "text", (c) => c.notNull())
    .addColumn("contributing_factors", "text", (c) => c.notNull())
    .addColumn("lessons_learned", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("people.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("status_incident_follow_ups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("incident_id", "text", (c) =>
      c.notNull().references("status_incidents.id").onDelete("cascade"),
    )
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("due_on", "text")
    .addColumn("done_at", "text")
    .addColumn("done_by", "text", (c) => c.references("people.id"))
    .addColumn("ticket_number", "integer")
    .addColumn("url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_incident_follow_ups_incident")
    .on("status_incident_follow_ups")
    .columns(["incident_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("status_incident_follow_ups_owner")
    .on("status_incident_follow_ups")
    .column("owner_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_incident_follow_ups").execute();
  await db.schema.dropTable("status_incident_retrospectives").execute();
  await db.schema.dropTable("status_incident_checklist_steps").execute();
  await db.schema.dropTable("status_security_checklists").execute();
}
