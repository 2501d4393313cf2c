import type { Kysely } from "kysely";

// Paging: a policy's levels are JSON (the escalation maths' EscalationPolicy), read whole. A page
// counts the escalation steps already notified (steps_done), so a step job re-run after a crash
// finds its step done. The log names people by id only, so erasing a person empties it of their
// name. Action tokens keep only the SHA-256 of a mailed link's secret.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("escalation_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("definition", "text", (c) => c.notNull())
    .addColumn("chat_webhook_url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("pages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("ticket_id", "text", (c) => c.references("tickets.id").onDelete("set null"))
    .addColumn("policy_id", "text", (c) => c.notNull().references("escalation_policies.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("opened_by", "text", (c) => c.references("people.id"))
    .addColumn("opened_at", "text", (c) => c.notNull())
    .addColumn("acknowledged_by", "text", (c) => c.references("people.id"))
    .addColumn("acknowledged_at", "text")
    .addColumn("resolved_by", "text", (c) => c.references("people.id"))
    .addColumn("resolved_at", "text")
    .addColumn("steps_done", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("pages_status_opened").on("pages").columns(["status", "opened_at"]).execute();

  await db.schema
    .createTable("page_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("person_id", "text", (c) => c.references("people.id"))
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("page_events_page").on("page_events").columns(["page_id", "at"]).execute();

  await db.schema
    .createTable("page_action_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("page_id", "text", (c) => c.notNull().references("pages.id").onDelete("cascade"))
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema.createIndex("page_action_tokens_page").on("page_action_tokens").column("page_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("page_action_tokens").execute();
  await db.schema.dropTable("page_events").execute();
  await db.schema.dropTable("pages").execute();
  await db.schema.dropTable("escalation_policies").execute();
}
