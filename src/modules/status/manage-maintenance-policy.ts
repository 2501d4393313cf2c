import type { DbExecutor } from "../../db/database.js";
import { ValidationError } from "../../errors.js";
import { MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { isKnownTimeZone } from "../calendar/zoned-time.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { defaultMaintenancePolicy, type IsoWeekday, type MaintenancePolicy } from "./maintenance-policy.js";
import {
  findMaintenancePolicyRow,
  type MaintenancePolicyRow,
  maintenancePolicyRowId,
  saveMaintenancePolicyRow,
} from "./maintenance-repository.js";

/** The policy as the API speaks it: minutes rather than milliseconds. */
export interface MaintenancePolicyView {
  allowedWeekdays: IsoWeekday[];
  minimumNoticeMinutes: number;
  maximumDurationMinutes: number;
  timeZone: string;
  /** Null while the objectives' defaults apply (no admin has set it). */
  updatedAt: string | null;
}

export type MaintenancePolicyInput = Omit<MaintenancePolicyView, "updatedAt" | "allowedWeekdays"> & {
  allowedWeekdays: number[];
};

function policyOfRow(row: MaintenancePolicyRow | undefined): MaintenancePolicy {
  if (!row) return defaultMaintenancePolicy;
  return {
    allowedWeekdays: JSON.parse(row.allowed_weekdays) as IsoWeekday[],
    minimumNoticeMs: Number(row.minimum_notice_ms),
    maximumDurationMs: Number(row.maximum_duration_ms),
    timeZone: row.time_zone,
  };
}

/** The policy windows are checked against: the stored one, or the objectives' defaults. */
export async function currentMaintenancePolicy(db: DbExecutor): Promise<MaintenancePolicy> {
  return policyOfRow(await findMaintenancePolicyRow(db));
}

function present(policy: MaintenancePolicy, updatedAt: string | null): MaintenancePolicyView {
  return {
    allowedWeekdays: [...policy.allowedWeekdays].sort(),
    minimumNoticeMinutes: policy.minimumNoticeMs / MINUTE,
    maximumDurationMinutes: policy.maximumDurationMs / MINUTE,
    timeZone: policy.timeZone,
    updatedAt,
  };
}

export async function getMaintenancePolicy(ctx: Context): Promise<MaintenancePolicyView> {
  requireStaff(ctx.actor);
  const row = await findMaintenancePolicyRow(ctx.db);
  return present(policyOfRow(row), row?.updated_at ?? null);
}

/** Admins replace the whole policy; windows already scheduled keep what they were checked against. */
export async function setMaintenancePolicy({
  ctx,
  input,
}: {
  ctx: Context;
  input: MaintenancePolicyInput;
}): Promise<MaintenancePolicyView> {
  requireAdmin(ctx.actor);
  if (!isKnownTimeZone(input.timeZone))
    throw ValidationError.field("/timeZone", `is not a time zone this server knows: ${input.timeZone}`);
  if (new Set(input.allowedWeekdays).size !== input.allowedWeekdays.length)
    throw ValidationError.field("/allowedWeekdays", "names a weekday twice");
  for (const [index, weekday] of input.allowedWeekdays.entries())
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7)
      throw ValidationError.field(
        `/allowedWeekdays/${index}`,
        "must be an ISO weekday, 1 (Monday) to 7 (Sunday)",
      );
  const policy: MaintenancePolicy = {
    allowedWeekdays: [...(input.allowedWeekdays as IsoWeekday[])].sort(),
    minimumNoticeMs: input.minimumNoticeMinutes * MINUTE,
    maximumDurationMs: input.maximumDurationMinutes * MINUTE,
    timeZone: input.timeZone,
  };
  return inTransaction(ctx, async (tx) => {
    const before = await currentMaintenancePolicy(tx.db);
    const updatedAt = tx.clock.now().toISOString();
    await saveMaintenancePolicyRow(tx.db, {
      id: maintenancePolicyRowId,
      allowed_weekdays: JSON.stringify(policy.allowedWeekdays),
      minimum_notice_ms: policy.minimumNoticeMs,
      maximum_duration_ms: policy.maximumDurationMs,
      time_zone: policy.timeZone,
      updated_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      updated_at: updatedAt,
    });
    await recordAudit(tx, {
      action: "status_maintenance_policy.updated",
      targetType: "status_maintenance_policy",
      targetId: maintenancePolicyRowId,
      before: present(before, null),
      after: present(policy, null),
    });
    return present(policy, updatedAt);
  });
}
