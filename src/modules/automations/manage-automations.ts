import { type FieldProblem, NotFoundError, UnprocessableContentError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { setDomainEventSubscriptions } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import type { PersonActor } from "../identity/actor.js";
import { findGroupById } from "../identity/group-repository.js";
import { requireAdmin, requirePerson } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { findPolicyById } from "../paging/paging-repository.js";
import { findEndpoint } from "../webhooks/webhook-repository.js";
import { type AutomationAction, checkActions } from "./automation-actions.js";
import {
  type AutomationCondition,
  type AutomationEventKind,
  type ConditionMatch,
  checkConditions,
} from "./automation-conditions.js";
import {
  type AutomationRunView,
  type AutomationView,
  presentAutomation,
  presentRun,
} from "./automation-presenter.js";
import {
  type AutomationRow,
  deleteAutomationRow,
  findAutomationRow,
  insertAutomation,
  listAutomationRows,
  nextAutomationPosition,
  recentRunRows,
  setAutomationPosition,
  updateAutomationRow,
} from "./automation-repository.js";
import { runAutomationsJob } from "./run-automations.js";

export interface AutomationInput {
  name: string;
  enabled?: boolean;
  events: AutomationEventKind[];
  match?: ConditionMatch;
  conditions?: AutomationCondition[];
  actions: AutomationAction[];
}

/** Automations are saved by a person: their notes and replies need an author. */
function requireAdminPerson(ctx: Context): PersonActor {
  requireAdmin(ctx.actor);
  return requirePerson(ctx.actor);
}

/** The ids the conditions and actions name, each checked to exist (and people to be active staff). */
async function checkReferences(
  ctx: Context,
  conditions: AutomationCondition[],
  actions: AutomationAction[],
): Promise<void> {
  const problems: FieldProblem[] = [];
  const group = async (field: string, id: string) => {
    if (!(await findGroupById(ctx.db, id))) problems.push({ field, message: `no group ${id}` });
  };
  const staff = async (field: string, id: string) => {
    const person = await findPersonById(ctx.db, id);
    if (!person || person.role === "customer" || person.deactivated_at !== null)
      problems.push({ field, message: `no active agent ${id}` });
  };
  for (const [index, condition] of conditions.entries())
    if (condition.field === "group") await group(`conditions/${index}/value`, condition.value);
  for (const [index, action] of actions.entries()) {
    const at = `actions/${index}`;
    if (action.type === "set_group" || action.type === "assign_in_group")
      await group(`${at}/groupId`, action.groupId);
    if (action.type === "set_assignee" && action.assigneeId)
      await staff(`${at}/assigneeId`, action.assigneeId);
    if (action.type === "notify_by_email")
      for (const [n, personId] of action.personIds.entries()) await staff(`${at}/personIds/${n}`, personId);
    if (action.type === "open_page" && !(await findPolicyById(ctx.db, action.policyId)))
      problems.push({ field: `${at}/policyId`, message: `no escalation policy ${action.policyId}` });
    if (action.type === "call_webhook" && !(await findEndpoint(ctx.db, action.endpointId)))
      problems.push({ field: `${at}/endpointId`, message: `no webhook endpoint ${action.endpointId}` });
  }
  if (problems.length > 0) throw new UnprocessableContentError(problems);
}

/** The stored row for an input, checked whole: a bad one is refused before anything is written. */
async function checkedColumns(ctx: Context, input: AutomationInput) {
  const name = input.name.trim();
  if (name === "") throw UnprocessableContentError.field("name", "must not be blank");
  if (input.events.length === 0)
    throw UnprocessableContentError.field("events", "at least one event to fire on");
  const conditions = checkConditions(input.conditions ?? []);
  const actions = checkActions(input.actions);
  await checkReferences(ctx, conditions, actions);
  return {
    name,
    enabled: input.enabled === false ? 0 : 1,
    events: JSON.stringify([...new Set(input.events)]),
    match: input.match ?? "all",
    conditions: JSON.stringify(conditions),
    actions: JSON.stringify(actions),
  };
}

/** Which ticket events the `automations.run` job hears: those some enabled automation fires on. */
async function syncSubscriptions(ctx: Context): Promise<void> {
  const kinds = (await listAutomationRows(ctx.db))
    .filter((row) => row.enabled === 1)
    .flatMap((row) => JSON.parse(row.events) as AutomationEventKind[]);
  await setDomainEventSubscriptions(ctx.db, runAutomationsJob, kinds);
}

function audited(row: AutomationRow) {
  const view = presentAutomation(row);
  return {
    name: view.name,
    enabled: view.enabled,
    position: view.position,
    events: view.events,
    match: view.match,
    conditions: view.conditions,
    actions: view.actions,
  };
}

export async function listAutomations(ctx: Context): Promise<AutomationView[]> {
  requireAdmin(ctx.actor);
  return (await listAutomationRows(ctx.db)).map(presentAutomation);
}

async function existing(ctx: Context, id: string): Promise<AutomationRow> {
  const row = await findAutomationRow(ctx.db, id);
  if (!row) throw new NotFoundError(`No automation ${id}.`);
  return row;
}

export async function getAutomation(ctx: Context, id: string): Promise<AutomationView> {
  requireAdmin(ctx.actor);
  return presentAutomation(await existing(ctx, id));
}

export async function createAutomation({
  ctx,
  input,
}: {
  ctx: Context;
  input: AutomationInput;
}): Promise<AutomationView> {
  const admin = requireAdminPerson(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const row: AutomationRow = {
      id: newId(),
      ...(await checkedColumns(tx, input)),
      position: await nextAutomationPosition(tx.db),
      author_id: admin.personId,
      created_at: now,
      updated_at: now,
    };
    await insertAutomation(tx.db, row);
    await syncSubscriptions(tx);
    await recordAudit(tx, {
      action: "automation.created",
      targetType: "automation",
      targetId: row.id,
      after: audited(row),
    });
    return presentAutomation(row);
  });
}

