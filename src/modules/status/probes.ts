import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { TLSSocket } from "node:tls";
import { DAY } from "../../shared/clock.js";

/**
 * The checks Tend's `worker` role runs against a monitored service: an HTTP(S) request or a TCP
 * connect. Each resolves (never rejects) with a verdict and the reason, because a failing service
 * is the normal case to report, not an error of Tend's.
 */

export interface HttpProbe {
  kind: "http";
  url: string;
  method: "GET" | "HEAD";
  timeoutMs: number;
  /** Ranges of acceptable status codes, inclusive: [[200, 299]] by default. */
  expectedStatus: readonly (readonly [number, number])[];
  /** The body must contain this text. */
  keyword?: string | undefined;
  /** The body must be JSON with this value at this dotted path (`status`, `checks.0.state`). */
  jsonPath?: { path: string; equals: string } | undefined;
  /** Warn this many days before the TLS certificate expires. */
  certificateWarningDays: number;
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface TcpProbe {
  kind: "tcp";
  host: string;
  port: number;
  timeoutMs: number;
}

export type Probe = HttpProbe | TcpProbe;

export interface ProbeVerdict {
  up: boolean;
  /** Why it is down, or "OK"; shown to admins and in the incident's first update. */
  reason: string;
  latencyMs: number;
  statusCode?: number;
  certificateExpiresAt?: number;
  /** Things to fix that do not make the service down yet (a certificate about to expire). */
  warnings: string[];
}

/** The body a keyword or JSON check reads is capped: a monitored page is a health page, not a download. */
const maxBodyBytes = 1024 * 1024;

/** `"200-299"`, `"2xx"` or `"204"` as an inclusive range; undefined when it is none of those. */
export function parseStatusRange(text: string): [number, number] | undefined {
  const trimmed = text.trim().toLowerCase();
  const family = /^([1-5])xx$/.exec(trimmed);
  if (family) return [Number(family[1]) * 100, Number(family[1]) * 100 + 99];
  const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(trimmed);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    return from >= 100 && to <= 599 && from <= to ? [from, to] : undefined;
  }
  const single = /^(\d{3})$/.exec(trimmed);
  if (single) {
    const code = Number(single[1]);
    return code >= 100 && code <= 599 ? [code, code] : undefined;
  }
  return undefined;
}

/** The value at a dotted path of parsed JSON (array indexes as numbers), as text for comparison. */
export function valueAtPath(document: unknown, path: string): string | undefined {
  let current: unknown = document;
  for (const key of path
    .replace(/^\$\.?/, "")
    .split(".")
    .filter((k) => k !== "")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) return undefined;
  return typeof current === "string" ? current : JSON.stringify(current);
}

function since(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e6;
}

function certificateExpiry(socket: TLSSocket | undefined): number | undefined {
  const certificate = socket?.getPeerCertificate?.();
  if (!certificate?.valid_to) return undefined;
  const expiresAt = Date.parse(certificate.valid_to);
  return Number.isNaN(expiresAt) ? undefined : expiresAt;
}

/** What the response says about the service, once its body is read. */
function judgeResponse(probe: HttpProbe, statusCode: number, body: string): string | undefined {
  if (!probe.expectedStatus.some(([from, to]) => statusCode >= from && statusCode <= to)) {
    return `answered HTTP ${statusCode}, not an expected status`;
  }
  if (probe.keyword !== undefined && !body.includes(probe.keyword)) {
    return `the response does not contain "${probe.keyword}"`;
  }
  if (probe.jsonPath) {
    let document: unknown;
    try {
      document = JSON.parse(body);
    } catch {
      return "the response is not JSON";
    }
    const found = valueAtPath(document, probe.jsonPath.path);
    if (found !== probe.jsonPath.equals) {
      return `${probe.jsonPath.path} is ${found === undefined ? "missing" : JSON.stringify(found)}, not ${JSON.stringify(probe.jsonPath.equals)}`;
    }
  }
  return undefined;
}

/** One HTTP(S) check. `now` is the clock's reading, for the certificate warning. */
export function runHttpProbe(probe: HttpProbe, now: number, ca?: string | Buffer): Promise<ProbeVerdict> {
  const startedAt = process.hrtime.bigint();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (verdict: Omit<ProbeVerdict, "latencyMs">) => {
      if (settled) return;
      settled = true;
      resolve({ ...verdict, latencyMs: since(startedAt) });
    };
    let url: URL;
    try {
      url = new URL(probe.url);
    } catch {
      finish({ up: false, reason: "the URL is not valid", warnings: [] });
      return;
    }
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: probe.method,
      headers: { "user-agent": "Tend-Monitor/1", ...probe.headers },
      // A fresh connection each time: a kept-alive socket would hide a server that stopped accepting.
      agent: false,
      ...(ca ? { ca } : {}),
    });
    // A deadline for the whole exchange, not an idle timeout: a server trickling its answer is down too.
    const deadline = setTimeout(() => {
      finish({ up: false, reason: `no answer within ${probe.timeoutMs} ms`, warnings: [] });
      request.destroy();
    }, probe.timeoutMs);
    request.on("close", () => clearTimeout(deadline));
    request.on("error", (error: NodeJS.ErrnoException) => {
      finish({
        up: false,
        reason: error.code ? `${error.code}: ${error.message}` : error.message,
        warnings: [],
      });
    });
    request.on("response", (response) => {
      const expiresAt = certificateExpiry(response.socket as TLSSocket);
      const warnings: string[] = [];
      if (expiresAt !== undefined && expiresAt - now < probe.certificateWarningDays * DAY) {
        const days = Math.max(0, Math.floor((expiresAt - now) / DAY));
        warnings.push(`the TLS certificate expires in ${days} day${days === 1 ? "" : "s"}`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const needsBody = probe.keyword !== undefined || probe.jsonPath !== undefined;
      response.on("data", (chunk: Buffer) => {
        if (!needsBody) return;
        size += chunk.length;
        if (size <= maxBodyBytes) chunks.push(chunk);
      });
      response.on("error", (error) => finish({ up: false, reason: error.message, warnings }));
      response.on("end", () => {
        const statusCode = response.statusCode ?? 0;
        const failure = judgeResponse(probe, statusCode, Buffer.concat(chunks).toString("utf8"));
        finish({
          up: failure === undefined,
          reason: failure ?? "OK",
          statusCode,
          ...(expiresAt !== undefined ? { certificateExpiresAt: expiresAt } : {}),
          warnings,
        });
      });
    });
    request.end();
  });
}

/** One TCP check: the port accepts a connection within the timeout. */
export function runTcpProbe(probe: TcpProbe): Promise<ProbeVerdict> {
  const startedAt = process.hrtime.bigint();
  return new Promise((resolve) => {
    const socket = net.connect({ host: probe.host, port: probe.port });
    let settled = false;
    const finish = (up: boolean, reason: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ up, reason, latencyMs: since(startedAt), warnings: [] });
    };
    socket.setTimeout(probe.timeoutMs, () => finish(false, `no connection within ${probe.timeoutMs} ms`));
    socket.once("connect", () => finish(true, "OK"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish(false, error.code ? `${error.code}: ${error.message}` : error.message),
    );
  });
}
