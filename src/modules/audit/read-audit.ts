import { ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { requireAdmin } from "../identity/identity-policy.js";
import {
  type AuditRecord,
  type ChainVerdict,
  checkChainEnd,
  genesisHash,
  verifyChain,
} from "./audit-record.js";
import {
  type AuditFilter,
  auditRowsInOrder,
  fromAuditRow,
  listAuditRows,
  readChainHead,
} from "./audit-repository.js";
import { recordAudit } from "./record-audit.js";

const batchSize = 1000;

/** Admins only: the trail names every customer and every change, so it is no agent's reading. */
export async function listAudit({
  ctx,
  filter,
  limit,
  cursor,
}: {
  ctx: Context;
  filter: AuditFilter;
  limit: number;
  cursor?: string;
}): Promise<Page<AuditRecord>> {
  requireAdmin(ctx.actor);
  const period = normalizePeriod(filter);
  const rows = await listAuditRows(
    ctx.db,
    { ...filter, ...period },
    limit + 1,
    cursor ? decodeCursor(cursor) : undefined,
  );
  const items = rows.slice(0, limit).map(fromAuditRow);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.seq, id: last.id }) : null,
  };
}

/** Walks the whole chain in batches, then checks that it ends where the chain head says. */
export async function verifyAuditTrail(ctx: Context): Promise<ChainVerdict> {
  requireAdmin(ctx.actor);
  // The head is read first: records appended while we walk only extend the chain past it.
  const head = await readChainHead(ctx.db);
  let from = { seq: 0, hash: genesisHash };
  let count = 0;
  for (;;) {
    const rows = await auditRowsInOrder(ctx.db, from.seq, batchSize);
    const verdict = verifyChain(rows.map(fromAuditRow), from);
    count += verdict.count;
    if (!verdict.intact) return { ...verdict, count };
    from = verdict.last;
    if (rows.length < batchSize || from.seq >= head.seq) break;
  }
  if (from.seq > head.seq) return { intact: true, count, last: from };
  return checkChainEnd(from, head) ?? { intact: true, count, last: from };
}

/**
 * Writes the records of a period, oldest first, one JSON object per line with their hashes: the
 * first record's `prevHash` anchors the period, so an auditor re-verifies it without the rest.
 * The export itself is then recorded.
 */
export async function exportAudit(
  ctx: Context,
  period: { from: string; to: string },
  writeLine: (line: string) => void | Promise<void>,
): Promise<number> {
  requireAdmin(ctx.actor);
  const bounds = normalizePeriod(period);
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const rows = await auditRowsInOrder(ctx.db, afterSeq, batchSize, bounds);
    for (const row of rows) await writeLine(JSON.stringify(fromAuditRow(row)));
    count += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) break;
    afterSeq = last.seq;
  }
  await recordAudit(ctx, {
    action: "audit.exported",
    targetType: "audit_log",
    targetId: null,
    after: { from: period.from, to: period.to, records: count },
  });
  return count;
}

/** Records store UTC ISO times, so bounds in any offset are brought to the same form to compare as text. */
function normalizePeriod(period: { from?: string; to?: string }): { from?: string; to?: string } {
  const bounds: { from?: string; to?: string } = {};
  for (const field of ["from", "to"] as const) {
    const value = period[field];
    if (value === undefined) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw ValidationError.field(field, "is not an ISO 8601 time");
    bounds[field] = new Date(time).toISOString();
  }
  return bounds;
}

/** An export's records checked on their own: the first record's previous hash anchors the period. */
export function verifyExportedRecords(records: AuditRecord[]): ChainVerdict {
  const first = records[0];
  if (!first) return { intact: true, count: 0, last: { seq: 0, hash: genesisHash } };
  return verifyChain(records, { seq: first.seq - 1, hash: first.prevHash });
}
