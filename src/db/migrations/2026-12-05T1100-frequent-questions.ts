import type { Kysely } from "kysely";

// Frequent questions (issue 9): the grouping job's latest result. A run holds groups, a group its
// member tickets; a group's label and examples are read from its tickets when shown, so erasing or
// deleting a ticket (the members' cascade) leaves no copy of a customer's words here. A group
// points at the article that covers it: found by search when the run was made, or drafted from it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("frequent_question_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("window_start", "text", (c) => c.notNull())
    .addColumn("ticket_count", "integer", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("frequent_question_runs_by_created")
    .on("frequent_question_runs")
    .columns(["created_at", "id"])
    .execute();

  await db.schema
    .createTable("frequent_question_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) =>
      c.notNull().references("frequent_question_runs.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("top_terms", "text", (c) => c.notNull())
    .addColumn("article_id", "text", (c) => c.references("knowledge_articles.id").onDelete("set null"))
    .addColumn("coverage", "text")
    .execute();
  await db.schema
    .createIndex("frequent_question_groups_by_run")
    .on("frequent_question_groups")
    .columns(["run_id", "position"])
    .execute();

  await db.schema
    .createTable("frequent_question_members")
    .addColumn("group_id", "text", (c) =>
      c.notNull().references("frequent_question_groups.id").onDelete("cascade"),
    )
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("frequent_question_members_pk", ["group_id", "ticket_id"])
    .execute();
  await db.schema
    .createIndex("frequent_question_members_by_ticket")
    .on("frequent_question_members")
    .column("ticket_id")
    .execute();
}
