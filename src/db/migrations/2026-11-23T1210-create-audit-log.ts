import { type Kysely, PostgresAdapter, sql } from "kysely";

// The audit trail: one append-only, hash-chained row per change, sign-in and export. Appends take a
// row lock on the single chain head (last seq and hash), so concurrent writers on PostgreSQL still
// produce one gap-free chain; SQLite has one writer at a time anyway. UPDATE and DELETE on the log
// are refused by a trigger on both dialects: the application has no code path for them, and a
// hand-typed statement fails too. Times are ISO text, JSON is canonical text, as elsewhere.

const genesisHash = "0".repeat(64);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("seq", "integer", (c) => c.notNull().unique())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_kind", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("actor_role", "text")
    .addColumn("actor_display", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("token_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").columns(["at", "seq"]).execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_target").on("audit_log").columns(["target_id", "seq"]).execute();

  await db.schema
    .createTable("audit_chain_head")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("last_seq", "integer", (c) => c.notNull())
    .addColumn("last_hash", "text", (c) => c.notNull())
    .execute();
  await db
    .insertInto("audit_chain_head")
    .values({ id: "audit", last_seq: 0, last_hash: genesisHash })
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
      END
    $$`.execute(db);
    await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_chain_head").execute();
  await db.schema.dropTable("audit_log").execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP FUNCTION IF EXISTS audit_log_append_only()`.execute(db);
  }
}
