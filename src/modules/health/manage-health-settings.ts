import { type FieldProblem, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { findPersonById } from "../identity/person-repository.js";
import { findCalendarById } from "../sla/calendar-repository.js";
import { type HealthSettingsView, presentSettings } from "./health-presenter.js";
import { findSettingsRow, updateSettingsRow } from "./health-repository.js";
import { type HealthSettings, settingsProblems } from "./health-settings.js";

/** The desk's ticket health settings: staff read them, admins change them. */

export async function getHealthSettings({ ctx }: { ctx: Context }): Promise<HealthSettingsView> {
  requireStaff(ctx.actor);
  return presentSettings(await findSettingsRow(ctx.db));
}

/** Replaces the settings whole, after checking every field and reporting all problems at once. */
export async function updateHealthSettings({
  ctx,
  input,
}: {
  ctx: Context;
  input: HealthSettings;
}): Promise<HealthSettingsView> {
  requireAdmin(ctx.actor);
  const problems = settingsProblems(input);
  return inTransaction(ctx, async (tx) => {
    problems.push(...(await referenceProblems(tx, input)));
    if (problems.length > 0) throw new ValidationError(problems);
    const before = await findSettingsRow(tx.db);
    await updateSettingsRow(tx.db, {
      calendar_id: input.calendarId,
      unacknowledged_enabled: input.unacknowledgedEndOfDay.enabled ? 1 : 0,
      unacknowledged_deadline: input.unacknowledgedEndOfDay.deadline,
      open_idle_enabled: input.openOverADay.enabled ? 1 : 0,
      open_idle_business_ms: input.openOverADay.idleBusinessMs,
      closed_ack_enabled: input.closedHoursAcknowledgement.enabled ? 1 : 0,
      closed_ack_template: input.closedHoursAcknowledgement.template,
      closed_ack_author_id: input.closedHoursAcknowledgement.authorId,
      updated_at: tx.clock.now().toISOString(),
    });
    const after = await findSettingsRow(tx.db);
    await recordAudit(tx, {
      action: "health_settings.updated",
      targetType: "health_settings",
      targetId: "desk",
      before,
      after,
    });
    tx.logger.info({ calendarId: input.calendarId }, "ticket health settings updated");
    return presentSettings(after);
  });
}

async function referenceProblems(ctx: Context, input: HealthSettings): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (input.calendarId !== null && !(await findCalendarById(ctx.db, input.calendarId))) {
    problems.push({ field: "/calendarId", message: `no calendar ${input.calendarId}` });
  }
  const { enabled, authorId } = input.closedHoursAcknowledgement;
  if (authorId !== null) {
    const author = await findPersonById(ctx.db, authorId);
    if (!author)
      problems.push({ field: "/closedHoursAcknowledgement/authorId", message: `no person ${authorId}` });
    else if (author.role === "customer") {
      problems.push({
        field: "/closedHoursAcknowledgement/authorId",
        message: "the desk speaks through its staff: name an agent or admin, not a customer",
      });
    }
  } else if (enabled) {
    problems.push({
      field: "/closedHoursAcknowledgement/authorId",
      message: "an enabled acknowledgement needs someone to sign it",
    });
  }
  return problems;
}
