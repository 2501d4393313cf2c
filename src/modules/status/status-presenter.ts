import type { ComponentState } from "./component-state.js";
import { type HttpSettings, settingsOf, storedProbe, type TcpSettings } from "./monitor-settings.js";
import type { MonitorKind } from "./rollup-buckets.js";
import type { StatusComponentRow, StatusMonitorRow } from "./status-repository.js";

export interface StatusComponentView {
  id: string;
  groupName: string;
  name: string;
  description: string;
  position: number;
  /** Set by an admin; null while the monitors and incidents decide. */
  manualState: ComponentState | null;
  /** The state shown now: `deriveComponentState` of the manual state, maintenance, monitors and incidents. */
  state: ComponentState;
  uptimeTarget: number;
  createdAt: string;
  updatedAt: string;
}

export interface StatusMonitorView {
  id: string;
  componentId: string;
  name: string;
  kind: MonitorKind;
  intervalSeconds: number;
  enabled: boolean;
  http?: HttpSettings;
  tcp?: TcpSettings;
  lastResult: { at: string; up: boolean } | null;
  createdAt: string;
  updatedAt: string;
}

export function presentComponent(row: StatusComponentRow, state: ComponentState): StatusComponentView {
  return {
    id: row.id,
    groupName: row.group_name,
    name: row.name,
    description: row.description,
    position: row.position,
    manualState: row.manual_state as ComponentState | null,
    state,
    uptimeTarget: Number(row.uptime_target),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The push token's hash never leaves; the token itself is shown once, when made. */
export function presentMonitor(row: StatusMonitorRow): StatusMonitorView {
  return {
    id: row.id,
    componentId: row.component_id,
    name: row.name,
    kind: row.kind as MonitorKind,
    intervalSeconds: row.interval_ms / 1000,
    enabled: row.enabled === 1,
    ...settingsOf(storedProbe(row.probe)),
    lastResult:
      row.last_result_at === null
        ? null
        : { at: new Date(Number(row.last_result_at)).toISOString(), up: row.last_result_up === 1 },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
