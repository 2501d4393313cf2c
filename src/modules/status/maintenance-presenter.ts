import type { MaintenanceBreach } from "./maintenance-policy.js";
import type { MaintenanceRow } from "./maintenance-repository.js";
import { type MaintenanceState, maintenanceStateAt } from "./maintenance-windows.js";

export type OverriddenRule = Exclude<MaintenanceBreach["rule"], "window_order">;

/** A maintenance window as staff see it; the override is internal and never reaches the public page. */
export interface MaintenanceView {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  state: MaintenanceState;
  componentIds: string[];
  cancelledAt: string | null;
  /** Scheduled against the policy by an admin: the written reason and the rules it broke. */
  override: { reason: string; rules: OverriddenRule[] } | null;
  createdBy: string | null;
  startAnnouncedAt: string | null;
  endAnnouncedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function presentMaintenance(row: MaintenanceRow, componentIds: string[], now: Date): MaintenanceView {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    state: maintenanceStateAt(
      {
        start: Date.parse(row.starts_at),
        end: Date.parse(row.ends_at),
        cancelled: row.cancelled_at !== null,
      },
      now.getTime(),
    ),
    componentIds,
    cancelledAt: row.cancelled_at,
    override:
      row.override_reason === null
        ? null
        : {
            reason: row.override_reason,
            rules: JSON.parse(row.overridden_rules ?? "[]") as OverriddenRule[],
          },
    createdBy: row.created_by,
    startAnnouncedAt: row.start_announced_at,
    endAnnouncedAt: row.end_announced_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
