import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // Named counters give human ticket numbers (#1042) on both dialects with one statement:
  // UPDATE … RETURNING serializes concurrent creators on the counter row.
  await db.schema
    .createTable("counters")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "integer", (c) => c.notNull())
    .execute();
  await db.insertInto("counters").values({ name: "ticket_number", value: 1000 }).execute();

  await db.schema
    .createTable("tickets")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("number", "integer", (c) => c.notNull().unique())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("requester_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("organization_id", "text", (c) => c.references("organizations.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("group_id", "text", (c) => c.references("groups.id"))
    .addColumn("assignee_id", "text", (c) => c.references("people.id"))
    .addColumn("follow_up_of_id", "text", (c) => c.references("tickets.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    // Last comment or change by anyone: "Pending for 5 days of silence" is measured from here.
    .addColumn("last_activity_at", "text", (c) => c.notNull())
    .addColumn("solved_at", "text")
    .addColumn("closed_at", "text")
    .execute();

  // Queue queries filter by equality columns first and page by (sort column, id), so each
  // index below ends in the sort key and id: the page is read in index order, never sorted.
  const ticketIndexes: Record<string, string[]> = {
    tickets_by_updated: ["updated_at", "id"],
    tickets_by_created: ["created_at", "id"],
    tickets_by_status_updated: ["status", "updated_at", "id"],
    tickets_by_status_group_updated: ["status", "group_id", "updated_at", "id"],
    tickets_by_group_updated: ["group_id", "updated_at", "id"],
    tickets_by_assignee_status_updated: ["assignee_id", "status", "updated_at", "id"],
    tickets_by_organization_updated: ["organization_id", "updated_at", "id"],
    tickets_by_requester_updated: ["requester_id", "updated_at", "id"],
    tickets_by_status_activity: ["status", "last_activity_at"],
    tickets_by_status_solved: ["status", "solved_at"],
    tickets_by_follow_up: ["follow_up_of_id"],
  };
  for (const [name, columns] of Object.entries(ticketIndexes)) {
    await db.schema.createIndex(name).on("tickets").columns(columns).execute();
  }

  await db.schema
    .createTable("ticket_tags")
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ticket_tags_pk", ["ticket_id", "tag"])
    .execute();
  await db.schema.createIndex("ticket_tags_by_tag").on("ticket_tags").columns(["tag", "ticket_id"]).execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("author_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comments_by_ticket").on("comments").columns(["ticket_id", "id"]).execute();

  // The ticket's timeline and its audit trail in one: every change is a row, never updated.
  await db.schema
    .createTable("ticket_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("actor_id", "text", (c) => c.references("people.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("field", "text")
    .addColumn("from_value", "text")
    .addColumn("to_value", "text")
    .addColumn("reason", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("ticket_events_by_ticket")
    .on("ticket_events")
    .columns(["ticket_id", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["ticket_events", "comments", "ticket_tags", "tickets", "counters"]) {
    await db.schema.dropTable(table).execute();
  }
}
