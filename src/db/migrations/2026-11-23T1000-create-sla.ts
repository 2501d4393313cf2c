import { type Kysely, sql } from "kysely";

// The SLA engine's store: calendars and policies (configuration), customer exceptions, the clocks
// it derives per ticket (indexed by due time: queues sort by it, the breach scan is one range query),
// and the outbox of domain events later capabilities (notifications, paging, reports) consume.
// Booleans are integers 0/1 on both dialects.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("business_calendars")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("definition", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sla_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("conditions", "text", (c) => c.notNull())
    .addColumn("targets", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sla_customer_exceptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) =>
      c.notNull().references("organizations.id").onDelete("cascade"),
    )
    .addColumn("policy_id", "text", (c) => c.references("sla_policies.id").onDelete("cascade"))
    .addColumn("targets", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("sla_customer_exceptions_by_organization")
    .on("sla_customer_exceptions")
    .columns(["organization_id", "expires_at"])
    .execute();

  await db.schema
    .createTable("sla_clocks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("policy_id", "text", (c) => c.notNull())
    .addColumn("target_key", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("cycle", "integer", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("due_at", "text")
    .addColumn("warn_at", "text")
    .addColumn("achieved_at", "text")
    .addColumn("breached_at", "text")
    .addColumn("warned_at", "text")
    .addColumn("used_ms", "bigint", (c) => c.notNull())
    .addColumn("paused_ms", "bigint", (c) => c.notNull())
    .addColumn("target_ms", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("sla_clocks_one_per_cycle", ["ticket_id", "policy_id", "target_key", "cycle"])
    .execute();
  await db.schema
    .createIndex("sla_clocks_by_state_due")
    .on("sla_clocks")
    .columns(["state", "due_at"])
    .execute();
  await db.schema
    .createIndex("sla_clocks_by_state_warn")
    .on("sla_clocks")
    .columns(["state", "warn_at"])
    // Only clocks still to warn: the warning scan then reads the clocks falling due, not every one warned.
    .where(sql.ref("warned_at"), "is", null)
    .execute();

  // The nearest running due time, kept on the ticket so queues sort by urgency from one index.
  await db.schema.alterTable("tickets").addColumn("next_sla_due_at", "text").execute();
  await db.schema
    .createIndex("tickets_by_status_sla_due")
    .on("tickets")
    .columns(["status", "next_sla_due_at", "id"])
    .execute();

  // A public reply qualifies as a response only with a troubleshooting summary and next steps,
  // or when an agent marks it so with a reason.
  await db.schema.alterTable("comments").addColumn("summary", "text").execute();
  await db.schema.alterTable("comments").addColumn("next_steps", "text").execute();
  await db.schema
    .alterTable("comments")
    .addColumn("qualifying", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("comments").addColumn("qualifying_reason", "text").execute();
  await db.schema
    .alterTable("comments")
    .addColumn("workaround", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("domain_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("ticket_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("domain_events_by_kind").on("domain_events").columns(["kind", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("domain_events").execute();
  for (const column of ["workaround", "qualifying_reason", "qualifying", "next_steps", "summary"]) {
    await db.schema.alterTable("comments").dropColumn(column).execute();
  }
  await db.schema.dropIndex("tickets_by_status_sla_due").execute();
  await db.schema.alterTable("tickets").dropColumn("next_sla_due_at").execute();
  for (const table of ["sla_clocks", "sla_customer_exceptions", "sla_policies", "business_calendars"]) {
    await db.schema.dropTable(table).execute();
  }
}
