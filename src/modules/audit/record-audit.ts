import { randomBytes } from "node:crypto";
import { type Context, inTransaction, writeBeforeCommit } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import type { Actor } from "../identity/actor.js";
import { findPersonById } from "../identity/person-repository.js";
import { type AuditRecord, canonicalJson, contentDigest, hashRecord } from "./audit-record.js";
import { changedFields, redactSecrets } from "./audit-redaction.js";
import { type AuditRow, appendAuditRows, lockChainHead, toAuditRow } from "./audit-repository.js";

export interface AuditEntry {
  /** What happened, `noun.verb`: `ticket.updated`, `auth.sign_in_failed`, `sla_policy.deleted`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** The target's fields before and after; only those that differ are kept, secrets redacted. */
  before?: object | null | undefined;
  after?: object | null | undefined;
}

/** An entry as recorded, waiting for its place in the chain. */
interface PendingAudit {
  entry: AuditEntry;
  actor: Actor;
  channel: Context["channel"];
  origin: Context["origin"];
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * Appends one record to the audit chain in the caller's transaction, so a change that rolls back
 * leaves no record; called outside one (a refused sign-in), it commits on its own. Inside a
 * transaction the records are chained just before the commit: every audited write on PostgreSQL
 * queues on the one chain-head row until commit, so taking it last keeps that queue as short as
 * the commit itself, and transactions that audit early (a new customer, then their ticket) no
 * longer hold it through the rest of their work. A batch's units of work (inbound messages under
 * their savepoints) are chained together, in the order they succeeded.
 */
export async function recordAudit(ctx: Context, entry: AuditEntry): Promise<void> {
  const changes = changedFields(
    entry.before as Record<string, unknown> | null | undefined,
    entry.after as Record<string, unknown> | null | undefined,
  );
  const pending: PendingAudit = {
    entry,
    actor: ctx.actor,
    channel: ctx.channel,
    origin: ctx.origin,
    at: ctx.clock.now().toISOString(),
    before: changes.before ? (redactSecrets(changes.before) as Record<string, unknown>) : null,
    after: changes.after ? (redactSecrets(changes.after) as Record<string, unknown>) : null,
  };
  if (!writeBeforeCommit(ctx, "audit chain", pending, appendToChain))
    await inTransaction(ctx, (tx) => appendToChain(tx, [pending]));
}

/**
 * Everything a record holds but its place in the chain is worked out before the head is locked:
 * every audited write on PostgreSQL queues on that lock, and each round trip made while holding it
 * (an actor's name looked up, say) waits for the event loop of a busy process as well.
 */
async function appendToChain(tx: Context, batch: readonly PendingAudit[]): Promise<void> {
  const unchained: Array<{ pending: PendingAudit; record: Omit<AuditRecord, "hash" | "seq" | "prevHash"> }> =
    [];
  for (const pending of batch) {
    const personal = {
      actor: await describeActor(tx, pending.actor),
      origin: {
        ip: pending.origin?.ip ?? null,
        userAgent: pending.origin?.userAgent ?? null,
        tokenId: pending.origin?.tokenId ?? null,
      },
      before: pending.before,
      after: pending.after,
    };
    const salt = randomBytes(16).toString("hex");
    unchained.push({
      pending,
      record: {
        ...personal,
        id: newId(),
        at: pending.at,
        channel: pending.channel,
        action: pending.entry.action,
        target: { type: pending.entry.targetType, id: pending.entry.targetId },
        contentDigest: contentDigest(personal, salt),
        salt,
      },
    });
  }
  let head = await lockChainHead(tx.db, tx.dialect);
  const rows: AuditRow[] = [];
  for (const { pending, record } of unchained) {
    const unsealed = { ...record, seq: head.seq + 1, prevHash: head.hash };
    const sealed: AuditRecord = { ...unsealed, hash: hashRecord(unsealed) };
    rows.push(
      toAuditRow(
        sealed,
        pending.before === null ? null : canonicalJson(pending.before),
        pending.after === null ? null : canonicalJson(pending.after),
      ),
    );
    head = { seq: sealed.seq, hash: sealed.hash };
  }
  await appendAuditRows(tx.db, tx.dialect, rows);
}

async function describeActor(ctx: Context, actor: Actor): Promise<AuditRecord["actor"]> {
  if (actor.kind === "person") {
    const person = await findPersonById(ctx.db, actor.personId);
    const display = person ? `${person.name} <${person.email}>` : actor.personId;
    return { kind: "person", id: actor.personId, role: actor.role, display };
  }
  if (actor.kind === "system")
    return { kind: "system", id: null, role: null, display: `system: ${actor.reason}` };
  return { kind: "anonymous", id: null, role: null, display: "anonymous" };
}
