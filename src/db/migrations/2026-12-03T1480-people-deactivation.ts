import type { Kysely } from "kysely";

// A deactivated person keeps their row — their name stays on the tickets, comments and audit
// records that point at it — but cannot sign in or act: `deactivated_at` is the ISO instant it
// happened, null while the account is active. Reactivating sets it back to null.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("people").addColumn("deactivated_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("people").dropColumn("deactivated_at").execute();
}
