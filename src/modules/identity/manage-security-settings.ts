import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "./identity-policy.js";
import type { TwoFactorRequirement } from "./two-factor.js";
import {
  findSecuritySettings,
  type SecuritySettingsRow,
  updateSecuritySettings,
} from "./two-factor-repository.js";

export interface SecuritySettingsView {
  requireTwoFactorFor: TwoFactorRequirement;
  updatedAt: string;
}

function presentSecuritySettings(row: SecuritySettingsRow): SecuritySettingsView {
  return {
    requireTwoFactorFor: row.require_two_factor_for as TwoFactorRequirement,
    updatedAt: row.updated_at,
  };
}

export async function getSecuritySettings(ctx: Context): Promise<SecuritySettingsView> {
  requireAdmin(ctx.actor);
  return presentSecuritySettings(await findSecuritySettings(ctx.db));
}

/**
 * Requiring a second factor binds at once: from the next request, a session of someone in the
 * roles named who has not enrolled may only enrol (`actorForSession`).
 */
export async function changeSecuritySettings({
  ctx,
  input,
}: {
  ctx: Context;
  input: { requireTwoFactorFor: TwoFactorRequirement };
}): Promise<SecuritySettingsView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const before = await findSecuritySettings(tx.db);
    const after: SecuritySettingsRow = {
      ...before,
      require_two_factor_for: input.requireTwoFactorFor,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateSecuritySettings(tx.db, after);
    await recordAudit(tx, {
      action: "security_settings.updated",
      targetType: "security_settings",
      targetId: before.id,
      before,
      after,
    });
    return presentSecuritySettings(after);
  });
}
