import type { DbExecutor } from "../../db/database.js";
import { ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { normalizeTags } from "../tickets/ticket.js";
import { defaultSurveySettings, type SurveySettings } from "./csat-rules.js";
import {
  existingOrganizationIds,
  findSatisfactionSettings,
  saveSatisfactionSettings,
} from "./satisfaction-repository.js";

export async function surveySettingsOf(db: DbExecutor): Promise<SurveySettings> {
  const row = await findSatisfactionSettings(db);
  if (!row) return defaultSurveySettings;
  return {
    enabled: row.enabled === 1,
    delayMinutes: row.delay_minutes,
    excludedOrganizationIds: JSON.parse(row.excluded_organization_ids) as string[],
    excludedTags: JSON.parse(row.excluded_tags) as string[],
  };
}

export async function readSurveySettings({ ctx }: { ctx: Context }): Promise<SurveySettings> {
  requireStaff(ctx.actor);
  return surveySettingsOf(ctx.db);
}

/** Admins change when and whom Tend asks; audited. Excluded organizations must exist. */
export async function updateSurveySettings({
  ctx,
  input,
}: {
  ctx: Context;
  input: SurveySettings;
}): Promise<SurveySettings> {
  requireAdmin(ctx.actor);
  const excludedTags = normalizeTags(input.excludedTags, "excludedTags");
  const excludedOrganizationIds = [...new Set(input.excludedOrganizationIds)];
  return inTransaction(ctx, async (tx) => {
    if (excludedOrganizationIds.length > 0) {
      const known = await existingOrganizationIds(tx.db, tenantScopeOf(tx.actor), excludedOrganizationIds);
      const missing = excludedOrganizationIds.filter((id) => !known.has(id));
      if (missing.length > 0)
        throw ValidationError.field("excludedOrganizationIds", `no organization ${missing.join(", ")}`);
    }
    const before = await surveySettingsOf(tx.db);
    const after: SurveySettings = {
      enabled: input.enabled,
      delayMinutes: input.delayMinutes,
      excludedOrganizationIds,
      excludedTags,
    };
    await saveSatisfactionSettings(tx.db, {
      enabled: after.enabled ? 1 : 0,
      delay_minutes: after.delayMinutes,
      excluded_organization_ids: JSON.stringify(after.excludedOrganizationIds),
      excluded_tags: JSON.stringify(after.excludedTags),
      updated_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      updated_at: tx.clock.now().toISOString(),
    });
    await recordAudit(tx, {
      action: "satisfaction.settings_updated",
      targetType: "satisfaction_settings",
      targetId: null,
      before: { ...before },
      after: { ...after },
    });
    return after;
  });
}
