import { ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { statusPageChanged } from "./status-page-cache.js";
import { saveStatusPageSettings, statusPageSettingsId } from "./status-page-repository.js";
import { readStatusPageSettings, type StatusPageSettings } from "./status-page-snapshot.js";

/** The public page's title and whether it shows each component's monthly error budget (admins). */
export async function getStatusPageSettings(ctx: Context): Promise<StatusPageSettings> {
  requireAdmin(ctx.actor);
  return readStatusPageSettings(ctx.db);
}

export async function updateStatusPageSettings({
  ctx,
  input,
}: {
  ctx: Context;
  input: Partial<StatusPageSettings>;
}): Promise<StatusPageSettings> {
  requireAdmin(ctx.actor);
  const title = input.title?.trim();
  if (title !== undefined && title === "")
    throw new ValidationError({ field: "title", message: "the status page needs a title" });
  const saved = await inTransaction(ctx, async (tx) => {
    const before = await readStatusPageSettings(tx.db);
    const after: StatusPageSettings = {
      title: title ?? before.title,
      showErrorBudget: input.showErrorBudget ?? before.showErrorBudget,
    };
    await saveStatusPageSettings(tx.db, {
      id: statusPageSettingsId,
      title: after.title,
      show_error_budget: after.showErrorBudget ? 1 : 0,
      updated_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      updated_at: tx.clock.now().toISOString(),
    });
    await recordAudit(tx, {
      action: "status_page.settings_updated",
      targetType: "status_page",
      targetId: statusPageSettingsId,
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
  statusPageChanged();
  return saved;
}
