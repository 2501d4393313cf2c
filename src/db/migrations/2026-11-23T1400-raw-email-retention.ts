import type { Kysely } from "kysely";

// How long raw inbound mail is kept once handled. The parsed copy (`email_messages`, the ticket's
// comment) stays; the raw bytes hold every header and word as received, so they get their own
// clock: `raw_email_days` on the desk's retention row, 90 days to start with, null for ever. The
// organizations' rows leave it null: raw mail is the desk's, kept by one rule.
//
// The daily retention run selects handled messages by when they were handled.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("retention_policies").addColumn("raw_email_days", "integer").execute();
  await db.updateTable("retention_policies").set({ raw_email_days: 90 }).where("id", "=", "desk").execute();
  await db.schema
    .createIndex("raw_emails_by_status_processed")
    .on("raw_emails")
    .columns(["status", "processed_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("raw_emails_by_status_processed").execute();
  await db.schema.alterTable("retention_policies").dropColumn("raw_email_days").execute();
}
