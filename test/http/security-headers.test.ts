import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

function directives(header: unknown): Map<string, string> {
  return new Map(
    String(header)
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = "", ...values] = part.split(/\s+/);
        return [name, values.join(" ")];
      }),
  );
}

describe("security headers", () => {
  it("puts a strict policy on an API response", async () => {
    const agent = await desk.makeAgent();
    const response = await desk.app.inject({ url: "/api/v1/me", headers: agent.auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    const csp = directives(response.headers["content-security-policy"]);
    expect(csp.get("script-src")).toBe("'self'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'none'");
  });

  it("keeps the policy on errors too", async () => {
    const response = await desk.app.inject({ url: "/api/v1/no-such-thing" });
    expect(response.statusCode).toBe(404);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(directives(response.headers["content-security-policy"]).get("script-src")).toBe("'self'");
  });

  it("serves the web app (or the page saying it is not built) with no inline script or style", async () => {
    const page = await desk.app.inject({ url: "/" });
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers["content-type"]).toContain("text/html");
    const csp = directives(page.headers["content-security-policy"]);
    expect(csp.get("script-src")).toBe("'self'");
    expect(csp.get("style-src")).toBe("'self'");
    expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)|<style|\son\w+=|\sstyle=/i);
  });

  it("serves the API documentation and every asset it links, with scripts from 'self' only", async () => {
    const docs = await desk.app.inject({ url: "/api/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toMatch(/<script>|<script\s+(?![^>]*src=)/i);
    const csp = directives(docs.headers["content-security-policy"]);
    expect(csp.get("script-src")).toBe("'self'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("img-src")).toBe("'self' data:");
    const assets = [...docs.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      const url = new URL(asset, "http://localhost/api/docs/").pathname;
      const response = await desk.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
    }
    expect((await desk.app.inject({ url: "/api/docs" })).statusCode).toBeLessThan(400);
    expect((await desk.app.inject({ url: "/api/docs/json" })).statusCode).toBe(200);
    // The documentation's relaxed image policy stays on the documentation.
    const api = await desk.app.inject({ url: "/healthz" });
    expect(directives(api.headers["content-security-policy"]).get("img-src")).toBe("'self'");
  });

  it("sends no HSTS when Tend is served over plain HTTP", async () => {
    const response = await desk.app.inject({ url: "/healthz" });
    expect(response.headers["strict-transport-security"]).toBeUndefined();
  });
});

describe("security headers behind HTTPS", () => {
  let database: TestDatabase;
  let app: TendApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await buildApp({
      database,
      logger: pino({ level: "silent" }),
      clock: new ManualClock("2026-11-23T09:00:00.000Z"),
      publicUrl: "https://desk.example.com",
      bodyLimitBytes: 64 * 1024,
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("sends HSTS for a year, with subdomains", async () => {
    const response = await app.inject({ url: "/healthz" });
    expect(response.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  });
});
