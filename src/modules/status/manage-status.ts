import { NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { SECOND } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import type { ComponentState } from "./component-state.js";
import {
  type HttpSettings,
  maxIntervalSeconds,
  minIntervalSeconds,
  probeFromSettings,
  type TcpSettings,
} from "./monitor-settings.js";
import { readComponentStates } from "./read-component-states.js";
import type { MonitorKind } from "./rollup-buckets.js";
import { statusPageChanged } from "./status-page-cache.js";
import {
  presentComponent,
  presentMonitor,
  type StatusComponentView,
  type StatusMonitorView,
} from "./status-presenter.js";
import {
  deleteComponentRow,
  deleteMonitorRow,
  findComponentById,
  findMonitorById,
  insertComponent,
  insertMonitor,
  listComponentRows,
  listMonitorRows,
  type StatusComponentRow,
  type StatusMonitorRow,
  updateComponentRow,
  updateMonitorSettings,
} from "./status-repository.js";

/** The objectives' uptime target, used until an admin sets a component's own. */
export const defaultUptimeTarget = 0.995;

export interface ComponentInput {
  groupName: string;
  name: string;
  description?: string;
  position?: number;
  manualState?: ComponentState | null;
  uptimeTarget?: number;
}

export interface MonitorInput {
  componentId: string;
  name: string;
  kind: MonitorKind;
  intervalSeconds: number;
  enabled?: boolean;
  http?: HttpSettings;
  tcp?: TcpSettings;
}

/** After a committed change: the public page shows it at the next request (this process). */
function statusPageChangedWith<T>(result: T): T {
  statusPageChanged();
  return result;
}

/** Admins only read and change the status page's configuration through these; agents may read. */
export async function listStatusComponents(ctx: Context): Promise<StatusComponentView[]> {
  requireStaff(ctx.actor);
  const [rows, states] = await Promise.all([
    listComponentRows(ctx.db),
    readComponentStates(ctx.db, ctx.clock.now()),
  ]);
  return rows.map((row) => presentComponent(row, states.get(row.id) ?? "operational"));
}

async function presentWithState(ctx: Context, row: StatusComponentRow): Promise<StatusComponentView> {
  const states = await readComponentStates(ctx.db, ctx.clock.now(), [row.id]);
  return presentComponent(row, states.get(row.id) ?? "operational");
}

export async function getStatusComponent(ctx: Context, id: string): Promise<StatusComponentView> {
  requireStaff(ctx.actor);
  const row = await findComponentById(ctx.db, id);
  if (!row) throw new NotFoundError(`No status component ${id}.`);
  return presentWithState(ctx, row);
}

function auditedComponent(row: StatusComponentRow) {
  return {
    groupName: row.group_name,
    name: row.name,
    description: row.description,
    position: row.position,
    manualState: row.manual_state,
    uptimeTarget: row.uptime_target,
  };
}

export async function createStatusComponent({
  ctx,
  input,
}: {
  ctx: Context;
  input: ComponentInput;
}): Promise<StatusComponentView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const row: StatusComponentRow = {
      id: newId(),
      group_name: input.groupName,
      name: input.name,
      description: input.description ?? "",
      position: input.position ?? 0,
      manual_state: input.manualState ?? null,
      uptime_target: input.uptimeTarget ?? defaultUptimeTarget,
      created_at: now,
      updated_at: now,
    };
    await insertComponent(tx.db, row);
    await recordAudit(tx, {
      action: "status_component.created",
      targetType: "status_component",
      targetId: row.id,
      after: auditedComponent(row),
    });
    return presentWithState(tx, row);
  }).then(statusPageChangedWith);
}

export async function updateStatusComponent({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<ComponentInput>;
}): Promise<StatusComponentView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findComponentById(tx.db, id);
    if (!current) throw new NotFoundError(`No status component ${id}.`);
    const updated: StatusComponentRow = {
      ...current,
      group_name: input.groupName ?? current.group_name,
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      position: input.position ?? current.position,
      manual_state: input.manualState === undefined ? current.manual_state : input.manualState,
      uptime_target: input.uptimeTarget ?? current.uptime_target,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateComponentRow(tx.db, updated);
    await recordAudit(tx, {
      action: "status_component.updated",
      targetType: "status_component",
      targetId: id,
      before: auditedComponent(current),
      after: auditedComponent(updated),
    });
    return presentWithState(tx, updated);
  }).then(statusPageChangedWith);
}

/** Its monitors and their measurements go with it: they describe nothing once it is gone. */
export async function deleteStatusComponent({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findComponentById(tx.db, id);
    if (!current) throw new NotFoundError(`No status component ${id}.`);
    await deleteComponentRow(tx.db, id);
    await recordAudit(tx, {
      action: "status_component.deleted",
      targetType: "status_component",
      targetId: id,
      before: auditedComponent(current),
    });
  });
  statusPageChanged();
}

export async function listStatusMonitors(ctx: Context, componentId?: string): Promise<StatusMonitorView[]> {
  requireStaff(ctx.actor);
  return (await listMonitorRows(ctx.db, componentId)).map(presentMonitor);
}

