import type { HttpSettings } from "../../../src/modules/status/monitor-settings.js";
import type { MonitorKind } from "../../../src/modules/status/rollup-buckets.js";
import {
  type ComponentState,
  fractionOfPercent,
  percentOfFraction,
  type StatusComponent,
  type StatusMonitorView,
} from "./status-figures.js";

export type { MonitorKind };

/** "auto": no manual state, the monitors (and incidents, maintenance) decide. */
export type StateChoice = ComponentState | "auto";

/** A component as the admin types it: numbers stay text so the API, not the form, judges them. */
export interface ComponentDraft {
  groupName: string;
  name: string;
  description: string;
  position: string;
  state: StateChoice;
  uptimePercent: string;
}

/** The issue's objective: 99.5% a month unless a component promises more. */
export const blankComponentDraft = (): ComponentDraft => ({
  groupName: "",
  name: "",
  description: "",
  position: "0",
  state: "auto",
  uptimePercent: "99.5",
});

export function draftOfComponent(component: StatusComponent): ComponentDraft {
  return {
    groupName: component.groupName,
    name: component.name,
    description: component.description,
    position: String(component.position),
    state: component.manualState ?? "auto",
    uptimePercent: percentOfFraction(component.uptimeTarget),
  };
}

/** The component fields a refusal can name; the form binds each by these names. */
export const componentFields = [
  "groupName",
  "name",
  "description",
  "position",
  "manualState",
  "uptimeTarget",
] as const;

/** A whole number as typed, or NaN. */
const wholeNumber = (typed: string) => (/^\s*\d+\s*$/.test(typed) ? Number(typed) : Number.NaN);

/**
 * The draft as the API's body. A position or target that is not a number goes as -1 or 0, values the
 * API refuses by field, so the message lands beside the input rather than as a general failure.
 */
export function componentBodyOfDraft(draft: ComponentDraft) {
  const position = wholeNumber(draft.position);
  const uptimeTarget = fractionOfPercent(draft.uptimePercent);
  return {
    groupName: draft.groupName.trim(),
    name: draft.name.trim(),
    description: draft.description,
    position: Number.isNaN(position) ? -1 : position,
    manualState: draft.state === "auto" ? null : draft.state,
    uptimeTarget: Number.isNaN(uptimeTarget) ? 0 : uptimeTarget,
  };
}

export interface MonitorDraft {
  name: string;
  kind: MonitorKind;
  intervalSeconds: string;
  enabled: boolean;
  url: string;
  method: "GET" | "HEAD";
  /** Comma-separated: "2xx, 301". */
  expectedStatus: string;
  keyword: string;
  jsonPath: string;
  jsonEquals: string;
  /** Seconds, as typed; empty takes the API's default (10 s, at most the interval). */
  timeoutSeconds: string;
  certificateWarningDays: string;
  host: string;
  port: string;
  /** Request headers the form does not edit, kept so saving does not drop them. */
  headers?: Record<string, string>;
}

export const blankMonitorDraft = (): MonitorDraft => ({
  name: "",
  kind: "http",
  intervalSeconds: "60",
  enabled: true,
  url: "",
  method: "GET",
  expectedStatus: "2xx",
  keyword: "",
  jsonPath: "",
  jsonEquals: "",
  timeoutSeconds: "",
  certificateWarningDays: "14",
  host: "",
  port: "",
});

export function draftOfMonitor(monitor: StatusMonitorView): MonitorDraft {
  const blank = blankMonitorDraft();
  const http = monitor.http;
  const timeoutMs = http?.timeoutMs ?? monitor.tcp?.timeoutMs;
  return {
    ...blank,
    name: monitor.name,
    kind: monitor.kind,
    intervalSeconds: String(monitor.intervalSeconds),
    enabled: monitor.enabled,
    timeoutSeconds: timeoutMs === undefined ? "" : String(timeoutMs / 1000),
    ...(http
      ? {
          url: http.url,
          method: http.method ?? "GET",
          expectedStatus: (http.expectedStatus ?? ["2xx"]).join(", "),
          keyword: http.keyword ?? "",
          jsonPath: http.jsonPath?.path ?? "",
          jsonEquals: http.jsonPath?.equals ?? "",
          certificateWarningDays:
            http.certificateWarningDays === undefined ? "" : String(http.certificateWarningDays),
          ...(http.headers ? { headers: { ...http.headers } } : {}),
        }
      : {}),
    ...(monitor.tcp ? { host: monitor.tcp.host, port: String(monitor.tcp.port) } : {}),
  };
}

