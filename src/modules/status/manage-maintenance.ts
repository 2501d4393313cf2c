import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  NotFoundError,
  UnprocessableContentError,
  ValidationError,
} from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { isAdmin, requireStaff } from "../identity/identity-policy.js";
import { type MaintenanceBreach, maintenanceBreaches } from "./maintenance-policy.js";
import { type MaintenanceView, type OverriddenRule, presentMaintenance } from "./maintenance-presenter.js";
import {
  componentIdsOfMaintenances,
  findMaintenanceById,
  insertMaintenance,
  listMaintenanceRows,
  type MaintenanceListing,
  type MaintenanceRow,
  replaceMaintenanceComponents,
  updateMaintenanceIfVersion,
} from "./maintenance-repository.js";
import { isWholeMinute } from "./maintenance-windows.js";
import { currentMaintenancePolicy } from "./manage-maintenance-policy.js";
import { announceStatusChange } from "./status-announcements.js";
import { statusPageChanged } from "./status-page-cache.js";
import { findComponentById } from "./status-repository.js";

/** Long enough to say why, short enough that "ok" or "urgent" is not a reason. */
export const minimumOverrideReasonLength = 10;

export interface MaintenanceInput {
  title: string;
  description?: string;
  startsAt: string;
  endsAt: string;
  componentIds: string[];
  /** An admin scheduling against the policy says why; the reason is kept and shown to staff. */
  override?: { reason: string };
}

export type MaintenanceChanges = Partial<MaintenanceInput> & { version: number };

/** After the commit: the public page shows the change at its next request (this process). */
function shownOnStatusPage(view: MaintenanceView): MaintenanceView {
  statusPageChanged();
  return view;
}

/** A window the policy refuses: every broken rule, each with its machine-readable name. */
export class MaintenancePolicyBreachError extends UnprocessableContentError {
  readonly breaches: MaintenanceBreach[];
  constructor(breaches: MaintenanceBreach[]) {
    super(
      breaches.map((breach): FieldProblem & { rule: string } => ({
        field: breach.rule === "duration" ? "/endsAt" : "/startsAt",
        message: breach.message,
        rule: breach.rule,
      })),
    );
    this.breaches = breaches;
    this.message = `This window breaks the maintenance policy (${breaches.map((b) => b.rule).join(", ")}): ${breaches
      .map((b) => b.message)
      .join(" ")} An admin may override it with a written reason.`;
  }
}

function instantOf(field: "/startsAt" | "/endsAt", value: string): number {
  const instant = Date.parse(value);
  if (!Number.isFinite(instant)) throw ValidationError.field(field, "is not a date-time");
  // Availability is rolled up per minute: a window on whole minutes is taken out of it exactly.
  if (!isWholeMinute(instant)) throw ValidationError.field(field, "must be on a whole minute (no seconds)");
  return instant;
}

function checkedWindow(startsAt: string, endsAt: string): { start: number; end: number } {
  const window = { start: instantOf("/startsAt", startsAt), end: instantOf("/endsAt", endsAt) };
  if (!(window.end > window.start)) throw ValidationError.field("/endsAt", "must be after startsAt");
  return window;
}

function checkedReason(override: { reason: string }): string {
  const reason = override.reason.trim();
  if (reason.length < minimumOverrideReasonLength)
    throw ValidationError.field(
      "/override/reason",
      `must say why in at least ${minimumOverrideReasonLength} characters`,
    );
  return reason;
}

/** Agents schedule within the policy; only an admin may send an override. */
function requireMayOverride(ctx: Context, override: { reason: string } | undefined): void {
  requireStaff(ctx.actor);
  if (override !== undefined && !isAdmin(ctx.actor))
    throw new ForbiddenError("Only admins may schedule maintenance against the policy.");
}

/**
 * What is stored of the policy check: nothing when the window keeps it; the reason and the rules when
 * an admin overrides it; otherwise the window is refused naming every broken rule.
 */
