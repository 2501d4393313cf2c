import type { Kysely } from "kysely";

// The status page's store (issue 8): components in groups, the monitors that measure them, raw check
// results (kept 7 days), per-minute and per-day rollups of observed and good time per monitor (kept
// 400 days; what availability reads), and user-impact samples ("N of M users saw errors").
// Instants of measurements are epoch milliseconds (bigint): buckets are aligned numbers, summed and
// compared, never shown as text. A push monitor's token is stored as its SHA-256, like every secret.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_components")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("group_name", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("manual_state", "text")
    .addColumn("uptime_target", "double precision", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_components_order")
    .on("status_components")
    .columns(["group_name", "position"])
    .execute();

  await db.schema
    .createTable("status_monitors")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("component_id", "text", (c) =>
      c.notNull().references("status_components.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("probe", "text")
    .addColumn("interval_ms", "integer", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("push_token_hash", "text", (c) => c.unique())
    .addColumn("last_result_at", "bigint")
    .addColumn("last_result_up", "integer")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_monitors_component")
    .on("status_monitors")
    .column("component_id")
    .execute();

  await db.schema
    .createTable("status_check_results")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("monitor_id", "text", (c) => c.notNull().references("status_monitors.id").onDelete("cascade"))
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("up", "integer", (c) => c.notNull())
    .addColumn("latency_ms", "double precision")
    .addColumn("reason", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_check_results_monitor_at")
    .on("status_check_results")
    .columns(["monitor_id", "at"])
    .execute();
  await db.schema.createIndex("status_check_results_at").on("status_check_results").column("at").execute();

  for (const table of ["status_minute_rollups", "status_day_rollups"]) {
    await db.schema
      .createTable(table)
      .addColumn("monitor_id", "text", (c) =>
        c.notNull().references("status_monitors.id").onDelete("cascade"),
      )
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("observed_ms", "bigint", (c) => c.notNull())
      .addColumn("good_ms", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["monitor_id", "at"])
      .execute();
    await db.schema.createIndex(`${table}_at`).on(table).column("at").execute();
  }

  await db.schema
    .createTable("status_user_impact_samples")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("component_id", "text", (c) =>
      c.notNull().references("status_components.id").onDelete("cascade"),
    )
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("affected", "integer", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("status_user_impact_component_at")
    .on("status_user_impact_samples")
    .columns(["component_id", "at"])
    .execute();
  await db.schema
    .createIndex("status_user_impact_at")
    .on("status_user_impact_samples")
    .column("at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("status_user_impact_samples").execute();
  await db.schema.dropTable("status_day_rollups").execute();
  await db.schema.dropTable("status_minute_rollups").execute();
  await db.schema.dropTable("status_check_results").execute();
  await db.schema.dropTable("status_monitors").execute();
  await db.schema.dropTable("status_components").execute();
}
