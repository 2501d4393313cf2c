import type { Kysely } from "kysely";

// Customer satisfaction and case reviews (issue 9). One survey per ticket solve cycle, keyed by the
// ticket and the instant it was solved; the ticket's group, assignee, organization, plan and severity
// are copied at the solve so the CSAT report reads one indexed range of this table, never tickets.
// The mailed link's token is stored as SHA-256 only. `satisfaction_settings` is one row, id "desk";
// absent, surveys are on with no delay and no exclusions. A case review is drawn by sample or opened
// by a Bad rating (one per survey).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("satisfaction_settings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("delay_minutes", "integer", (c) => c.notNull())
    .addColumn("excluded_organization_ids", "text", (c) => c.notNull())
    .addColumn("excluded_tags", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("satisfaction_surveys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("solved_at", "text", (c) => c.notNull())
    .addColumn("requester_id", "text", (c) => c.notNull())
    .addColumn("organization_id", "text")
    .addColumn("plan", "text")
    .addColumn("group_id", "text")
    .addColumn("assignee_id", "text")
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .addColumn("token_hash", "text", (c) => c.unique())
    .addColumn("token_expires_at", "text")
    .addColumn("rating", "text")
    .addColumn("comment", "text")
    .addColumn("rated_at", "text")
    .addColumn("rated_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("satisfaction_surveys_cycle", ["ticket_id", "solved_at"])
    .execute();
  // The report's range: surveys of a period by their solve instant.
  await db.schema
    .createIndex("satisfaction_surveys_solved")
    .on("satisfaction_surveys")
    .columns(["solved_at", "rating"])
    .execute();

  await db.schema
    .createTable("case_reviews")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("agent_id", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("survey_id", "text", (c) =>
      c.unique().references("satisfaction_surveys.id").onDelete("set null"),
    )
    .addColumn("period_from", "text")
    .addColumn("period_to", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reviewer_id", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("accuracy", "integer")
    .addColumn("tone", "integer")
    .addColumn("completeness", "integer")
    .addColumn("followed_process", "integer")
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("outcome", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("reviewed_at", "text")
    .execute();
  await db.schema
    .createIndex("case_reviews_agent")
    .on("case_reviews")
    .columns(["agent_id", "created_at"])
    .execute();
  await db.schema.createIndex("case_reviews_ticket").on("case_reviews").column("ticket_id").execute();
}
