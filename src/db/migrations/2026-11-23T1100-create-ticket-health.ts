import { type Kysely, sql } from "kysely";

// Ticket health: the desk's settings for the rules from the service objectives (one row), the flags
// those rules raise on tickets, and saved replies. The settings row exists from here on, inert (no
// calendar, so no rule that counts business time runs) until the start-up installer names the
// support calendar. Booleans are integers 0/1 on both dialects.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ticket_health_settings")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Deleting the calendar leaves the rules without business hours: they go inert, nothing breaks.
    .addColumn("calendar_id", "text", (c) => c.references("business_calendars.id").onDelete("set null"))
    .addColumn("unacknowledged_enabled", "integer", (c) => c.notNull())
    // "close" (the close of the business day's last opening window) or a local "HH:MM".
    .addColumn("unacknowledged_deadline", "text", (c) => c.notNull())
    .addColumn("open_idle_enabled", "integer", (c) => c.notNull())
    .addColumn("open_idle_business_ms", "integer", (c) => c.notNull())
    .addColumn("closed_ack_enabled", "integer", (c) => c.notNull())
    .addColumn("closed_ack_template", "text", (c) => c.notNull())
    .addColumn("closed_ack_author_id", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("defaults_installed_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db
    .insertInto("ticket_health_settings")
    .values({
      id: "desk",
      calendar_id: null,
      unacknowledged_enabled: 1,
      unacknowledged_deadline: "close",
      open_idle_enabled: 1,
      open_idle_business_ms: 8 * 60 * 60 * 1000,
      closed_ack_enabled: 1,
      closed_ack_template:
        "Thanks for writing. Our support team is away right now; we'll be back {nextOpen}.",
      closed_ack_author_id: null,
      defaults_installed_at: null,
      updated_at: new Date().toISOString(),
    })
    .execute();

  // A flag is one occurrence of a condition: `since` is the instant the condition is measured from
  // (arrival for an unacknowledged ticket, the start of the silence for an idle one), so the same
  // condition can never be raised twice, while a new silence after an agent update can.
  await db.schema
    .createTable("ticket_health_flags")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("flag", "text", (c) => c.notNull())
    .addColumn("since", "text", (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("raised_at", "text", (c) => c.notNull())
    .addColumn("cleared_at", "text")
    .addUniqueConstraint("ticket_health_flags_once_per_condition", ["ticket_id", "flag", "since"])
    .execute();
  // The sweep's "which flags are still up" is a range over this small partial index.
  await db.schema
    .createIndex("ticket_health_flags_active")
    .on("ticket_health_flags")
    .columns(["flag", "id"])
    .where(sql.ref("cleared_at"), "is", null)
    .execute();

  await db.schema
    .createTable("saved_replies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["saved_replies", "ticket_health_flags", "ticket_health_settings"]) {
    await db.schema.dropTable(table).execute();
  }
}
