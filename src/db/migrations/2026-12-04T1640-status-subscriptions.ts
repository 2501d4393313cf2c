import type { Kysely } from "kysely";

// Subscribers of the status page (issue 8): confirmed email addresses (double opt-in) and webhooks, each for
// every component or a chosen list. Tokens are stored as SHA-256 only. `status_announcement_deliveries` is the
// exactly-once claim: one row per (announcement, subscriber), so a re-run announcement job sends nothing twice;
// each mailed announcement carries its own unsubscribe token, kept on its delivery row.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_subscribers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.unique())
    .addColumn("webhook_url", "text")
    .addColumn("webhook_secret", "text")
    .addColumn("all_components", "integer", (c) => c.notNull())
    .addColumn("confirmed_at", "text")
    .addColumn("created_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("last_delivery_at", "text")
    .addColumn("last_delivery_answer", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_subscribers_created")
    .on("status_subscribers")
    .columns(["created_at", "id"])
    .execute();

  await db.schema
    .createTable("status_subscriber_components")
    .addColumn("subscriber_id", "text", (c) =>
      c.notNull().references("status_subscribers.id").onDelete("cascade"),
    )
    .addColumn("component_id", "text", (c) =>
      c.notNull().references("status_components.id").onDelete("cascade"),
    )
    .addPrimaryKeyConstraint("status_subscriber_components_pk", ["subscriber_id", "component_id"])
    .execute();
  await db.schema
    .createIndex("status_subscriber_components_component")
    .on("status_subscriber_components")
    .column("component_id")
    .execute();

  await db.schema
    .createTable("status_subscription_confirmations")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("subscriber_id", "text", (c) =>
      c.notNull().references("status_subscribers.id").onDelete("cascade"),
    )
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();
  await db.schema
    .createIndex("status_subscription_confirmations_subscriber")
    .on("status_subscription_confirmations")
    .column("subscriber_id")
    .execute();

  await db.schema
    .createTable("status_announcement_deliveries")
    .addColumn("announcement_key", "text", (c) => c.notNull())
    .addColumn("subscriber_id", "text", (c) =>
      c.notNull().references("status_subscribers.id").onDelete("cascade"),
    )
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("unsubscribe_token_hash", "text", (c) => c.unique())
    .addColumn("answer", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addPrimaryKeyConstraint("status_announcement_deliveries_pk", ["announcement_key", "subscriber_id"])
    .execute();
  await db.schema
    .createIndex("status_announcement_deliveries_subscriber")
    .on("status_announcement_deliveries")
    .column("subscriber_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_announcement_deliveries").execute();
  await db.schema.dropTable("status_subscription_confirmations").execute();
  await db.schema.dropTable("status_subscriber_components").execute();
  await db.schema.dropTable("status_subscribers").execute();
}
