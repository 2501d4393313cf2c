import type { Kysely } from "kysely";

// Chat (issue 10). Stream routes post ticket events to a channel; a delivery row per route and
// event makes a retried fan-out post nothing twice; a thread row per route and ticket keeps the
// first message's Slack `ts` so later events reply under it. Connected channels turn Slack
// messages into tickets: each Slack event id is stored once (Slack retries deliveries), each chat
// ticket remembers its channel and thread, and a Slack user is linked to the person it became.
// Webhook URLs and bot tokens are secrets: sealed with TEND_SECRET_KEY when set.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("chat_routes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("webhook_url", "text")
    .addColumn("bot_token", "text")
    .addColumn("slack_channel_id", "text")
    .addColumn("event_kinds", "text", (c) => c.notNull())
    .addColumn("group_ids", "text", (c) => c.notNull())
    .addColumn("severities", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("chat_deliveries")
    .addColumn("route_id", "text", (c) => c.notNull().references("chat_routes.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_deliveries_pk", ["route_id", "event_id"])
    .execute();

  await db.schema
    .createTable("chat_ticket_threads")
    .addColumn("route_id", "text", (c) => c.notNull().references("chat_routes.id").onDelete("cascade"))
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("message_ts", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_ticket_threads_pk", ["route_id", "ticket_id"])
    .execute();

  await db.schema
    .createTable("chat_connected_channels")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("slack_channel_id", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("bot_token", "text", (c) => c.notNull())
    .addColumn("organization_id", "text", (c) => c.references("organizations.id").onDelete("set null"))
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("chat_slack_events")
    .addColumn("event_id", "text", (c) => c.primaryKey())
    .addColumn("received_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("chat_tickets")
    .addColumn("ticket_id", "text", (c) => c.primaryKey().references("tickets.id").onDelete("cascade"))
    .addColumn("channel_id", "text", (c) =>
      c.notNull().references("chat_connected_channels.id").onDelete("cascade"),
    )
    .addColumn("thread_ts", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("chat_tickets_by_thread")
    .on("chat_tickets")
    .columns(["channel_id", "thread_ts"])
    .unique()
    .execute();

  await db.schema
    .createTable("chat_slack_people")
    .addColumn("slack_user_id", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .execute();
}
