import type { Kysely } from "kysely";

// Handoff debriefs: one per schedule and handoff instant (the unique pair is what lets several
// schedulers prepare it once). An item's snapshot is JSON frozen at preparation: what the outgoing
// person saw when they wrote their notes, whatever the ticket does afterwards.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("handoff_debriefs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("schedule_id", "text", (c) =>
      c.notNull().references("oncall_schedules.id").onDelete("cascade"),
    )
    .addColumn("outgoing_person_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("incoming_person_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("handoff_at", "text", (c) => c.notNull())
    .addColumn("overall_notes", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reassign_mode", "text", (c) => c.notNull())
    .addColumn("completed_at", "text")
    .addColumn("acknowledged_at", "text")
    .addColumn("acknowledged_by", "text", (c) => c.references("people.id"))
    .addColumn("lead_notified_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addUniqueConstraint("handoff_debriefs_schedule_handoff", ["schedule_id", "handoff_at"])
    .execute();
  await db.schema
    .createIndex("handoff_debriefs_unacknowledged")
    .on("handoff_debriefs")
    .columns(["acknowledged_at", "lead_notified_at", "handoff_at"])
    .execute();

  await db.schema
    .createTable("handoff_debrief_items")
    .addColumn("debrief_id", "text", (c) => c.notNull().references("handoff_debriefs.id").onDelete("cascade"))
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("ticket_subject", "text", (c) => c.notNull())
    .addColumn("notes", "text", (c) => c.notNull())
    .addColumn("snapshot", "text", (c) => c.notNull())
    .addColumn("outcome", "text")
    .addPrimaryKeyConstraint("handoff_debrief_items_pk", ["debrief_id", "ticket_id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("handoff_debrief_items").execute();
  await db.schema.dropTable("handoff_debriefs").execute();
}
