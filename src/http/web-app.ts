import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";

/** `vite build`'s output (web/vite.config.ts); the same folder from src/http and from dist/http. */
export const defaultWebBuildDir = fileURLToPath(new URL("../../dist/web", import.meta.url));

/**
 * The paths the workspace's router owns: loading one (a reload, a link from a notification email)
 * answers with the app, which then draws the page. Everything else keeps its own 404 — an API
 * client asking for a wrong URL gets problem+json, never an HTML page.
 */
export const workspacePaths = [
  "/",
  "/views/*",
  "/tickets/*",
  "/admin",
  "/admin/*",
  "/oncall",
  "/oncall/*",
  "/statuspage",
  "/statuspage/*",
  "/knowledge",
  "/knowledge/*",
  "/reports",
  "/reports/*",
  "/reviews",
  "/chat",
  "/account",
  "/portal",
  "/portal/*",
];

const missingBuildPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tend: the web app is not built</title></head>
<body><h1>Tend is running, but its web app is not built</h1>
<p>Run <code>npm run build</code>, then restart Tend (<code>npm start</code> does both).
The API answers meanwhile at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serves the agent workspace built by Vite: hashed assets cached for a year, `index.html` never
 * cached (so a new deploy is picked up at the next load). Vite emits no inline script or style,
 * which keeps the Content-Security-Policy at `'self'`.
 */
export const webApp: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  if (!existsSync(join(dir, "index.html"))) {
    app.log.warn({ dir }, "the web app is not built: run `npm run build`");
    for (const path of workspacePaths) {
      app.get(path, { schema: { hide: true } }, async (_request, reply) =>
        reply
          .status(503)
          .type("text/html; charset=utf-8")
          .header("cache-control", "no-store")
          .send(missingBuildPage),
      );
    }
    return;
  }
  await app.register(fastifyStatic, {
    root: join(dir, "assets"),
    prefix: "/assets/",
    index: false,
    // File names carry their content hash: a changed file is a new URL.
    immutable: true,
    maxAge: "365d",
  });
  app.get("/favicon.svg", { schema: { hide: true } }, async (_request, reply) =>
    reply.sendFile("favicon.svg", dir, { maxAge: "1d", immutable: false }),
  );
  for (const path of workspacePaths) {
    app.get(path, { schema: { hide: true } }, async (_request, reply) =>
      reply.header("cache-control", "no-cache").sendFile("index.html", dir, { cacheControl: false }),
    );
  }
};
