import type { Kysely } from "kysely";

// Engineering escalation to GitHub (issue 10). `github_settings` is one row, id "desk": the API base
// URL (github.com or a GitHub Enterprise Server's /api/v3), the token and the webhook secret (both
// sealed by the secret box when TEND_SECRET_KEY is set), the repositories agents may file in and the
// default labels. `ticket_engineering` is a ticket's "needs engineering" flag and its linked issue,
// one row per ticket; `issue_key` (lower-case `owner/name#number`, GitHub names are case-insensitive)
// is what a webhook finds the tickets by. `github_webhook_deliveries` remembers X-GitHub-Delivery
// ids, so a redelivered or replayed webhook is acted on once.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("github_settings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("base_url", "text", (c) => c.notNull())
    .addColumn("token", "text")
    .addColumn("default_repository", "text")
    .addColumn("allowed_repositories", "text", (c) => c.notNull())
    .addColumn("default_labels", "text", (c) => c.notNull())
    .addColumn("webhook_secret", "text")
    .addColumn("updated_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ticket_engineering")
    .addColumn("ticket_id", "text", (c) => c.primaryKey().references("tickets.id").onDelete("cascade"))
    .addColumn("needs_engineering", "integer", (c) => c.notNull())
    .addColumn("marked_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("marked_at", "text")
    .addColumn("issue_key", "text")
    .addColumn("issue_repository", "text")
    .addColumn("issue_number", "integer")
    .addColumn("issue_url", "text")
    .addColumn("issue_state", "text")
    .addColumn("issue_title", "text")
    .addColumn("issue_labels", "text")
    .addColumn("linked_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("linked_at", "text")
    .addColumn("issue_synced_at", "text")
    .execute();
  await db.schema
    .createIndex("ticket_engineering_by_issue")
    .on("ticket_engineering")
    .column("issue_key")
    .execute();

  await db.schema
    .createTable("github_webhook_deliveries")
    .addColumn("delivery_id", "text", (c) => c.primaryKey())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("received_at", "text", (c) => c.notNull())
    .execute();
}