export async function getStatusMonitor(ctx: Context, id: string): Promise<StatusMonitorView> {
  requireStaff(ctx.actor);
  const row = await findMonitorById(ctx.db, id);
  if (!row) throw new NotFoundError(`No status monitor ${id}.`);
  return presentMonitor(row);
}

function auditedMonitor(row: StatusMonitorRow) {
  return {
    componentId: row.component_id,
    name: row.name,
    kind: row.kind,
    intervalMs: row.interval_ms,
    enabled: row.enabled === 1,
    probe: row.probe,
  };
}

function intervalMsOf(intervalSeconds: number): number {
  if (
    !Number.isInteger(intervalSeconds) ||
    intervalSeconds < minIntervalSeconds ||
    intervalSeconds > maxIntervalSeconds
  )
    throw ValidationError.field(
      "/intervalSeconds",
      `must be a whole number of seconds from ${minIntervalSeconds} to ${maxIntervalSeconds}`,
    );
  return intervalSeconds * SECOND;
}

async function checkedComponent(ctx: Context, componentId: string): Promise<void> {
  if (!(await findComponentById(ctx.db, componentId)))
    throw UnprocessableContentError.field("componentId", `no status component ${componentId}`);
}

/** A push monitor's token is returned here once; only its SHA-256 is kept. */
export async function createStatusMonitor({
  ctx,
  input,
}: {
  ctx: Context;
  input: MonitorInput;
}): Promise<StatusMonitorView & { pushToken?: string }> {
  requireAdmin(ctx.actor);
  const intervalMs = intervalMsOf(input.intervalSeconds);
  const probe = probeFromSettings({ kind: input.kind, intervalMs, http: input.http, tcp: input.tcp });
  return inTransaction(ctx, async (tx) => {
    await checkedComponent(tx, input.componentId);
    const now = tx.clock.now().toISOString();
    const pushToken = input.kind === "push" ? newSecret("tsp_") : undefined;
    const row: StatusMonitorRow = {
      id: newId(),
      component_id: input.componentId,
      name: input.name,
      kind: input.kind,
      probe: probe ? JSON.stringify(probe) : null,
      interval_ms: intervalMs,
      enabled: input.enabled === false ? 0 : 1,
      push_token_hash: pushToken ? hashSecret(pushToken) : null,
      last_result_at: null,
      last_result_up: null,
      created_at: now,
      updated_at: now,
    };
    await insertMonitor(tx.db, row);
    await recordAudit(tx, {
      action: "status_monitor.created",
      targetType: "status_monitor",
      targetId: row.id,
      after: auditedMonitor(row),
    });
    return { ...presentMonitor(row), ...(pushToken ? { pushToken } : {}) };
  }).then(statusPageChangedWith);
}

/**
 * Settings change; the kind does not (a push monitor's token and an HTTP monitor's history are not
 * the same thing). The measurements so far stay with the monitor.
 */
export async function updateStatusMonitor({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<Omit<MonitorInput, "kind">>;
}): Promise<StatusMonitorView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const current = await findMonitorById(tx.db, id);
    if (!current) throw new NotFoundError(`No status monitor ${id}.`);
    if (input.componentId !== undefined && input.componentId !== current.component_id)
      await checkedComponent(tx, input.componentId);
    const kind = current.kind as MonitorKind;
    const intervalMs =
      input.intervalSeconds === undefined ? current.interval_ms : intervalMsOf(input.intervalSeconds);
    const settingsChanged =
      input.http !== undefined || input.tcp !== undefined || input.intervalSeconds !== undefined;
    const currentSettings = presentMonitor(current);
    const probe = settingsChanged
      ? probeFromSettings({
          kind,
          intervalMs,
          http: kind === "http" ? (input.http ?? currentSettings.http) : input.http,
          tcp: kind === "tcp" ? (input.tcp ?? currentSettings.tcp) : input.tcp,
        })
      : undefined;
    const updated: StatusMonitorRow = {
      ...current,
      component_id: input.componentId ?? current.component_id,
      name: input.name ?? current.name,
      interval_ms: intervalMs,
      enabled: input.enabled === undefined ? current.enabled : input.enabled ? 1 : 0,
      probe: probe === undefined ? current.probe : probe ? JSON.stringify(probe) : null,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateMonitorSettings(tx.db, updated);
    await recordAudit(tx, {
      action: "status_monitor.updated",
      targetType: "status_monitor",
      targetId: id,
      before: auditedMonitor(current),
      after: auditedMonitor(updated),
    });
    return presentMonitor(updated);
  }).then(statusPageChangedWith);
}

export async function deleteStatusMonitor({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const current = await findMonitorById(tx.db, id);
    if (!current) throw new NotFoundError(`No status monitor ${id}.`);
    await deleteMonitorRow(tx.db, id);
    await recordAudit(tx, {
      action: "status_monitor.deleted",
      targetType: "status_monitor",
      targetId: id,
      before: auditedMonitor(current),
    });
  });
  statusPageChanged();
}
