import type { Kysely } from "kysely";

// XOAUTH2 sign-in to the polled mailbox. Providers rotate refresh tokens (Microsoft on every
// refresh), so the current one must be kept where every worker finds it: here, sealed with
// TEND_SECRET_KEY, as is the access token until it expires. `oauth_origin` is the SHA-256 of the
// configured refresh token they descend from: a new one in the environment (the owner consented
// again) starts over from it.

export async function up(db: Kysely<any>): Promise<void> {
  // One column a statement: SQLite adds no more at once.
  for (const column of [
    "oauth_origin",
    "oauth_refresh_token",
    "oauth_access_token",
    "oauth_access_expires_at",
  ])
    await db.schema.alterTable("imap_mailboxes").addColumn(column, "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [
    "oauth_access_expires_at",
    "oauth_access_token",
    "oauth_refresh_token",
    "oauth_origin",
  ])
    await db.schema.alterTable("imap_mailboxes").dropColumn(column).execute();
}
