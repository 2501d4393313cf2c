import type { FastifyPluginAsync } from "fastify";

// A file, not an inline <style>: the Content-Security-Policy allows styles from 'self' only.
const homeStylesheet = `body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2a33}
code{background:#eef2f4;padding:.1rem .3rem;border-radius:3px}a{color:#0b6e6e}
`;

/**
 * The landing page until the agent workspace (React) ships: it says what is running and where
 * the API and its documentation are. Server-rendered, no JavaScript.
 */
export const homePage: FastifyPluginAsync<{ publicUrl: string }> = async (app, { publicUrl }) => {
  app.get("/home.css", { schema: { hide: true } }, async (_request, reply) => {
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600");
    return homeStylesheet;
  });
  app.get("/", { schema: { hide: true } }, async (_request, reply) => {
    reply.type("text/html; charset=utf-8");
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tend</title>
<link rel="stylesheet" href="/home.css"></head>
<body>
<h1>Tend is running</h1>
<p>The help desk that keeps the promises a support team makes.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (OpenAPI at <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>)</li>
<li>Sign in: <code>POST /api/v1/auth/login</code> with the admin email and password printed when Tend first started,
or create a token with <code>npx tend token create --email you@example.com</code> and send <code>Authorization: Bearer …</code>.</li>
<li>Health: <a href="/healthz"><code>/healthz</code></a>, <a href="/readyz"><code>/readyz</code></a></li>
</ul>
<p>Served at <code>${publicUrl.replace(/[<>&"]/g, "")}</code>.</p>
</body></html>`;
  });
};
