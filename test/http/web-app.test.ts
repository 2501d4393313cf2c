import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { ManualClock } from "../../src/shared/clock.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

let database: TestDatabase;
let builtDir: string;
let built: TendApp;
let unbuilt: TendApp;

const indexHtml = `<!doctype html><html><head><script type="module" src="/assets/app-1234.js"></script></head><body><div id="root"></div></body></html>`;

beforeAll(async () => {
  database = await createTestDatabase();
  // A stand-in for `vite build`'s output: the plugin serves whatever the build wrote.
  builtDir = mkdtempSync(join(tmpdir(), "tend-web-"));
  mkdirSync(join(builtDir, "assets"));
  writeFileSync(join(builtDir, "index.html"), indexHtml);
  writeFileSync(join(builtDir, "assets", "app-1234.js"), "console.log('workspace')");
  writeFileSync(join(builtDir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  const options = {
    database,
    logger: pino({ level: "silent" }),
    clock: new ManualClock("2026-11-23T09:00:00.000Z"),
    publicUrl: "http://localhost:8080",
    bodyLimitBytes: 64 * 1024,
  };
  built = await buildApp({ ...options, webDir: builtDir });
  unbuilt = await buildApp({ ...options, webDir: join(builtDir, "missing") });
});

afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  await database?.drop();
  rmSync(builtDir, { recursive: true, force: true });
});

describe("the web app", () => {
  it("answers the workspace's own paths with the app, never cached", async () => {
    for (const url of ["/", "/views/unassigned-new?sort=createdAt", "/tickets/42"]) {
      const page = await built.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers["content-type"]).toContain("text/html");
      expect(page.headers["cache-control"]).toBe("no-cache");
      expect(page.body).toBe(indexHtml);
    }
  });

  it("serves hashed assets for a year", async () => {
    const script = await built.inject({ url: "/assets/app-1234.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toContain("javascript");
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await built.inject({ url: "/favicon.svg" })).statusCode).toBe(200);
    expect((await built.inject({ url: "/assets/nope.js" })).statusCode).toBe(404);
  });

  it("leaves the API, health and unknown paths to their own answers", async () => {
    const api = await built.inject({ url: "/api/v1/no-such-thing" });
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-type"]).toContain("application/problem+json");
    expect((await built.inject({ url: "/healthz" })).json()).toMatchObject({ status: "ok" });
    expect((await built.inject({ url: "/wp-admin" })).statusCode).toBe(404);
    expect((await built.inject({ url: "/tickets" })).statusCode).toBe(404);
  });

  it("says how to build it when the build is missing", async () => {
    const page = await unbuilt.inject({ url: "/tickets/42" });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain("npm run build");
    expect((await unbuilt.inject({ url: "/assets/app-1234.js" })).statusCode).toBe(404);
  });
});
