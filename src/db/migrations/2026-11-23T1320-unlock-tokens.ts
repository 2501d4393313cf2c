import type { Kysely } from "kysely";

// Unlock by email: when failed sign-ins lock an account, its owner is mailed a single-use link that
// lifts the lockout. Only the SHA-256 of the 256-bit token is stored, so a copy of the database
// unlocks nothing. The row also carries the unlock mail's delivery state, as `email_messages`
// does for ticket mail.
//
// `email_messages.kind` names the template an outbound ticket mail is rendered with (reply,
// acknowledgement); every outbound mail before this migration was an agent's reply.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("unlock_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("delivery_state", "text", (c) => c.notNull())
    .addColumn("delivery_answer", "text")
    .execute();
  await db.schema.createIndex("unlock_tokens_by_person").on("unlock_tokens").column("person_id").execute();

  await db.schema.alterTable("email_messages").addColumn("kind", "text").execute();
  await db.updateTable("email_messages").set({ kind: "reply" }).where("direction", "=", "outbound").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("email_messages").dropColumn("kind").execute();
  await db.schema.dropTable("unlock_tokens").execute();
}
