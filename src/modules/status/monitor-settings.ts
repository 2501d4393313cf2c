import { ValidationError } from "../../errors.js";
import { SECOND } from "../../shared/clock.js";
import { type HttpProbe, type Probe, parseStatusRange, type TcpProbe } from "./probes.js";
import type { MonitorKind } from "./rollup-buckets.js";

/**
 * A monitor's settings as the API takes them, checked and turned into the Probe the runner runs
 * (probes.ts). Pure: the use cases store the Probe as JSON and read it back with `storedProbe`.
 */

export const monitorKinds = ["http", "tcp", "push"] as const;

/** The issue allows checks down to every 10 s; a day is the longest a monitor may stay silent. */
export const minIntervalSeconds = 10;
export const maxIntervalSeconds = 86_400;

export interface HttpSettings {
  url: string;
  method?: "GET" | "HEAD";
  timeoutMs?: number;
  /** `"2xx"`, `"200-299"`, `"204"`. */
  expectedStatus?: string[];
  keyword?: string;
  jsonPath?: { path: string; equals: string };
  certificateWarningDays?: number;
  headers?: Record<string, string>;
}

export interface TcpSettings {
  host: string;
  port: number;
  timeoutMs?: number;
}

const defaultTimeoutMs = 10 * SECOND;

function checkTimeout(field: string, timeoutMs: number, intervalMs: number): void {
  // A check that may outlast its interval would delay the next one: the runner never overlaps them.
  if (timeoutMs > intervalMs) throw ValidationError.field(field, "the timeout must not exceed the interval");
}

export function probeFromSettings(input: {
  kind: MonitorKind;
  intervalMs: number;
  http?: HttpSettings | undefined;
  tcp?: TcpSettings | undefined;
}): Probe | null {
  if (input.kind === "push") {
    if (input.http || input.tcp)
      throw ValidationError.field("/kind", "a push monitor takes no http or tcp settings");
    return null;
  }
  if (input.kind === "http") {
    if (!input.http) throw ValidationError.field("/http", "an http monitor needs its http settings");
    if (input.tcp) throw ValidationError.field("/tcp", "an http monitor takes no tcp settings");
    const settings = input.http;
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      throw ValidationError.field("/http/url", "not a URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw ValidationError.field("/http/url", "only http and https URLs can be checked");
    const expectedStatus = (settings.expectedStatus ?? ["2xx"]).map((text, index) => {
      const range = parseStatusRange(text);
      if (!range)
        throw ValidationError.field(
          `/http/expectedStatus/${index}`,
          `"${text}" is not a status code, range or family`,
        );
      return range;
    });
    const timeoutMs = settings.timeoutMs ?? Math.min(defaultTimeoutMs, input.intervalMs);
    checkTimeout("/http/timeoutMs", timeoutMs, input.intervalMs);
    const probe: HttpProbe = {
      kind: "http",
      url: url.toString(),
      method: settings.method ?? "GET",
      timeoutMs,
      expectedStatus,
      certificateWarningDays: settings.certificateWarningDays ?? 14,
      ...(settings.keyword !== undefined ? { keyword: settings.keyword } : {}),
      ...(settings.jsonPath !== undefined ? { jsonPath: settings.jsonPath } : {}),
      ...(settings.headers !== undefined ? { headers: settings.headers } : {}),
    };
    return probe;
  }
  if (!input.tcp) throw ValidationError.field("/tcp", "a tcp monitor needs its tcp settings");
  if (input.http) throw ValidationError.field("/http", "a tcp monitor takes no http settings");
  const timeoutMs = input.tcp.timeoutMs ?? Math.min(defaultTimeoutMs, input.intervalMs);
  checkTimeout("/tcp/timeoutMs", timeoutMs, input.intervalMs);
  const probe: TcpProbe = { kind: "tcp", host: input.tcp.host, port: input.tcp.port, timeoutMs };
  return probe;
}

/** The Probe stored with a monitor; written only by `probeFromSettings`. */
export function storedProbe(json: string | null): Probe | null {
  return json === null ? null : (JSON.parse(json) as Probe);
}

/** A Probe back in the API's words. */
export function settingsOf(probe: Probe | null): { http?: HttpSettings; tcp?: TcpSettings } {
  if (!probe) return {};
  if (probe.kind === "tcp")
    return { tcp: { host: probe.host, port: probe.port, timeoutMs: probe.timeoutMs } };
  return {
    http: {
      url: probe.url,
      method: probe.method,
      timeoutMs: probe.timeoutMs,
      expectedStatus: probe.expectedStatus.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)),
      certificateWarningDays: probe.certificateWarningDays,
      ...(probe.keyword !== undefined ? { keyword: probe.keyword } : {}),
      ...(probe.jsonPath !== undefined ? { jsonPath: probe.jsonPath } : {}),
      ...(probe.headers !== undefined ? { headers: { ...probe.headers } } : {}),
    },
  };
}
