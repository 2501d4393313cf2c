import type { Kysely } from "kysely";

// The maintenance policy admins configure (issue 8): one row, id "policy"; absent, the service objectives'
// defaults apply (Tuesday–Thursday, 24 h notice, at most 2 h, UTC). Allowed weekdays are a JSON array of ISO
// weekday numbers; notice and length are milliseconds (bigint: a notice of a month does not fit 32 bits).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_maintenance_policy")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("allowed_weekdays", "text", (c) => c.notNull())
    .addColumn("minimum_notice_ms", "bigint", (c) => c.notNull())
    .addColumn("maximum_duration_ms", "bigint", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("people.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_maintenance_policy").execute();
}