/**
 * The monitor fields a refusal can name (`/body/http/url`, a use case's `/http/url`), each with its
 * control. "http" or "tcp" as a whole has none: what is said of them stays above the button.
 */
export const monitorFields = [
  "name",
  "kind",
  "intervalSeconds",
  "http/url",
  "http/method",
  "http/expectedStatus",
  "http/keyword",
  "http/jsonPath/path",
  "http/jsonPath/equals",
  "http/timeoutMs",
  "http/certificateWarningDays",
  "tcp/host",
  "tcp/port",
  "tcp/timeoutMs",
] as const;

/** Milliseconds from typed seconds ("2.5" → 2500); -1, which the API refuses, for anything else. */
function timeoutMsOf(typed: string): number | undefined {
  const text = typed.trim();
  if (text === "") return undefined;
  return /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : -1;
}

const optionalWhole = (typed: string) => {
  if (typed.trim() === "") return undefined;
  const value = wholeNumber(typed);
  return Number.isNaN(value) ? -1 : value;
};

function httpSettingsOf(draft: MonitorDraft): HttpSettings {
  const timeoutMs = timeoutMsOf(draft.timeoutSeconds);
  const certificateWarningDays = optionalWhole(draft.certificateWarningDays);
  const expectedStatus = draft.expectedStatus
    .split(/[\s,]+/)
    .map((range) => range.trim())
    .filter(Boolean);
  return {
    url: draft.url.trim(),
    method: draft.method,
    ...(expectedStatus.length > 0 ? { expectedStatus } : {}),
    ...(draft.keyword !== "" ? { keyword: draft.keyword } : {}),
    ...(draft.jsonPath.trim() !== ""
      ? { jsonPath: { path: draft.jsonPath.trim(), equals: draft.jsonEquals } }
      : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(certificateWarningDays !== undefined ? { certificateWarningDays } : {}),
    ...(draft.headers ? { headers: draft.headers } : {}),
  };
}

/**
 * The draft as the API's body: only the kind's own settings go (the API refuses the others). The kind
 * and component are set at creation; an edit sends neither.
 */
export function monitorBodyOfDraft(draft: MonitorDraft, create: { componentId: string } | null) {
  const interval = wholeNumber(draft.intervalSeconds);
  const timeoutMs = timeoutMsOf(draft.timeoutSeconds);
  const port = wholeNumber(draft.port);
  const settings =
    draft.kind === "http"
      ? { http: httpSettingsOf(draft) }
      : draft.kind === "tcp"
        ? {
            tcp: {
              host: draft.host.trim(),
              port: Number.isNaN(port) ? 0 : port,
              ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            },
          }
        : {};
  return {
    ...(create ? { componentId: create.componentId, kind: draft.kind } : {}),
    name: draft.name.trim(),
    intervalSeconds: Number.isNaN(interval) ? 0 : interval,
    enabled: draft.enabled,
    ...settings,
  };
}

/** Where a push monitor reports, and how: the token in the path is its only credential. */
export function pushInstructions(origin: string, token: string) {
  const url = `${origin}/api/v1/status/push/${encodeURIComponent(token)}`;
  return {
    url,
    curl: `curl -X POST ${url} -H 'content-type: application/json' -d '{"up": true, "latencyMs": 120}'`,
  };
}

export const kindNames: Record<MonitorKind, string> = {
  http: "HTTP(S) check",
  tcp: "TCP connect",
  push: "Push (your system reports)",
};

/** A monitor's settings in one line, for the list. */
export function monitorSettingsText(monitor: StatusMonitorView): string {
  if (monitor.http) {
    const http = monitor.http;
    const checks = [
      `expects ${(http.expectedStatus ?? ["2xx"]).join(", ")}`,
      http.keyword !== undefined ? `body contains “${http.keyword}”` : null,
      http.jsonPath ? `${http.jsonPath.path} = ${http.jsonPath.equals}` : null,
      http.timeoutMs !== undefined ? `timeout ${http.timeoutMs / 1000} s` : null,
      http.certificateWarningDays !== undefined
        ? `warns ${http.certificateWarningDays} d before the certificate expires`
        : null,
    ].filter(Boolean);
    return `${http.method ?? "GET"} ${http.url}; ${checks.join("; ")}`;
  }
  if (monitor.tcp)
    return `${monitor.tcp.host}:${monitor.tcp.port}${monitor.tcp.timeoutMs !== undefined ? `; timeout ${monitor.tcp.timeoutMs / 1000} s` : ""}`;
  return "Reported to its push URL";
}
