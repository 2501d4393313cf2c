import { createHash, randomBytes } from "node:crypto";
import { type Kysely, PostgresAdapter, sql } from "kysely";

// The right to erasure and retention policies.
//
// The audit trail moves to record format "tend-audit-v2": the hash seals a salted digest of the
// personal part of a record (actor display, IP, user agent, before, after) instead of those fields,
// so an erasure can replace them with a marker and drop the salt while the chain still verifies.
// Tend is unreleased, so every v1 record is rewritten as v2 here, in seq order, re-chained; that
// keeps one format to verify and makes every record erasable. Each v1 record is checked against its
// v1 hash first: re-chaining a tampered log would launder the tampering, so a broken one stops the
// upgrade. The hashing below repeats the app's on purpose: a migration never imports app code.
//
// The append-only guards are replaced by ones that let exactly the redaction through: personal
// fields to the marker, salt to NULL (once), every other column unchanged. Anything else is refused.

const erasedContent = "[erased]";
const erasedJson = JSON.stringify(erasedContent);
const genesisHash = "0".repeat(64);

interface V1Row {
  id: string;
  seq: number;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_role: string | null;
  actor_display: string;
  channel: string;
  ip: string | null;
  user_agent: string | null;
  token_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await sql`DROP TRIGGER audit_log_append_only ON audit_log`.execute(db);
  else await sql`DROP TRIGGER audit_log_no_update`.execute(db);

  // Nullable only because SQLite cannot add a NOT NULL column without a default; every row gets one.
  await db.schema.alterTable("audit_log").addColumn("content_digest", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("salt", "text").execute();
  await rewriteAsV2(db);

  const unchanged = [
    "id",
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "actor_role",
    "channel",
    "token_id",
    "action",
    "target_type",
    "target_id",
    "content_digest",
    "prev_hash",
    "hash",
  ];
  const redaction = (same: (column: string) => string) =>
    sql.raw(
      [
        "OLD.salt IS NOT NULL",
        "NEW.salt IS NULL",
        `NEW.actor_display = '${erasedContent}'`,
        "NEW.ip IS NULL",
        "NEW.user_agent IS NULL",
        `NEW.before = '${erasedJson}'`,
        `NEW.after = '${erasedJson}'`,
        ...unchanged.map(same),
      ].join(" AND "),
    );
  if (postgres) {
    // Nested IFs: the TRUNCATE trigger shares this function and has no OLD or NEW rows.
    await sql`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF ${redaction((c) => `NEW.${c} IS NOT DISTINCT FROM OLD.${c}`)} THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
      END
    $$`.execute(db);
    await sql`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
  } else {
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      WHEN NOT (${redaction((c) => `NEW.${c} IS OLD.${c}`)})
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END`.execute(db);
  }

  // One row per ticket whose content is gone: retention skips it, the API can say why it reads so.
  await db.schema
    .createTable("ticket_erasures")
    .addColumn("ticket_id", "text", (c) => c.primaryKey().references("tickets.id").onDelete("cascade"))
    .addColumn("erased_at", "text", (c) => c.notNull())
    .addColumn("cause", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("retention_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) =>
      c.unique().references("organizations.id").onDelete("cascade"),
    )
    .addColumn("closed_ticket_months", "integer")
    .addColumn("closed_ticket_action", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // The desk's default keeps everything until an admin decides otherwise.
  await db
    .insertInto("retention_policies")
    .values({
      id: "desk",
      organization_id: null,
      closed_ticket_months: null,
      closed_ticket_action: "anonymize",
      updated_at: new Date().toISOString(),
    })
    .execute();
  await db.schema
    .createIndex("tickets_by_status_closed")
    .on("tickets")
    .columns(["status", "closed_at"])
    .execute();
}

/** The v1 seal, to check each record before re-sealing it: re-chaining must not launder tampering. */
function v1Hash(row: V1Row): string {
  const sealed = [
    "tend-audit-v1",
    row.seq,
    row.id,
    row.at,
    row.actor_kind,
    row.actor_id,
    row.actor_role,
    row.actor_display,
    row.channel,
    row.ip,
    row.user_agent,
    row.token_id,
    row.action,
    row.target_type,
    row.target_id,
    row.before ?? "null",
    row.after ?? "null",
    row.prev_hash,
  ];
  return createHash("sha256").update(JSON.stringify(sealed)).digest("hex");
}

async function rewriteAsV2(db: Kysely<any>): Promise<void> {
  let prevHash = genesisHash;
  let prevV1Hash = genesisHash;
  let lastSeq = 0;
  for (;;) {
    const rows = (await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", lastSeq)
      .orderBy("seq", "asc")
      .limit(500)
      .execute()) as V1Row[];
    for (const row of rows) {
      if (row.seq !== lastSeq + 1 || row.prev_hash !== prevV1Hash || v1Hash(row) !== row.hash) {
        throw new Error(
          `The audit chain is broken at seq ${row.seq}: run \`tend audit verify\` on the previous version and investigate before upgrading.`,
        );
      }
      prevV1Hash = row.hash;
      const salt = randomBytes(16).toString("hex");
      // canonicalJson of the personal part: keys sorted, before/after already canonical text.
      const personal = `{"actorDisplay":${JSON.stringify(row.actor_display)},"after":${row.after ?? "null"},"before":${row.before ?? "null"},"ip":${JSON.stringify(row.ip)},"userAgent":${JSON.stringify(row.user_agent)}}`;
      const contentDigest = createHash("sha256").update(salt).update(personal).digest("hex");
      const sealed = [
        "tend-audit-v2",
        row.seq,
        row.id,
        row.at,
        row.actor_kind,
        row.actor_id,
        row.actor_role,
        row.channel,
        row.token_id,
        row.action,
        row.target_type,
        row.target_id,
        contentDigest,
        prevHash,
      ];
      const hash = createHash("sha256").update(JSON.stringify(sealed)).digest("hex");
      await db
        .updateTable("audit_log")
        .set({ content_digest: contentDigest, salt, prev_hash: prevHash, hash })
        .where("id", "=", row.id)
        .execute();
      prevHash = hash;
      lastSeq = row.seq;
    }
    if (rows.length < 500) break;
  }
  await db.updateTable("audit_chain_head").set({ last_hash: prevHash }).where("id", "=", "audit").execute();
}

/** The audit trail stays in format v2: going back would mean re-sealing redacted records as v1. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tickets_by_status_closed").execute();
  await db.schema.dropTable("retention_policies").execute();
  await db.schema.dropTable("ticket_erasures").execute();
}
