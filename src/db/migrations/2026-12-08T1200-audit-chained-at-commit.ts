import { type Kysely, PostgresAdapter, sql } from "kysely";

// On PostgreSQL every audited write queued on the chain head's row lock, and held it from the read of
// the head through the insert of its records to the commit: at least two round trips, each waiting
// for the event loop of a process busy with other requests. Under a mixed load that lock was most of
// what PostgreSQL sessions waited on, and writes of every kind together stalled at about 20 a second
// (`npm run bench:load`). Here PostgreSQL chains the records itself, at commit: a transaction inserts
// its records with no place in the chain yet (seq, prev_hash and hash null), and a deferred trigger
// locks the head, computes each record's hash and moves the head while committing, in the order the
// records were inserted; the lock is held for the commit alone. The hash is the app's own
// (`audit/audit-record.ts`, "tend-audit-v2": SHA-256 of the JSON array of the sealed fields), so the
// verifier checks both dialects' records alike. Processes of the release before chain their records
// themselves under the same lock, and the trigger leaves records inserted with a seq alone.
//
// The append-only guard lets exactly this through beside the redaction: a record without a place
// gets one, once, from inside the trigger (a statement typed by hand runs at trigger depth 1), with
// every other column unchanged. SQLite writes one transaction at a time, and its records are chained
// by the app as before.

const erasedContent = "[erased]";
const erasedJson = JSON.stringify(erasedContent);

const sealedColumns = [
  "id",
  "at",
  "actor_kind",
  "actor_id",
  "actor_role",
  "actor_display",
  "channel",
  "ip",
  "user_agent",
  "token_id",
  "action",
  "target_type",
  "target_id",
  "before",
  "after",
  "content_digest",
  "salt",
];

// As the erasure migration (2026-11-23T1240) wrote it: personal fields to the marker, salt to NULL.
const redactionUnchanged = [
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
const redaction = [
  "OLD.salt IS NOT NULL",
  "NEW.salt IS NULL",
  `NEW.actor_display = '${erasedContent}'`,
  "NEW.ip IS NULL",
  "NEW.user_agent IS NULL",
  `NEW.before = '${erasedJson}'`,
  `NEW.after = '${erasedJson}'`,
  ...redactionUnchanged.map((c) => `NEW.${c} IS NOT DISTINCT FROM OLD.${c}`),
].join(" AND ");

const chaining = [
  "pg_trigger_depth() > 1",
  "OLD.seq IS NULL",
  "NEW.seq IS NOT NULL",
  "NEW.prev_hash IS NOT NULL",
  "NEW.hash IS NOT NULL",
  ...sealedColumns.map((c) => `NEW.${c} IS NOT DISTINCT FROM OLD.${c}`),
].join(" AND ");

const json = (value: string) => `coalesce(to_json(${value})::text, 'null')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`ALTER TABLE audit_log ALTER COLUMN seq DROP NOT NULL,
    ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`.execute(db);
  await sql
    .raw(`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF (${redaction}) OR (${chaining}) THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
      END
    $$`)
    .execute(db);
  const sealed = [
    "'\"tend-audit-v2\"'",
    "head_seq::text",
    // `hashRecord`'s order: id, at, actor kind, id and role, channel, token, action, target, digest.
    ...[
      "id",
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
    ].map((c) => json(`NEW.${c}`)),
    json("head_hash"),
  ].join(" || ',' || ");
  await sql
    .raw(`CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head_seq integer;
        head_hash text;
        record_hash text;
      BEGIN
        SELECT last_seq + 1, last_hash INTO head_seq, head_hash
          FROM audit_chain_head WHERE id = 'audit' FOR UPDATE;
        record_hash := encode(sha256(convert_to('[' || ${sealed} || ']', 'UTF8')), 'hex');
        UPDATE audit_log SET seq = head_seq, prev_hash = head_hash, hash = record_hash WHERE id = NEW.id;
        UPDATE audit_chain_head SET last_seq = head_seq, last_hash = record_hash WHERE id = 'audit';
        RETURN NULL;
      END
    $$`)
    .execute(db);
  await sql`CREATE CONSTRAINT TRIGGER audit_log_chain AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.seq IS NULL)
    EXECUTE FUNCTION audit_log_chain()`.execute(db);
}

/** The columns stay nullable: every record committed has its place, and relaxing them back is not needed. */
export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`DROP TRIGGER audit_log_chain ON audit_log`.execute(db);
  await sql`DROP FUNCTION audit_log_chain()`.execute(db);
  await sql
    .raw(`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF ${redaction} THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
      END
    $$`)
    .execute(db);
}
