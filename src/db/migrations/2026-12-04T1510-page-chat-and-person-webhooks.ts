import type { Kysely } from "kysely";

// A person's own webhook for pages (a chat DM hook, a phone bridge): one per person, the URL sealed
// when TEND_SECRET_KEY is set, because an incoming-webhook URL is itself the credential to post.
// A page opened by a Slack slash command keeps the command's response_url, so later state changes
// are said in the channel it came from; Slack honours it for 30 minutes, hence expires_at.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("person_page_webhooks")
    .addColumn("person_id", "text", (c) => c.primaryKey().references("people.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("page_slack_replies")
    .addColumn("page_id", "text", (c) => c.primaryKey().references("pages.id").onDelete("cascade"))
    .addColumn("response_url", "text", (c) => c.notNull())
    .addColumn("slack_user", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("page_slack_replies").execute();
  await db.schema.dropTable("person_page_webhooks").execute();
}
