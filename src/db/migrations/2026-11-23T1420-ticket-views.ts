import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // Queues an admin defines: a name and a ticket-list filter (JSON, the list query's own fields).
  await db.schema
    .createTable("ticket_views")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("filter", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("ticket_views").execute();
}
