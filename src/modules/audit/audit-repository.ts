import { sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { AuditLogTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import { type AuditRecord, type ChainLink, canonicalJson, erasedContent } from "./audit-record.js";

export type AuditRow = AuditLogTable;

const headId = "audit";

/**
 * Reads the chain head; on PostgreSQL inside a transaction it also locks it, so concurrent appends
 * queue here and each one chains onto the last committed record. SQLite runs one writer at a time.
 */
export async function lockChainHead(db: DbExecutor, dialect: DialectKind): Promise<ChainLink> {
  let query = db.selectFrom("audit_chain_head").select(["last_seq", "last_hash"]).where("id", "=", headId);
  if (dialect === "postgres" && db.isTransaction) query = query.forUpdate();
  const head = await query.executeTakeFirstOrThrow();
  return { seq: head.last_seq, hash: head.last_hash };
}

/** Reads the chain head without locking it: the verifier only needs to know where the chain ends. */
export async function readChainHead(db: DbExecutor): Promise<ChainLink> {
  const head = await db
    .selectFrom("audit_chain_head")
    .select(["last_seq", "last_hash"])
    .where("id", "=", headId)
    .executeTakeFirstOrThrow();
  return { seq: head.last_seq, hash: head.last_hash };
}

const auditRowsPerInsert = 200;

/**
 * Appends rows already chained to the head (in order) and moves the head to the last of them. On
 * PostgreSQL the last slice and the head's move are one statement: the head is locked meanwhile.
 */
export async function appendAuditRows(
  db: DbExecutor,
  dialect: DialectKind,
  rows: readonly AuditRow[],
): Promise<void> {
  const last = rows.at(-1);
  if (!last) return;
  // A bulk transaction (the demo desk, an import) chains thousands: in slices, under SQLite's
  // limit on bound parameters per statement.
  const slices: AuditRow[][] = [];
  for (let start = 0; start < rows.length; start += auditRowsPerInsert)
    slices.push(rows.slice(start, start + auditRowsPerInsert));
  const lastSlice = dialect === "postgres" ? slices.pop() : undefined;
  for (const slice of slices) await db.insertInto("audit_log").values(slice).execute();
  const head = { last_seq: last.seq, last_hash: last.hash };
  if (!lastSlice) {
    await db.updateTable("audit_chain_head").set(head).where("id", "=", headId).execute();
    return;
  }
  await db
    .with("appended", (cte) => cte.insertInto("audit_log").values(lastSlice))
    .updateTable("audit_chain_head")
    .set(head)
    .where("id", "=", headId)
    .execute();
}

export interface AuditFilter {
  from?: string;
  to?: string;
  actorId?: string;
  targetId?: string;
  action?: string;
}

/** Newest first, keyset-paged on seq. */
export async function listAuditRows(
  db: DbExecutor,
  filter: AuditFilter,
  limit: number,
  after: CursorPosition | undefined,
): Promise<AuditRow[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (filter.from) query = query.where("at", ">=", filter.from);
  if (filter.to) query = query.where("at", "<", filter.to);
  if (filter.actorId) query = query.where("actor_id", "=", filter.actorId);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  if (filter.action) query = query.where("action", "=", filter.action);
  if (after) query = query.where("seq", "<", Number(after.value));
  return query.orderBy("seq", "desc").limit(limit).execute();
}

/** Oldest first after `afterSeq`, optionally within a period: the verifier's and the export's batches. */
export async function auditRowsInOrder(
  db: DbExecutor,
  afterSeq: number,
  limit: number,
  period: { from?: string; to?: string } = {},
): Promise<AuditRow[]> {
  let query = db.selectFrom("audit_log").selectAll().where("seq", ">", afterSeq);
  if (period.from) query = query.where("at", ">=", period.from);
  if (period.to) query = query.where("at", "<", period.to);
  return query.orderBy("seq", "asc").limit(limit).execute();
}

export function toAuditRow(record: AuditRecord, before: string | null, after: string | null): AuditRow {
  return {
    id: record.id,
    seq: record.seq,
    at: record.at,
    actor_kind: record.actor.kind,
    actor_id: record.actor.id,
    actor_role: record.actor.role,
    actor_display: record.actor.display,
    channel: record.channel,
    ip: record.origin.ip,
    user_agent: record.origin.userAgent,
    token_id: record.origin.tokenId,
    action: record.action,
    target_type: record.target.type,
    target_id: record.target.id,
    before,
    after,
    content_digest: record.contentDigest,
    salt: record.salt,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

export function fromAuditRow(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, role: row.actor_role, display: row.actor_display },
    channel: row.channel,
    origin: { ip: row.ip, userAgent: row.user_agent, tokenId: row.token_id },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
    contentDigest: row.content_digest,
    salt: row.salt,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Whose data an erasure looks for in the trail: records by or about them, or naming their address. */
export interface AuditConcern {
  actorId?: string;
  targetIds: string[];
  /** Matched case-insensitively as a substring of the personal fields (an email address). */
  mentioning?: string;
}

const idChunk = 500;

/** Ids of the records an erasure would redact; records already redacted are not counted again. */
export async function auditRowsConcerning(db: DbExecutor, concern: AuditConcern): Promise<string[]> {
  const ids = new Set<string>();
  const unredacted = () => db.selectFrom("audit_log").select("id").where("salt", "is not", null);
  for (let i = 0; i < concern.targetIds.length; i += idChunk) {
    const rows = await unredacted()
      .where("target_id", "in", concern.targetIds.slice(i, i + idChunk))
      .execute();
    for (const row of rows) ids.add(row.id);
  }
  if (concern.actorId) {
    for (const row of await unredacted().where("actor_id", "=", concern.actorId).execute()) ids.add(row.id);
  }
  if (concern.mentioning) {
    const pattern = `%${concern.mentioning.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await unredacted()
      .where((eb) =>
        eb.or(
          (["actor_display", "before", "after"] as const).map(
            (column) => sql<boolean>`lower(${eb.ref(column)}) LIKE ${pattern} ESCAPE '\\'`,
          ),
        ),
      )
      .execute();
    for (const row of rows) ids.add(row.id);
  }
  return [...ids];
}

/**
 * Removes the personal part of records, keeping their digest and hash: the one UPDATE the
 * append-only trigger lets through (see the erasure migration), so the chain still verifies.
 */
export async function redactAuditRows(db: DbExecutor, ids: string[]): Promise<void> {
  const marker = canonicalJson(erasedContent);
  for (let i = 0; i < ids.length; i += idChunk) {
    await db
      .updateTable("audit_log")
      .set({
        actor_display: erasedContent,
        ip: null,
        user_agent: null,
        before: marker,
        after: marker,
        salt: null,
      })
      .where("id", "in", ids.slice(i, i + idChunk))
      .where("salt", "is not", null)
      .execute();
  }
}
