import { ConflictError, NotFoundError, UnprocessableContentError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findPolicyById } from "./paging-repository.js";
import { type PagingTriggerView, presentTrigger } from "./paging-trigger-presenter.js";
import {
  deleteTriggerRow,
  findTriggerById,
  findTriggerByKindAndPolicy,
  insertTrigger,
  listTriggerRows,
  type PagingTriggerRow,
  updateTriggerRow,
} from "./paging-trigger-repository.js";
import { type PagingTriggerKind, pagingTriggerDescriptions } from "./paging-triggers.js";

export interface PagingTriggerInput {
  kind: PagingTriggerKind;
  policyId: string;
  enabled?: boolean;
}

function audited(row: PagingTriggerRow) {
  return { kind: row.kind, policyId: row.policy_id, enabled: row.enabled === 1 };
}

async function checkedPolicy(ctx: Context, policyId: string) {
  const policy = await findPolicyById(ctx.db, policyId);
  if (!policy) throw UnprocessableContentError.field("policyId", `no escalation policy ${policyId}`);
  return policy;
}

/** One trigger per occasion and policy: a second would page the same people twice. */
async function refuseDuplicate(ctx: Context, kind: string, policyId: string, exceptId: string | null) {
  const taken = await findTriggerByKindAndPolicy(ctx.db, kind, policyId);
  if (taken && taken.id !== exceptId)
    throw new ConflictError(
      `"${pagingTriggerDescriptions[kind as PagingTriggerKind]}" pages that policy already.`,
    );
}

/** Staff see what pages them unprompted; admins change it. */
export async function listPagingTriggers(ctx: Context): Promise<PagingTriggerView[]> {
  requireStaff(ctx.actor);
  return (await listTriggerRows(ctx.db)).map((row) => presentTrigger(row, row.policy_name));
}

export async function createPagingTrigger({
  ctx,
  input,
}: {
  ctx: Context;
  input: PagingTriggerInput;
}): Promise<PagingTriggerView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const policy = await checkedPolicy(tx, input.policyId);
    await refuseDuplicate(tx, input.kind, policy.id, null);
    const now = tx.clock.now().toISOString();
    const created: PagingTriggerRow = {
      id: newId(),
      kind: input.kind,
      policy_id: policy.id,
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await insertTrigger(tx.db, created);
    await recordAudit(tx, {
      action: "paging_trigger.created",
      targetType: "paging_trigger",
      targetId: created.id,
      after: audited(created),
    });
    return presentTrigger(created, policy.name);
  });
}

export async function updatePagingTrigger({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<PagingTriggerInput>;
}): Promise<PagingTriggerView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findTriggerById(tx.db, id);
    if (!current) throw new NotFoundError(`No paging trigger ${id}.`);
    const { policy_name: currentPolicyName, ...stored } = current;
    const policy =
      input.policyId === undefined || input.policyId === stored.policy_id
        ? { id: stored.policy_id, name: currentPolicyName }
        : await checkedPolicy(tx, input.policyId);
    const updated: PagingTriggerRow = {
      ...stored,
      kind: input.kind ?? stored.kind,
      policy_id: policy.id,
      enabled: input.enabled === undefined ? stored.enabled : input.enabled ? 1 : 0,
      updated_at: tx.clock.now().toISOString(),
    };
    await refuseDuplicate(tx, updated.kind, updated.policy_id, id);
    await updateTriggerRow(tx.db, updated);
    await recordAudit(tx, {
      action: "paging_trigger.updated",
      targetType: "paging_trigger",
      targetId: id,
      before: audited(stored),
      after: audited(updated),
    });
    return presentTrigger(updated, policy.name);
  });
}

/** Pages it opened stay, with their log naming it; only its claims on future occasions go. */
export async function deletePagingTrigger({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findTriggerById(tx.db, id);
    if (!current) throw new NotFoundError(`No paging trigger ${id}.`);
    const { policy_name: _policyName, ...stored } = current;
    await deleteTriggerRow(tx.db, id);
    await recordAudit(tx, {
      action: "paging_trigger.deleted",
      targetType: "paging_trigger",
      targetId: id,
      before: audited(stored),
    });
  });
}
