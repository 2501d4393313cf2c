import type { Kysely } from "kysely";

// Paging triggers: "when this happens, page that escalation policy". A firing is the claim a
// trigger's job makes before it opens a page, keyed by trigger, ticket and occasion ("created", or
// the breached clock), so a re-run job or a clock breached again opens no second page. A schedule
// may name its support lead, who is mailed when a handoff debrief goes unacknowledged;
// lead_mailed_at is that mail's once-only mark.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("paging_triggers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("policy_id", "text", (c) => c.notNull().references("escalation_policies.id"))
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("paging_triggers_kind_policy", ["kind", "policy_id"])
    .execute();
  await db.schema.createIndex("paging_triggers_policy").on("paging_triggers").column("policy_id").execute();

  await db.schema
    .createTable("paging_trigger_firings")
    .addColumn("trigger_id", "text", (c) => c.notNull().references("paging_triggers.id").onDelete("cascade"))
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("occasion", "text", (c) => c.notNull())
    .addColumn("page_id", "text", (c) => c.references("pages.id").onDelete("set null"))
    .addColumn("fired_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("paging_trigger_firings_pk", ["trigger_id", "ticket_id", "occasion"])
    .execute();
  await db.schema
    .createIndex("paging_trigger_firings_ticket")
    .on("paging_trigger_firings")
    .column("ticket_id")
    .execute();

  await db.schema
    .alterTable("oncall_schedules")
    .addColumn("support_lead_id", "text", (c) => c.references("people.id"))
    .execute();
  await db.schema.alterTable("handoff_debriefs").addColumn("lead_mailed_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("handoff_debriefs").dropColumn("lead_mailed_at").execute();
  await db.schema.alterTable("oncall_schedules").dropColumn("support_lead_id").execute();
  await db.schema.dropTable("paging_trigger_firings").execute();
  await db.schema.dropTable("paging_triggers").execute();
}
