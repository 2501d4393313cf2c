import { createHash } from "node:crypto";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { DbExecutor } from "../../db/database.js";
import { NotFoundError } from "../../errors.js";
import { rollingWindow, rollingWindows } from "./availability.js";
import { overallIndicator } from "./component-state.js";
import { readComponentStates } from "./read-component-states.js";
import { readAvailabilityByComponent } from "./read-components-availability.js";
import { type Badge, overallBadge, renderBadge, stateBadge, uptimeBadge } from "./status-badge.js";
import { listFeedIncidents, listFeedMaintenances } from "./status-feed-repository.js";
import { buildStatusFeeds } from "./status-feeds.js";
import { findComponentById, listComponentRows } from "./status-repository.js";

/** The newest entries a feed carries, incidents and maintenance together. */
export const feedEntryLimit = 50;

// Feed readers and README badges poll; a minute keeps an incident's news fresh without a read per view.
const publicCacheControl = "public, max-age=60";

const BadgeQuery = Type.Object(
  {
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    metric: Type.Optional(Type.Union([Type.Literal("state"), Type.Literal("uptime")])),
  },
  { additionalProperties: false },
);

const BadgeParams = Type.Object(
  { componentId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

function strongEtag(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers["if-none-match"];
  if (header === undefined) return false;
  // RFC 9110 §13.1.2: If-None-Match compares weakly, and `*` matches any current representation.
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}

/**
 * Public bytes with a strong ETag. Other sites embed badges and feed readers fetch from anywhere, so
 * these alone may be read cross-origin (helmet's default Cross-Origin-Resource-Policy is same-origin).
 */
function sendPublic(request: FastifyRequest, reply: FastifyReply, contentType: string, body: string) {
  const etag = strongEtag(body);
  reply
    .header("etag", etag)
    .header("cache-control", publicCacheControl)
    .header("cross-origin-resource-policy", "cross-origin")
    .header("access-control-allow-origin", "*");
  if (notModified(request, etag)) return reply.status(304).send();
  return reply.type(contentType).send(body);
}

const uptimeWindow = "30d";

/**
 * `/status/feed.rss`, `/status/feed.atom` and the SVG badges: public, no sign-in, outside `/api/v1` and its
 * OpenAPI document like the web app's pages. Nothing here reads an unpublished incident or an internal note.
 */
export const statusFeedRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (
  app,
  { publicUrl },
) => {
  const pageTitle = `Status of ${new URL(publicUrl).host}`;

  const feeds = async (request: FastifyRequest) => {
    const [incidents, maintenances] = await Promise.all([
      listFeedIncidents(request.ctx.db, feedEntryLimit),
      listFeedMaintenances(request.ctx.db, feedEntryLimit),
    ]);
    return await buildStatusFeeds({ publicUrl, pageTitle, incidents, maintenances, limit: feedEntryLimit });
  };

  app.get("/status/feed.rss", { schema: { hide: true } }, async (request, reply) =>
    sendPublic(request, reply, "application/rss+xml; charset=utf-8", (await feeds(request)).rss),
  );

  app.get("/status/feed.atom", { schema: { hide: true } }, async (request, reply) =>
    sendPublic(request, reply, "application/atom+xml; charset=utf-8", (await feeds(request)).atom),
  );

  const uptimeOf = async (request: FastifyRequest, componentId?: string) => {
    const now = request.ctx.clock.now().getTime();
    const window = rollingWindow(now, rollingWindows[uptimeWindow]);
    const byComponent = await readAvailabilityByComponent(request.ctx.db, window, now, componentId);
    let observedMs = 0;
    let goodMs = 0;
    for (const figure of byComponent.values()) {
      observedMs += figure.observedMs;
      goodMs += figure.goodMs;
    }
    return observedMs > 0 ? goodMs / observedMs : null;
  };

  app.get(
    "/status/badge.svg",
    { schema: { hide: true, querystring: BadgeQuery } },
    async (request, reply) => {
      const components = await badgeComponents(request.ctx.db, request.ctx.clock.now());
      let badge: Badge;
      if (request.query.metric === "uptime") {
        // The page's target is its strictest component's: the badge goes green only when every promise could hold.
        const target = Math.max(...components.map((component) => component.uptimeTarget), 0);
        badge = uptimeBadge(request.query.label ?? `uptime ${uptimeWindow}`, await uptimeOf(request), target);
      } else {
        const states = components.map((component) => component.state);
        badge = overallBadge(request.query.label ?? "status", overallIndicator(states));
      }
      return sendPublic(request, reply, "image/svg+xml; charset=utf-8", renderBadge(badge));
    },
  );

  app.get(
    "/status/badge/:componentId.svg",
    { schema: { hide: true, params: BadgeParams, querystring: BadgeQuery } },
    async (request, reply) => {
      const { componentId } = request.params;
      const [component] = await badgeComponents(request.ctx.db, request.ctx.clock.now(), componentId);
      if (!component) throw new NotFoundError(`No status component ${componentId}.`);
      const label = request.query.label ?? component.name;
      const badge =
        request.query.metric === "uptime"
          ? uptimeBadge(label, await uptimeOf(request, component.id), component.uptimeTarget)
          : stateBadge(label, component.state);
      return sendPublic(request, reply, "image/svg+xml; charset=utf-8", renderBadge(badge));
    },
  );
};

/** The components a badge speaks of, with their states as the admin API and the public page derive them. */
async function badgeComponents(db: DbExecutor, now: Date, componentId?: string) {
  const rows =
    componentId === undefined
      ? await listComponentRows(db)
      : [await findComponentById(db, componentId)].filter((row) => row !== undefined);
  const states = await readComponentStates(db, now, componentId === undefined ? undefined : [componentId]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    uptimeTarget: Number(row.uptime_target),
    state: states.get(row.id) ?? "operational",
  }));
}