function overrideOf(
  breaches: MaintenanceBreach[],
  override: { reason: string } | undefined,
): { override_reason: string | null; overridden_rules: string | null } {
  if (breaches.length === 0) {
    if (override !== undefined)
      throw UnprocessableContentError.field(
        "/override",
        "this window keeps the maintenance policy; there is nothing to override",
      );
    return { override_reason: null, overridden_rules: null };
  }
  if (override === undefined) throw new MaintenancePolicyBreachError(breaches);
  const rules: OverriddenRule[] = breaches.flatMap((b) => (b.rule === "window_order" ? [] : [b.rule]));
  return { override_reason: checkedReason(override), overridden_rules: JSON.stringify(rules) };
}

async function checkedComponents(ctx: Context, componentIds: readonly string[]): Promise<void> {
  for (const [index, componentId] of componentIds.entries())
    if (!(await findComponentById(ctx.db, componentId)))
      throw UnprocessableContentError.field(`/componentIds/${index}`, `no status component ${componentId}`);
}

function audited(row: MaintenanceRow, componentIds: readonly string[]) {
  return {
    title: row.title,
    description: row.description,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    componentIds: [...componentIds].sort(),
    cancelledAt: row.cancelled_at,
    overrideReason: row.override_reason,
    overriddenRules: row.overridden_rules,
  };
}

export async function scheduleMaintenance({
  ctx,
  input,
}: {
  ctx: Context;
  input: MaintenanceInput;
}): Promise<MaintenanceView> {
  requireMayOverride(ctx, input.override);
  const window = checkedWindow(input.startsAt, input.endsAt);
  return inTransaction(ctx, async (tx) => {
    await checkedComponents(tx, input.componentIds);
    const now = tx.clock.now();
    const breaches = maintenanceBreaches(window, now.getTime(), await currentMaintenancePolicy(tx.db));
    const row: MaintenanceRow = {
      id: newId(),
      title: input.title,
      description: input.description ?? "",
      starts_at: new Date(window.start).toISOString(),
      ends_at: new Date(window.end).toISOString(),
      cancelled_at: null,
      ...overrideOf(breaches, input.override),
      created_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      start_announced_at: null,
      end_announced_at: null,
      version: 1,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await insertMaintenance(tx.db, row, input.componentIds);
    await recordAudit(tx, {
      action: "status_maintenance.scheduled",
      targetType: "status_maintenance",
      targetId: row.id,
      after: audited(row, input.componentIds),
    });
    await announceStatusChange(tx, { kind: "maintenance_scheduled", maintenanceId: row.id });
    return presentMaintenance(row, [...input.componentIds].sort(), now);
  }).then(shownOnStatusPage);
}

async function loadForChange(ctx: Context, id: string, now: Date) {
  const current = await findMaintenanceById(ctx.db, id);
  if (!current) throw new NotFoundError(`No maintenance ${id}.`);
  const componentIds = (await componentIdsOfMaintenances(ctx.db, [id])).get(id) ?? [];
  return { current, componentIds, view: presentMaintenance(current, componentIds, now) };
}

/**
 * Changes a window not yet over. Moving it is checked against the policy again, at the time of the
 * change. A window in progress keeps its start (subscribers were told it began) and may only end from
 * now on.
 */
export async function editMaintenance({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: MaintenanceChanges;
}): Promise<MaintenanceView> {
  requireMayOverride(ctx, input.override);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const { current, componentIds, view } = await loadForChange(tx, id, now);
    if (current.version !== input.version)
      throw new ConflictError(`Maintenance ${id} was changed since version ${input.version}.`, view);
    if (view.state === "cancelled") throw new ConflictError("This maintenance was cancelled.", view);
    if (view.state === "completed") throw new ConflictError("This maintenance is over.", view);
    const window = checkedWindow(input.startsAt ?? current.starts_at, input.endsAt ?? current.ends_at);
    const startMoved = window.start !== Date.parse(current.starts_at);
    const endMoved = window.end !== Date.parse(current.ends_at);
    if (view.state === "in_progress") {
      if (startMoved)
        throw UnprocessableContentError.field("/startsAt", "the window has started; its start cannot move");
      if (endMoved && window.end <= now.getTime())
        throw UnprocessableContentError.field("/endsAt", "must be later than now for a window in progress");
    }
    let overrideColumns = {
      override_reason: current.override_reason,
      overridden_rules: current.overridden_rules,
    };
    if (startMoved || endMoved) {
      const breaches = maintenanceBreaches(
        window,
        now.getTime(),
        await currentMaintenancePolicy(tx.db),
      ).filter(
        // The notice is owed for the start subscribers were given; a start that stays was announced in time.
        (breach) => startMoved || breach.rule !== "notice",
      );
      overrideColumns = overrideOf(breaches, input.override);
    } else if (input.override !== undefined) {
      throw UnprocessableContentError.field(
        "/override",
        "only a moved window is checked against the policy again",
      );
    }
    const nextComponentIds = input.componentIds ?? componentIds;
    if (input.componentIds) await checkedComponents(tx, input.componentIds);
    const updated: MaintenanceRow = {
      ...current,
      title: input.title ?? current.title,
      description: input.description ?? current.description,
      starts_at: new Date(window.start).toISOString(),
      ends_at: new Date(window.end).toISOString(),
      ...overrideColumns,
      version: current.version + 1,
      updated_at: now.toISOString(),
    };
    if (!(await updateMaintenanceIfVersion(tx.db, updated, current.version)))
      throw new ConflictError(`Maintenance ${id} was changed since version ${input.version}.`);
    if (input.componentIds) await replaceMaintenanceComponents(tx.db, id, input.componentIds);
    await recordAudit(tx, {
      action: "status_maintenance.updated",
      targetType: "status_maintenance",
      targetId: id,
      before: audited(current, componentIds),
      after: audited(updated, nextComponentIds),
    });
    return presentMaintenance(updated, [...nextComponentIds].sort(), now);
  }).then(shownOnStatusPage);
}

