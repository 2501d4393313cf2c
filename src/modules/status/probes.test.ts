import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../../test/support/self-signed-certificate.js";
import { type HttpProbe, parseStatusRange, runHttpProbe, runTcpProbe, valueAtPath } from "./probes.js";

/** A loopback service that answers per path: up, down, slow, trickling, JSON. */
function answer(request: http.IncomingMessage, response: http.ServerResponse): void {
  switch (request.url) {
    case "/up":
      response.end("all systems go");
      return;
    case "/down":
      response.writeHead(503).end("maintenance");
      return;
    case "/slow":
      setTimeout(() => response.end("late"), 2_000);
      return;
    case "/trickle": {
      response.writeHead(200);
      const timer = setInterval(() => response.write("."), 50);
      setTimeout(() => {
        clearInterval(timer);
        response.end();
      }, 2_000);
      return;
    }
    case "/health.json":
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ status: "ok", checks: [{ state: "degraded" }] }));
      return;
    default:
      response.writeHead(404).end();
  }
}

const tls = selfSignedCertificate(3);
const plain = http.createServer(answer);
const secure = https.createServer({ cert: tls.cert, key: tls.key }, answer);
let plainUrl = "";
let secureUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => secure.listen(0, "127.0.0.1", resolve));
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  secureUrl = `https://localhost:${(secure.address() as AddressInfo).port}`;
});

afterAll(async () => {
  plain.closeAllConnections();
  secure.closeAllConnections();
  await new Promise((resolve) => plain.close(resolve));
  await new Promise((resolve) => secure.close(resolve));
});

const probe = (url: string, extra: Partial<HttpProbe> = {}): HttpProbe => ({
  kind: "http",
  url,
  method: "GET",
  timeoutMs: 1_000,
  expectedStatus: [[200, 299]],
  certificateWarningDays: 14,
  ...extra,
});

describe("HTTP probes against real loopback servers", () => {
  it("finds a healthy page up, with its keyword", async () => {
    const verdict = await runHttpProbe(probe(`${plainUrl}/up`, { keyword: "systems go" }), Date.now());
    expect(verdict).toMatchObject({ up: true, reason: "OK", statusCode: 200, warnings: [] });
    expect(verdict.latencyMs).toBeGreaterThan(0);
  });

  it("finds a 503 down, and up when 503 is what the monitor expects", async () => {
    expect(await runHttpProbe(probe(`${plainUrl}/down`), Date.now())).toMatchObject({
      up: false,
      reason: "answered HTTP 503, not an expected status",
    });
    expect(
      await runHttpProbe(probe(`${plainUrl}/down`, { expectedStatus: [[503, 503]] }), Date.now()),
    ).toMatchObject({
      up: true,
    });
  });

  it("finds a missing keyword down", async () => {
    expect(await runHttpProbe(probe(`${plainUrl}/up`, { keyword: "degraded" }), Date.now())).toMatchObject({
      up: false,
      reason: 'the response does not contain "degraded"',
    });
  });

  it("reads a JSON path", async () => {
    const url = `${plainUrl}/health.json`;
    expect(
      await runHttpProbe(probe(url, { jsonPath: { path: "status", equals: "ok" } }), Date.now()),
    ).toMatchObject({
      up: true,
    });
    expect(
      await runHttpProbe(probe(url, { jsonPath: { path: "$.checks.0.state", equals: "ok" } }), Date.now()),
    ).toMatchObject({ up: false, reason: '$.checks.0.state is "degraded", not "ok"' });
    expect(
      await runHttpProbe(probe(`${plainUrl}/up`, { jsonPath: { path: "status", equals: "ok" } }), Date.now()),
    ).toMatchObject({ up: false, reason: "the response is not JSON" });
  });

  it("finds a slow server and a trickling one down at the deadline, not after", async () => {
    for (const path of ["/slow", "/trickle"]) {
      const verdict = await runHttpProbe(probe(`${plainUrl}${path}`, { timeoutMs: 300 }), Date.now());
      expect(verdict).toMatchObject({ up: false, reason: "no answer within 300 ms" });
      expect(verdict.latencyMs).toBeLessThan(1_500);
    }
  });

  it("finds a closed port down with the reason", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verdict = await runHttpProbe(probe(`http://127.0.0.1:${port}/`), Date.now());
    expect(verdict.up).toBe(false);
    expect(verdict.reason).toMatch(/^ECONNREFUSED/);
  });

  it("warns of a certificate expiring within the warning days, and refuses an untrusted one", async () => {
    const verdict = await runHttpProbe(probe(`${secureUrl}/up`), Date.now(), tls.cert);
    expect(verdict.up).toBe(true);
    expect(verdict.warnings).toEqual([expect.stringMatching(/^the TLS certificate expires in [23] days$/)]);
    expect(verdict.certificateExpiresAt).toBeGreaterThan(Date.now());
    const untrusted = await runHttpProbe(probe(`${secureUrl}/up`), Date.now());
    expect(untrusted.up).toBe(false);
    expect(untrusted.reason).toMatch(/self.signed/i);
  });
});

describe("TCP probes", () => {
  it("finds a listening port up and a closed one down", async () => {
    const port = (plain.address() as AddressInfo).port;
    expect(await runTcpProbe({ kind: "tcp", host: "127.0.0.1", port, timeoutMs: 1_000 })).toMatchObject({
      up: true,
    });
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verdict = await runTcpProbe({ kind: "tcp", host: "127.0.0.1", port: closedPort, timeoutMs: 1_000 });
    expect(verdict.up).toBe(false);
    expect(verdict.reason).toMatch(/^ECONNREFUSED/);
  });
});

describe("probe settings", () => {
  it.each([
    ["2xx", [200, 299]],
    ["200-204", [200, 204]],
    ["404", [404, 404]],
    ["600", undefined],
    ["300-200", undefined],
    ["ok", undefined],
  ])("reads %s as a status range", (text, range) => {
    expect(parseStatusRange(text)).toEqual(range);
  });

  it("reads JSON paths with and without $", () => {
    const document = { a: { b: [1, { c: true }] } };
    expect(valueAtPath(document, "a.b.1.c")).toBe("true");
    expect(valueAtPath(document, "$.a.b.0")).toBe("1");
    expect(valueAtPath(document, "a.x.y")).toBeUndefined();
  });
});
