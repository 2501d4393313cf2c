import type { Kysely } from "kysely";

// Hardened accounts: API tokens gain scopes and an optional expiry, and failed sign-ins are counted
// in the database (not in memory) so the limits hold across every web process on PostgreSQL.

export async function up(db: Kysely<any>): Promise<void> {
  // Scopes are a JSON array of "read" | "write" | "admin". The column default is the least a new
  // token may do; tokens issued before scopes existed keep what they could do (all their person
  // could), so upgrading breaks no integration. An agent's "admin" scope grants nothing extra.
  await db.schema
    .alterTable("api_tokens")
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo('["write"]'))
    .execute();
  await db.schema.alterTable("api_tokens").addColumn("expires_at", "text").execute();
  await db.updateTable("api_tokens").set({ scopes: '["write","admin"]' }).execute();

  // One row per throttled key ("account:<email>" or "ip:<address>"): the failures in the current
  // window and, once the limit is reached, when the lockout ends.
  await db.schema
    .createTable("sign_in_throttles")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("window_started_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .execute();
  // Lets a sweep drop stale rows by age; cheap, and the table stays small.
  await db.schema
    .createIndex("sign_in_throttles_by_window")
    .on("sign_in_throttles")
    .column("window_started_at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sign_in_throttles").execute();
  await db.schema.alterTable("api_tokens").dropColumn("expires_at").execute();
  await db.schema.alterTable("api_tokens").dropColumn("scopes").execute();
}