/** Calls off a window before it starts; one in progress is ended early by moving its end instead. */
export async function cancelMaintenance({ ctx, id }: { ctx: Context; id: string }): Promise<MaintenanceView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const { current, componentIds, view } = await loadForChange(tx, id, now);
    if (view.state === "cancelled") throw new ConflictError("This maintenance is already cancelled.", view);
    if (view.state !== "scheduled")
      throw new ConflictError("This maintenance has started; end it early by moving its end instead.", view);
    const cancelled: MaintenanceRow = {
      ...current,
      cancelled_at: now.toISOString(),
      version: current.version + 1,
      updated_at: now.toISOString(),
    };
    if (!(await updateMaintenanceIfVersion(tx.db, cancelled, current.version)))
      throw new ConflictError(`Maintenance ${id} was changed meanwhile; try again.`);
    await recordAudit(tx, {
      action: "status_maintenance.cancelled",
      targetType: "status_maintenance",
      targetId: id,
      before: audited(current, componentIds),
      after: audited(cancelled, componentIds),
    });
    await announceStatusChange(tx, { kind: "maintenance_cancelled", maintenanceId: id });
    return presentMaintenance(cancelled, componentIds, now);
  }).then(shownOnStatusPage);
}

export async function getMaintenance(ctx: Context, id: string): Promise<MaintenanceView> {
  requireStaff(ctx.actor);
  return (await loadForChange(ctx, id, ctx.clock.now())).view;
}

export async function listMaintenances(
  ctx: Context,
  query: { when: MaintenanceListing; limit?: number; cursor?: string },
): Promise<Page<MaintenanceView>> {
  requireStaff(ctx.actor);
  const limit = query.limit ?? 50;
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const now = ctx.clock.now();
  const rows = await listMaintenanceRows(ctx.db, query.when, now.toISOString(), limit + 1, after);
  const page = rows.slice(0, limit);
  const components = await componentIdsOfMaintenances(
    ctx.db,
    page.map((row) => row.id),
  );
  const last = page.at(-1);
  return {
    items: page.map((row) => presentMaintenance(row, components.get(row.id) ?? [], now)),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.starts_at, id: last.id }) : null,
  };
}
