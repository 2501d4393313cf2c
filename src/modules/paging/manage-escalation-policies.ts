import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { findGroupById } from "../identity/group-repository.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { checkEscalationPolicy, type EscalationPolicy, type EscalationTarget } from "../oncall/escalation.js";
import { checkedWebhookUrl } from "../oncall/manage-schedules.js";
import { findScheduleById } from "../oncall/oncall-repository.js";
import { isPageable } from "./pageable-person.js";
import { type EscalationPolicyView, presentPolicy } from "./paging-presenter.js";
import {
  deletePolicyRow,
  type EscalationPolicyRow,
  findPolicyById,
  findPolicyByName,
  insertPolicy,
  listPolicyRows,
  policyHasPages,
  updatePolicyRow,
} from "./paging-repository.js";
import { triggersOfPolicy } from "./paging-trigger-repository.js";

export interface EscalationPolicyInput {
  name: string;
  levels: EscalationPolicy["levels"];
  repeats?: number;
  fallback?: EscalationPolicy["fallback"];
  /** Each step is posted there too; null removes it. */
  chatWebhookUrl?: string | null;
}

async function checkedName(ctx: Context, name: string, exceptId: string | null): Promise<string> {
  const trimmed = name.trim();
  if (!trimmed) throw ValidationError.field("name", "must not be empty");
  const taken = await findPolicyByName(ctx.db, trimmed);
  if (taken && taken.id !== exceptId)
    throw new ConflictError(`An escalation policy named "${trimmed}" exists already.`);
  return trimmed;
}

/** A target must name something a page can reach: an active agent or admin, a group, a schedule. */
async function checkTarget(ctx: Context, target: EscalationTarget, field: string): Promise<void> {
  switch (target.kind) {
    case "person": {
      const person = await findPersonById(ctx.db, target.personId);
      if (!person || !isPageable(person))
        throw UnprocessableContentError.field(
          `${field}/personId`,
          `no active agent or admin ${target.personId}`,
        );
      return;
    }
    case "group":
      if (!(await findGroupById(ctx.db, target.groupId)))
        throw UnprocessableContentError.field(`${field}/groupId`, `no group ${target.groupId}`);
      return;
    case "schedule":
      if (!(await findScheduleById(ctx.db, target.scheduleId)))
        throw UnprocessableContentError.field(
          `${field}/scheduleId`,
          `no on-call schedule ${target.scheduleId}`,
        );
      return;
  }
}

async function checkedPolicy(ctx: Context, policy: EscalationPolicy): Promise<EscalationPolicy> {
  checkEscalationPolicy(policy);
  for (const [index, level] of policy.levels.entries()) {
    for (const [position, target] of level.targets.entries())
      await checkTarget(ctx, target, `levels/${index}/targets/${position}`);
  }
  for (const [position, target] of policy.fallback.entries())
    await checkTarget(ctx, target, `fallback/${position}`);
  return policy;
}

/** What the audit trail keeps of a policy: the webhook URL is a secret, so only whether it is set. */
function audited(row: EscalationPolicyRow) {
  return { name: row.name, definition: row.definition, chatWebhookConfigured: row.chat_webhook_url !== null };
}

function definitionOf(input: Omit<EscalationPolicyInput, "name">): EscalationPolicy {
  return { levels: input.levels, repeats: input.repeats ?? 0, fallback: input.fallback ?? [] };
}

export async function listEscalationPolicies(ctx: Context): Promise<EscalationPolicyView[]> {
  requireStaff(ctx.actor);
  return (await listPolicyRows(ctx.db)).map(presentPolicy);
}

export async function getEscalationPolicy(ctx: Context, id: string): Promise<EscalationPolicyView> {
  requireStaff(ctx.actor);
  const row = await findPolicyById(ctx.db, id);
  if (!row) throw new NotFoundError(`No escalation policy ${id}.`);
  return presentPolicy(row);
}

export async function createEscalationPolicy({
  ctx,
  input,
}: {
  ctx: Context;
  input: EscalationPolicyInput;
}): Promise<EscalationPolicyView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const created: EscalationPolicyRow = {
      id: newId(),
      name: await checkedName(tx, input.name, null),
      definition: JSON.stringify(await checkedPolicy(tx, definitionOf(input))),
      chat_webhook_url: checkedWebhookUrl(input.chatWebhookUrl ?? null),
      created_at: now,
      updated_at: now,
    };
    await insertPolicy(tx.db, created);
    await recordAudit(tx, {
      action: "escalation_policy.created",
      targetType: "escalation_policy",
      targetId: created.id,
      after: audited(created),
    });
    return presentPolicy(created);
  });
}

export async function updateEscalationPolicy({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<EscalationPolicyInput>;
}): Promise<EscalationPolicyView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findPolicyById(tx.db, id);
    if (!current) throw new NotFoundError(`No escalation policy ${id}.`);
    const stored = presentPolicy(current);
    const updated: EscalationPolicyRow = {
      ...current,
      name: input.name === undefined ? current.name : await checkedName(tx, input.name, id),
      definition: JSON.stringify(
        await checkedPolicy(
          tx,
          definitionOf({
            levels: input.levels ?? stored.levels,
            repeats: input.repeats ?? stored.repeats,
            fallback: input.fallback ?? stored.fallback,
          }),
        ),
      ),
      chat_webhook_url:
        input.chatWebhookUrl === undefined
          ? current.chat_webhook_url
          : checkedWebhookUrl(input.chatWebhookUrl),
      updated_at: tx.clock.now().toISOString(),
    };
    await updatePolicyRow(tx.db, updated);
    await recordAudit(tx, {
      action: "escalation_policy.updated",
      targetType: "escalation_policy",
      targetId: id,
      before: audited(current),
      after: audited(updated),
    });
    return presentPolicy(updated);
  });
}

/** A policy pages were sent by stays: their log names it. */
export async function deleteEscalationPolicy({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findPolicyById(tx.db, id);
    if (!current) throw new NotFoundError(`No escalation policy ${id}.`);
    if (await policyHasPages(tx.db, id))
      throw new ConflictError(`Pages were sent with "${current.name}": it stays for their record.`);
    if ((await triggersOfPolicy(tx.db, id)).length > 0)
      throw new ConflictError(
        `Paging triggers page "${current.name}": point them elsewhere or delete them first.`,
      );
    await deletePolicyRow(tx.db, id);
    await recordAudit(tx, {
      action: "escalation_policy.deleted",
      targetType: "escalation_policy",
      targetId: id,
      before: audited(current),
    });
  });
}