export async function updateAutomation({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<AutomationInput>;
}): Promise<AutomationView> {
  const admin = requireAdminPerson(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await existing(tx, id);
    const current = presentAutomation(before);
    const row: AutomationRow = {
      ...before,
      ...(await checkedColumns(tx, {
        name: input.name ?? current.name,
        enabled: input.enabled ?? current.enabled,
        events: input.events ?? current.events,
        match: input.match ?? current.match,
        conditions: input.conditions ?? current.conditions,
        actions: input.actions ?? current.actions,
      })),
      author_id: admin.personId,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateAutomationRow(tx.db, row);
    await syncSubscriptions(tx);
    await recordAudit(tx, {
      action: "automation.updated",
      targetType: "automation",
      targetId: id,
      before: audited(before),
      after: audited(row),
    });
    return presentAutomation(row);
  });
}

/** Its runs go with it; what it changed on tickets stays, with their timelines naming it. */
export async function deleteAutomation({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const before = await existing(tx, id);
    await deleteAutomationRow(tx.db, id);
    await syncSubscriptions(tx);
    await recordAudit(tx, {
      action: "automation.deleted",
      targetType: "automation",
      targetId: id,
      before: audited(before),
    });
  });
}

/** The order automations run in for one event: every automation, each once. */
export async function reorderAutomations({
  ctx,
  ids,
}: {
  ctx: Context;
  ids: string[];
}): Promise<AutomationView[]> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const rows = await listAutomationRows(tx.db);
    const known = new Set(rows.map((row) => row.id));
    const unknown = ids.findIndex((id) => !known.has(id));
    if (unknown >= 0)
      throw UnprocessableContentError.field(`ids/${unknown}`, `no automation ${ids[unknown]}`);
    if (new Set(ids).size !== ids.length || ids.length !== rows.length)
      throw UnprocessableContentError.field("ids", "every automation, each once");
    for (const [position, id] of ids.entries()) await setAutomationPosition(tx.db, id, position);
    await recordAudit(tx, {
      action: "automation.reordered",
      targetType: "automation",
      targetId: null,
      before: { order: rows.map((row) => row.id) },
      after: { order: ids },
    });
    return (await listAutomationRows(tx.db)).map(presentAutomation);
  });
}

export async function listAutomationRuns(ctx: Context, id: string): Promise<AutomationRunView[]> {
  requireAdmin(ctx.actor);
  await existing(ctx, id);
  return (await recentRunRows(ctx.db, id, 50)).map(presentRun);
}
