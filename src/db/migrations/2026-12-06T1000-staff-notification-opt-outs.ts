import type { Kysely } from "kysely";

// Agents are mailed when a ticket is assigned to them and when its requester replies; an agent who
// would rather watch the workspace turns that off. A row is an opt-out, so nobody needs a row to be
// told, and erasing a person takes their choice with them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("staff_notification_opt_outs")
    .addColumn("person_id", "text", (column) =>
      column.primaryKey().references("people.id").onDelete("cascade"),
    )
    .addColumn("opted_out_at", "text", (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("staff_notification_opt_outs").execute();
}
