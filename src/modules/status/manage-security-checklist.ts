import { ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findConfiguredChecklist, saveConfiguredChecklist } from "./incident-repository.js";
import {
  checklistProblems,
  defaultSecurityChecklist,
  type SecurityChecklistStep,
} from "./security-checklist.js";

export interface SecurityChecklistView {
  steps: SecurityChecklistStep[];
  /** False while the built-in steps apply. */
  configured: boolean;
  updatedAt: string | null;
}

/** The steps a new security incident gets a copy of. */
export async function configuredSecurityChecklist(ctx: Context): Promise<SecurityChecklistStep[]> {
  const row = await findConfiguredChecklist(ctx.db);
  return row ? (JSON.parse(row.steps) as SecurityChecklistStep[]) : [...defaultSecurityChecklist];
}

export async function getSecurityChecklist(ctx: Context): Promise<SecurityChecklistView> {
  requireStaff(ctx.actor);
  const row = await findConfiguredChecklist(ctx.db);
  return row
    ? { steps: JSON.parse(row.steps) as SecurityChecklistStep[], configured: true, updatedAt: row.updated_at }
    : { steps: [...defaultSecurityChecklist], configured: false, updatedAt: null };
}

/** Admins replace the whole list; incidents already open keep the copy they were given. */
export async function configureSecurityChecklist({
  ctx,
  steps,
}: {
  ctx: Context;
  steps: SecurityChecklistStep[];
}): Promise<SecurityChecklistView> {
  requireAdmin(ctx.actor);
  const problems = checklistProblems(steps);
  if (problems.length > 0) throw new ValidationError(problems);
  const cleaned = steps.map((step) => ({ title: step.title.trim(), deadlineHours: step.deadlineHours }));
  return inTransaction(ctx, async (tx) => {
    const before = await configuredSecurityChecklist(tx);
    const at = tx.clock.now().toISOString();
    await saveConfiguredChecklist(
      tx.db,
      JSON.stringify(cleaned),
      tx.actor.kind === "person" ? tx.actor.personId : null,
      at,
    );
    await recordAudit(tx, {
      action: "status_security_checklist.configured",
      targetType: "status_security_checklist",
      targetId: null,
      before: { steps: before },
      after: { steps: cleaned },
    });
    return { steps: cleaned, configured: true, updatedAt: at };
  });
}
