import type { Kysely } from "kysely";

// On-call schedules: layers are JSON (the rotation maths' RotationLayer[] with person ids), read
// whole with the schedule. Overrides are absolute instants, so editing a layer never moves them; a
// swap is two overrides sharing a swap_id. Feed tokens keep only the SHA-256 of the secret URL.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("oncall_schedules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("layers", "text", (c) => c.notNull())
    .addColumn("chat_webhook_url", "text")
    .addColumn("last_announced_person_id", "text")
    .addColumn("last_announced_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("oncall_overrides")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("schedule_id", "text", (c) =>
      c.notNull().references("oncall_schedules.id").onDelete("cascade"),
    )
    .addColumn("person_id", "text", (c) => c.notNull().references("people.id"))
    .addColumn("start_at", "text", (c) => c.notNull())
    .addColumn("end_at", "text", (c) => c.notNull())
    .addColumn("covers_person_id", "text", (c) => c.references("people.id"))
    .addColumn("swap_id", "text")
    .addColumn("created_by", "text", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("oncall_overrides_schedule")
    .on("oncall_overrides")
    .columns(["schedule_id", "created_at"])
    .execute();
  await db.schema.createIndex("oncall_overrides_swap").on("oncall_overrides").column("swap_id").execute();

  await db.schema
    .createTable("oncall_feed_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("schedule_id", "text", (c) => c.references("oncall_schedules.id").onDelete("cascade"))
    .addColumn("person_id", "text", (c) => c.references("people.id"))
    .addColumn("created_by", "text", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("oncall_feed_tokens").execute();
  await db.schema.dropTable("oncall_overrides").execute();
  await db.schema.dropTable("oncall_schedules").execute();
}
