import type { DbExecutor } from "../../db/database.js";
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { plans, stages } from "../identity/organization.js";
import { categories, normalizeTags, severities, ticketChannels } from "../tickets/ticket.js";
import { existingCalendarIds } from "./calendar-repository.js";
import {
  countPolicies,
  deletePolicyRow,
  existingOrganizationIds,
  findPolicyById,
  insertPolicy,
  listPolicyRows,
  type PolicyRow,
  policyNameTaken,
  setPolicyPositions,
  updatePolicyRow,
} from "./policy-repository.js";
import { MAX_TARGET_MS } from "./sla-schemas.js";
import { type PolicyConditions, type SlaMetric, type StoredTarget, slaMetrics } from "./sla-types.js";

/** A target as written by an admin; left-out fields take their defaults. */
export interface TargetInput {
  metric: string;
  durationMs: number;
  calendarId?: string | null;
  pauseWhilePending?: boolean;
  warnAtShare?: number;
  conditions?: PolicyConditions;
}

export interface PolicyInput {
  name: string;
  description?: string;
  /** 1 = first; left out, the policy goes last. */
  position?: number;
  active?: boolean;
  conditions?: PolicyConditions;
  targets: TargetInput[];
}

export interface PolicyView {
  id: string;
  name: string;
  position: number;
  description: string;
  active: boolean;
  conditions: PolicyConditions;
  targets: StoredTarget[];
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_WARN_AT_SHARE = 0.75;

export function presentPolicy(row: PolicyRow): PolicyView {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    description: row.description,
    active: row.active,
    conditions: row.conditions,
    targets: row.targets,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const vocabularies = {
  plans,
  stages,
  severities,
  categories,
  channels: ticketChannels,
} as const satisfies Partial<Record<keyof PolicyConditions, readonly string[]>>;
const conditionKeys = [...Object.keys(vocabularies), "organizationIds", "tags"] as (keyof PolicyConditions)[];

type Report = (field: string, message: string) => void;

/**
 * Checks conditions and returns them tidied: lists de-duplicated, tags lower-cased, empty lists dropped.
 * Organization ids are collected into `organizationIds` for one existence check by the caller.
 */
function checkConditions(
  conditions: PolicyConditions | undefined,
  field: string,
  report: Report,
  organizationRefs: { field: string; id: string }[],
): PolicyConditions {
  if (conditions === undefined) return {};
  if (typeof conditions !== "object" || conditions === null || Array.isArray(conditions)) {
    report(field, "must be an object of condition lists");
    return {};
  }
  const tidy: PolicyConditions = {};
  for (const [key, list] of Object.entries(conditions) as [keyof PolicyConditions, unknown][]) {
    const listField = `${field}/${key}`;
    if (!conditionKeys.includes(key)) {
      report(listField, `unknown condition; use one of ${conditionKeys.join(", ")}`);
      continue;
    }
    if (!Array.isArray(list) || list.some((entry) => typeof entry !== "string")) {
      report(listField, "must be a list of strings");
      continue;
    }
    if (list.length === 0) continue;
    const values = [...new Set(list as string[])];
    if (key === "tags") {
      try {
        tidy.tags = normalizeTags(values, listField);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const problem of error.problems) report(problem.field, problem.message);
      }
      continue;
    }
    if (key === "organizationIds") {
      values.forEach((id, index) => {
        organizationRefs.push({ field: `${listField}/${index}`, id });
      });
      tidy.organizationIds = values;
      continue;
    }
    const allowed: readonly string[] = vocabularies[key];
    values.forEach((value, index) => {
      if (!allowed.includes(value)) {
        report(
          `${listField}/${index}`,
          `unknown ${key.replace(/s$/, "")} "${value}"; use one of ${allowed.join(", ")}`,
        );
      }
    });
    tidy[key] = values;
  }
  return tidy;
}

function checkTarget(
  target: TargetInput,
  field: string,
  report: Report,
  refs: { calendars: { field: string; id: string }[]; organizations: { field: string; id: string }[] },
): StoredTarget {
  if (!(slaMetrics as readonly string[]).includes(target.metric)) {
    report(`${field}/metric`, `unknown metric "${target.metric}"; use one of ${slaMetrics.join(", ")}`);
  }
  if (
    !Number.isSafeInteger(target.durationMs) ||
    target.durationMs < 1 ||
    target.durationMs > MAX_TARGET_MS
  ) {
    report(`${field}/durationMs`, "must be a whole number of milliseconds, more than 0 and at most 365 days");
  }
  const warnAtShare = target.warnAtShare ?? DEFAULT_WARN_AT_SHARE;
  if (typeof warnAtShare !== "number" || !(warnAtShare > 0 && warnAtShare <= 1)) {
    report(`${field}/warnAtShare`, "must be more than 0 and at most 1");
  }
  const calendarId = target.calendarId ?? null;
  if (calendarId !== null) refs.calendars.push({ field: `${field}/calendarId`, id: calendarId });
  const conditions = checkConditions(target.conditions, `${field}/conditions`, report, refs.organizations);
  return {
    metric: target.metric as SlaMetric,
    durationMs: target.durationMs,
    calendarId,
    pauseWhilePending: target.pauseWhilePending ?? true,
    warnAtShare,
    ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
  };
}

/**
 * Checks conditions and targets together, reporting every problem at once with the field it is in
 * (`/targets/1/calendarId: no calendar …`), and returns them as they will be stored.
 */
export async function checkConditionsAndTargets(
  db: DbExecutor,
  input: { conditions?: PolicyConditions | undefined; targets?: TargetInput[] | undefined },
  options: { requireTargets: boolean },
): Promise<{ conditions: PolicyConditions; targets: StoredTarget[] }> {
  const problems: FieldProblem[] = [];
  const report: Report = (field, message) => problems.push({ field, message });
  const refs = {
    calendars: [] as { field: string; id: string }[],
    organizations: [] as { field: string; id: string }[],
  };

  const conditions = checkConditions(input.conditions, "/conditions", report, refs.organizations);
  const targets = (input.targets ?? []).map((target, index) =>
    checkTarget(target, `/targets/${index}`, report, refs),
  );
  if (options.requireTargets && targets.length === 0) report("/targets", "needs at least one target");

  const calendarIds = await existingCalendarIds(db, [...new Set(refs.calendars.map((ref) => ref.id))]);
  for (const ref of refs.calendars) {
    if (!calendarIds.has(ref.id)) report(ref.field, `no calendar ${ref.id}`);
  }
  const organizationIds = await existingOrganizationIds(db, [
    ...new Set(refs.organizations.map((ref) => ref.id)),
  ]);
  for (const ref of refs.organizations) {
    if (!organizationIds.has(ref.id)) report(ref.field, `no organization ${ref.id}`);
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return { conditions, targets };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") throw ValidationError.field("/name", "must not be empty");
  return trimmed;
}

async function assertNameFree(ctx: Context, name: string, exceptId: string | null): Promise<void> {
  if (await policyNameTaken(ctx.db, name, exceptId)) {
    throw new ConflictError(`A policy named "${name}" already exists.`);
  }
}

/** Puts `id` at `position` (1-based, clamped to the list) and renumbers the rest 1, 2, … */
async function movePolicy(ctx: Context, id: string, position: number | undefined): Promise<void> {
  const current = await listPolicyRows(ctx.db);
  const order = current.map((policy) => policy.id).filter((other) => other !== id);
  const index = position === undefined ? order.length : Math.min(Math.max(position - 1, 0), order.length);
  order.splice(index, 0, id);
  await setPolicyPositions(ctx.db, current, order);
}

export async function listPolicies({ ctx }: { ctx: Context }): Promise<PolicyView[]> {
  requireStaff(ctx.actor);
  return (await listPolicyRows(ctx.db)).map(presentPolicy);
}

export async function getPolicy({ ctx, id }: { ctx: Context; id: string }): Promise<PolicyView> {
  requireStaff(ctx.actor);
  const row = await findPolicyById(ctx.db, id);
  if (!row) throw new NotFoundError(`No policy ${id}.`);
  return presentPolicy(row);
}

export async function createPolicy({
  ctx,
  input,
}: {
  ctx: Context;
  input: PolicyInput;
}): Promise<PolicyView> {
  requireAdmin(ctx.actor);
  const name = checkName(input.name);
  return inTransaction(ctx, async (tx) => {
    const { conditions, targets } = await checkConditionsAndTargets(tx.db, input, { requireTargets: true });
    await assertNameFree(tx, name, null);
    const now = tx.clock.now().toISOString();
    const id = newId();
    await insertPolicy(tx.db, {
      id,
      name,
      position: (await countPolicies(tx.db)) + 1,
      description: input.description?.trim() ?? "",
      conditions,
      targets,
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    });
    if (input.position !== undefined) await movePolicy(tx, id, input.position);
    await recordAudit(tx, {
      action: "sla_policy.created",
      targetType: "sla_policy",
      targetId: id,
      after: await findPolicyById(tx.db, id),
    });
    tx.logger.info({ policyId: id }, "SLA policy created");
    return presentPolicy((await findPolicyById(tx.db, id))!);
  });
}

/** Changes a policy; conditions and targets, when given, replace the old ones whole. */
export async function updatePolicy({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<PolicyInput>;
}): Promise<PolicyView> {
  requireAdmin(ctx.actor);
  const name = input.name === undefined ? undefined : checkName(input.name);
  return inTransaction(ctx, async (tx) => {
    const existing = await findPolicyById(tx.db, id);
    if (!existing) throw new NotFoundError(`No policy ${id}.`);
    const checked = await checkConditionsAndTargets(
      tx.db,
      { conditions: input.conditions ?? existing.conditions, targets: input.targets ?? existing.targets },
      { requireTargets: true },
    );
    if (name !== undefined) await assertNameFree(tx, name, id);
    await updatePolicyRow(tx.db, {
      ...existing,
      name: name ?? existing.name,
      description: input.description?.trim() ?? existing.description,
      conditions: checked.conditions,
      targets: checked.targets,
      active: input.active ?? existing.active,
      updated_at: tx.clock.now().toISOString(),
    });
    if (input.position !== undefined) await movePolicy(tx, id, input.position);
    await recordAudit(tx, {
      action: "sla_policy.updated",
      targetType: "sla_policy",
      targetId: id,
      before: existing,
      after: await findPolicyById(tx.db, id),
    });
    tx.logger.info({ policyId: id }, "SLA policy updated");
    return presentPolicy((await findPolicyById(tx.db, id))!);
  });
}

/** Deletes a policy, and with it the customer exceptions that replace its targets. */
export async function deletePolicy({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findPolicyById(tx.db, id);
    if (!existing) throw new NotFoundError(`No policy ${id}.`);
    await deletePolicyRow(tx.db, id);
    const rest = await listPolicyRows(tx.db);
    await setPolicyPositions(
      tx.db,
      rest,
      rest.map((policy) => policy.id),
    );
    await recordAudit(tx, {
      action: "sla_policy.deleted",
      targetType: "sla_policy",
      targetId: id,
      before: existing,
    });
    tx.logger.info({ policyId: id }, "SLA policy deleted");
  });
}

/** Puts every policy in the order given; the list must name each policy exactly once. */
export async function reorderPolicies({
  ctx,
  policyIds,
}: {
  ctx: Context;
  policyIds: string[];
}): Promise<PolicyView[]> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await listPolicyRows(tx.db);
    const known = new Set(current.map((policy) => policy.id));
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    policyIds.forEach((id, index) => {
      if (!known.has(id)) problems.push({ field: `/policyIds/${index}`, message: `no policy ${id}` });
      else if (seen.has(id)) problems.push({ field: `/policyIds/${index}`, message: "listed twice" });
      seen.add(id);
    });
    const missing = current.filter((policy) => !seen.has(policy.id));
    if (missing.length > 0) {
      problems.push({
        field: "/policyIds",
        message: `must list every policy; missing ${missing.map((policy) => `"${policy.name}"`).join(", ")}`,
      });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    await setPolicyPositions(tx.db, current, policyIds);
    await recordAudit(tx, {
      action: "sla_policy.reordered",
      targetType: "sla_policy",
      targetId: null,
      before: { order: current.map((policy) => policy.id) },
      after: { order: policyIds },
    });
    return (await listPolicyRows(tx.db)).map(presentPolicy);
  });
}
