import type { Kysely } from "kysely";

// Followers: people who receive a ticket's public replies by mail without being its requester —
// the colleagues a customer put on To or Cc, or whoever staff add. Following grants no access:
// what a person may see in the portal stays their organization's tickets, so a follower from
// another organization gets the replies by mail and nothing more. `source` says how they came:
// "email" (on To/Cc of a message on the ticket) or "staff" (added through the API).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("ticket_followers")
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ticket_followers_pkey", ["ticket_id", "person_id"])
    .execute();
  // Erasure finds a person's rows by person.
  await db.schema
    .createIndex("ticket_followers_by_person")
    .on("ticket_followers")
    .column("person_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ticket_followers").execute();
}
