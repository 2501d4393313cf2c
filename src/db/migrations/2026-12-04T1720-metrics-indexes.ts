import type { Kysely } from "kysely";

// `/metrics` counts on every scrape (every 15 s or so). These indexes hold every column each grouped
// count reads, so the count walks index entries only and never the rows: on a large desk the closed
// tickets, achieved clocks and succeeded jobs sit in other key ranges and are not read at all.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("tickets_by_status_group_severity")
    .on("tickets")
    .columns(["status", "group_id", "severity"])
    .execute();
  await db.schema
    .createIndex("sla_clocks_by_state_metric")
    .on("sla_clocks")
    .columns(["state", "metric"])
    .execute();
  await db.schema.createIndex("jobs_by_status_kind").on("jobs").columns(["status", "kind"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("jobs_by_status_kind").execute();
  await db.schema.dropIndex("sla_clocks_by_state_metric").execute();
  await db.schema.dropIndex("tickets_by_status_group_severity").execute();
}
