import type { Kysely } from "kysely";

// Which job kinds want which domain events ("*" for all). A consumer (outgoing webhooks, the chat
// stream, automations) keeps its rows in step with its own configuration, so publishing an event
// enqueues work only for the consumers that will act on it: one indexed read in the publishing
// transaction, nothing when nobody listens.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("domain_event_subscriptions")
    .addColumn("job_kind", "text", (c) => c.notNull())
    .addColumn("event_kind", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("domain_event_subscriptions_pk", ["event_kind", "job_kind"])
    .execute();
  await db.schema
    .createIndex("domain_event_subscriptions_by_job")
    .on("domain_event_subscriptions")
    .column("job_kind")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("domain_event_subscriptions").execute();
}
