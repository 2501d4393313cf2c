import { type FieldProblem, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findOrganizationById } from "../identity/organization-repository.js";
import { checkConditionsAndTargets, type TargetInput } from "./manage-policies.js";
import {
  deleteExceptionRow,
  type ExceptionRow,
  findExceptionById,
  findPolicyById,
  insertException,
  listExceptionRows,
} from "./policy-repository.js";
import type { StoredTarget } from "./sla-types.js";

/**
 * An organization's own promise for a while — a custom contract, a migration window, an escalation —
 * with the reason written down and an expiry after which it is ignored.
 */
export interface CustomerExceptionInput {
  /** The policy whose targets of the same metrics these replace; null or left out adds an extra set. */
  policyId?: string | null;
  targets: TargetInput[];
  reason: string;
  /** ISO-8601 instant; from then on the exception no longer applies. */
  expiresAt: string;
}

export interface CustomerExceptionView {
  id: string;
  organizationId: string;
  policyId: string | null;
  policyName: string | null;
  targets: StoredTarget[];
  reason: string;
  expiresAt: string;
  expired: boolean;
  createdAt: string;
}

function presentException(row: ExceptionRow, policyName: string | null, now: Date): CustomerExceptionView {
  return {
    id: row.id,
    organizationId: row.organization_id,
    policyId: row.policy_id,
    policyName,
    targets: row.targets,
    reason: row.reason,
    expiresAt: row.expires_at,
    expired: Date.parse(row.expires_at) <= now.getTime(),
    createdAt: row.created_at,
  };
}

async function requireOrganization(ctx: Context, organizationId: string): Promise<void> {
  if (!(await findOrganizationById(ctx.db, organizationId))) {
    throw new NotFoundError(`No organization ${organizationId}.`);
  }
}

/** Every exception of the organization, expired ones included (marked), latest expiry first. */
export async function listCustomerExceptions({
  ctx,
  organizationId,
}: {
  ctx: Context;
  organizationId: string;
}): Promise<CustomerExceptionView[]> {
  requireStaff(ctx.actor);
  await requireOrganization(ctx, organizationId);
  const now = ctx.clock.now();
  return (await listExceptionRows(ctx.db, organizationId)).map((row) =>
    presentException(row, row.policy_name, now),
  );
}

export async function createCustomerException({
  ctx,
  organizationId,
  input,
}: {
  ctx: Context;
  organizationId: string;
  input: CustomerExceptionInput;
}): Promise<CustomerExceptionView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    await requireOrganization(tx, organizationId);
    const now = tx.clock.now();
    const problems: FieldProblem[] = [];
    const reason = input.reason.trim();
    if (reason === "")
      problems.push({ field: "/reason", message: "must say why this organization is different" });
    const expiresAt = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAt))
      problems.push({ field: "/expiresAt", message: "must be an ISO-8601 instant" });
    else if (expiresAt <= now.getTime())
      problems.push({ field: "/expiresAt", message: "must be in the future" });
    const policyId = input.policyId ?? null;
    const policy = policyId === null ? undefined : await findPolicyById(tx.db, policyId);
    if (policyId !== null && !policy) problems.push({ field: "/policyId", message: `no policy ${policyId}` });

    let targets: StoredTarget[] = [];
    try {
      ({ targets } = await checkConditionsAndTargets(
        tx.db,
        { targets: input.targets },
        { requireTargets: true },
      ));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
    if (problems.length > 0) throw new ValidationError(problems);

    const row: ExceptionRow = {
      id: newId(),
      organization_id: organizationId,
      policy_id: policyId,
      targets,
      reason,
      expires_at: new Date(expiresAt).toISOString(),
      created_at: now.toISOString(),
    };
    await insertException(tx.db, row);
    await recordAudit(tx, {
      action: "sla_exception.created",
      targetType: "sla_exception",
      targetId: row.id,
      after: row,
    });
    tx.logger.info({ organizationId, exceptionId: row.id }, "SLA customer exception created");
    return presentException(row, policy?.name ?? null, now);
  });
}

export async function deleteCustomerException({
  ctx,
  organizationId,
  exceptionId,
}: {
  ctx: Context;
  organizationId: string;
  exceptionId: string;
}): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findExceptionById(tx.db, exceptionId);
    if (!existing || existing.organization_id !== organizationId) {
      throw new NotFoundError(`No exception ${exceptionId} for organization ${organizationId}.`);
    }
    await deleteExceptionRow(tx.db, exceptionId);
    await recordAudit(tx, {
      action: "sla_exception.deleted",
      targetType: "sla_exception",
      targetId: exceptionId,
      before: existing,
    });
    tx.logger.info({ organizationId, exceptionId }, "SLA customer exception deleted");
  });
}
