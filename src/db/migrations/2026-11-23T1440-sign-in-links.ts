import type { Kysely } from "kysely";

// Sign-in by emailed link, for customers on the portal: a single-use token mailed on request.
// Only the SHA-256 of the 256-bit token is stored, so a copy of the database signs nobody in. The
// row carries the mail's delivery state, as `unlock_tokens` does. `expires_at` is indexed for the
// daily retention run, which deletes the links past their lifetime.
//
// `sign_in_challenges.first_factor` names what earned a second-factor challenge (`password` or
// `email_link`), so the session and its audit record say how the person really signed in.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sign_in_links")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("delivery_state", "text", (c) => c.notNull())
    .addColumn("delivery_answer", "text")
    .execute();
  await db.schema.createIndex("sign_in_links_by_person").on("sign_in_links").column("person_id").execute();
  await db.schema.createIndex("sign_in_links_by_expiry").on("sign_in_links").column("expires_at").execute();

  await db.schema
    .alterTable("sign_in_challenges")
    .addColumn("first_factor", "text", (c) => c.notNull().defaultTo("password"))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sign_in_challenges").dropColumn("first_factor").execute();
  await db.schema.dropTable("sign_in_links").execute();
}
