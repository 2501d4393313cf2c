import { randomBytes } from "node:crypto";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import type { Actor } from "../identity/actor.js";
import { findPersonById } from "../identity/person-repository.js";
import { type AuditRecord, canonicalJson, contentDigest, hashRecord } from "./audit-record.js";
import { changedFields, redactSecrets } from "./audit-redaction.js";
import { appendAuditRow, lockChainHead, toAuditRow } from "./audit-repository.js";

export interface AuditEntry {
  /** What happened, `noun.verb`: `ticket.updated`, `auth.sign_in_failed`, `sla_policy.deleted`. */
  action: string;
  targetType: string;
  targetId: string | null;
  /** The target's fields before and after; only those that differ are kept, secrets redacted. */
  before?: object | null | undefined;
  after?: object | null | undefined;
}

/**
 * Appends one record to the audit chain in the caller's transaction, so a change that rolls back
 * leaves no record; called outside one (a refused sign-in), it commits on its own. Call it after
 * the change's own writes: every audited write on PostgreSQL queues on the one chain-head row until
 * commit, so taking it last keeps the queue short and never waits on a row lock in a cycle.
 */
export async function recordAudit(ctx: Context, entry: AuditEntry): Promise<void> {
  const changes = changedFields(
    entry.before as Record<string, unknown> | null | undefined,
    entry.after as Record<string, unknown> | null | undefined,
  );
  const before = changes.before ? redactSecrets(changes.before) : null;
  const after = changes.after ? redactSecrets(changes.after) : null;
  await inTransaction(ctx, async (tx) => {
    const actor = await describeActor(tx, tx.actor);
    const head = await lockChainHead(tx.db, tx.dialect);
    const personal = {
      actor,
      origin: {
        ip: tx.origin?.ip ?? null,
        userAgent: tx.origin?.userAgent ?? null,
        tokenId: tx.origin?.tokenId ?? null,
      },
      before,
      after,
    };
    const salt = randomBytes(16).toString("hex");
    const unsealed: Omit<AuditRecord, "hash"> = {
      ...personal,
      seq: head.seq + 1,
      id: newId(),
      at: tx.clock.now().toISOString(),
      channel: tx.channel,
      action: entry.action,
      target: { type: entry.targetType, id: entry.targetId },
      contentDigest: contentDigest(personal, salt),
      salt,
      prevHash: head.hash,
    };
    const record: AuditRecord = { ...unsealed, hash: hashRecord(unsealed) };
    await appendAuditRow(
      tx.db,
      toAuditRow(
        record,
        before === null ? null : canonicalJson(before),
        after === null ? null : canonicalJson(after),
      ),
    );
  });
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
