import { readFileSync } from "node:fs";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import type { DbExecutor } from "../../db/database.js";
import { problemResponses } from "../../http/schemas.js";
import type { Clock } from "../../shared/clock.js";
import {
  type Representation,
  replyWithRepresentation,
  representationOf,
  StatusPageCache,
} from "./status-page-cache.js";
import {
  historyPageSize,
  renderHistoryPage,
  renderIncidentPage,
  renderMaintenancePage,
  renderNotFoundPage,
  renderStatusPage,
} from "./status-page-html.js";
import {
  findMaintenance,
  findPublishedIncident,
  listPublishedIncidentsPage,
} from "./status-page-repository.js";
import { getStatusPageSettings, updateStatusPageSettings } from "./status-page-settings.js";
import {
  maintenancesWithComponents,
  readStatusPageSnapshot,
  type StatusPageSnapshot,
  withPublicDetails,
} from "./status-page-snapshot.js";
import { statuspageDocumentPaths, statuspageDocuments } from "./statuspage-v2.js";

/** How old a snapshot may be before a request starts a rebuild: how long other processes' changes take to show. */
export const statusPageMaxAgeMs = 5_000;
/** Browsers and CDNs may keep a copy briefly, and serve it while they revalidate. */
export const statusPageCacheControl = "public, max-age=10, stale-while-revalidate=30";
const html = "text/html; charset=utf-8";
const json = "application/json; charset=utf-8";

// From src/modules/status and from dist/modules/status alike, the stylesheet lives in the sources.
const stylesheet = representationOf(
  readFileSync(new URL("../../../src/modules/status/status-page.css", import.meta.url), "utf8"),
  "text/css; charset=utf-8",
);

/** The cache every public status route of one app reads, shared with the early answer in `status-page-fast-path.ts`. */
export function createStatusPageCache(options: {
  db: DbExecutor;
  clock: Clock;
  publicUrl: string;
}): StatusPageCache<StatusPageSnapshot> {
  return new StatusPageCache<StatusPageSnapshot>({
    clock: options.clock,
    maxAgeMs: statusPageMaxAgeMs,
    load: () =>
      readStatusPageSnapshot(options.db, {
        now: options.clock.now().getTime(),
        publicUrl: options.publicUrl,
      }),
  });
}

/** A route that takes no parameter and answers one cached representation of the snapshot. */
export interface CachedStatusRoute {
  key: string;
  render: (snapshot: StatusPageSnapshot) => Representation;
  /** Set before the representation's own headers. */
  headers: Record<string, string>;
}

// Widgets on other sites fetch these: any origin may read them, and nothing here is private.
const crossOrigin = {
  "access-control-allow-origin": "*",
  "cross-origin-resource-policy": "cross-origin",
};

/** `/status` and each `/api/v2/…` document by route URL: what the fast path may answer before the hooks. */
export const cachedStatusRoutes: ReadonlyMap<string, CachedStatusRoute> = new Map([
  ["/status", { key: "page", render: (s) => representationOf(renderStatusPage(s), html), headers: {} }],
  ...statuspageDocumentPaths.map((path): [string, CachedStatusRoute] => [
    `/api/v2/${path}`,
    {
      key: `v2:${path}`,
      render: (s) => representationOf(JSON.stringify(statuspageDocuments(s)[path]), json),
      headers: crossOrigin,
    },
  ]),
]);

function cachedRoute(url: string): CachedStatusRoute {
  const route = cachedStatusRoutes.get(url);
  if (!route) throw new Error(`${url} is not a cached status route`);
  return route;
}

function send(request: FastifyRequest, reply: FastifyReply, representation: Representation, status = 200) {
  return replyWithRepresentation(request, reply, representation, {
    cacheControl: statusPageCacheControl,
    status,
  });
}

const IdParam = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const HistoryQuery = Type.Object(
  { page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) },
  { additionalProperties: false },
);
const StatuspageDocument = Type.Object(
  {},
  { additionalProperties: true, description: "The document in Atlassian Statuspage's public v2 shape" },
);

/**
 * The public status page (`/status…`) and the Statuspage-shaped JSON (`/api/v2/…`): no sign-in, served
 * from the in-memory cache. The HTML is hidden from the OpenAPI document; the JSON is in it with no security.
 */
export const statusPageRoutes: FastifyPluginAsyncTypebox<{
  db: DbExecutor;
  clock: Clock;
  cache: StatusPageCache<StatusPageSnapshot>;
}> = async (app, options) => {
  const cache = options.cache;
  const notFound = async (reply: FastifyReply, what: string) => {
    const snapshot = await cache.snapshot();
    return reply
      .status(404)
      .type(html)
      .header("cache-control", "no-store")
      .send(renderNotFoundPage(snapshot.settings, what));
  };

  const page = cachedRoute("/status");
  app.get("/status", { schema: { hide: true } }, async (request, reply) =>
    send(request, reply, await cache.representation(page.key, page.render)),
  );

  app.get("/status/assets/status.css", { schema: { hide: true } }, async (request, reply) =>
    send(request, reply, stylesheet),
  );

  const historyPage = async (snapshot: StatusPageSnapshot, page: number) => {
    const rows = await listPublishedIncidentsPage(
      options.db,
      (page - 1) * historyPageSize,
      historyPageSize + 1,
    );
    const incidents = await withPublicDetails(options.db, rows.slice(0, historyPageSize));
    const body = renderHistoryPage({
      settings: snapshot.settings,
      incidents,
      components: snapshot.components,
      page,
      hasMore: rows.length > historyPageSize,
    });
    return representationOf(body, html);
  };

  app.get(
    "/status/history",
    { schema: { hide: true, querystring: HistoryQuery } },
    async (request, reply) => {
      const page = request.query.page ?? 1;
      // The first page takes no parameter and is what most readers open: it is cached with the snapshot.
      if (page === 1)
        return send(request, reply, await cache.representation("history", (s) => historyPage(s, 1)));
      return send(request, reply, await historyPage(await cache.snapshot(), page));
    },
  );

  app.get("/status/incidents/:id", { schema: { hide: true, params: IdParam } }, async (request, reply) => {
    const row = await findPublishedIncident(options.db, request.params.id);
    if (!row) return notFound(reply, "There is no such incident on this status page.");
    const [incident] = await withPublicDetails(options.db, [row]);
    const snapshot = await cache.snapshot();
    if (!incident) return notFound(reply, "There is no such incident on this status page.");
    const body = renderIncidentPage({
      settings: snapshot.settings,
      incident,
      components: snapshot.components,
    });
    return send(request, reply, representationOf(body, html));
  });

  app.get("/status/maintenances/:id", { schema: { hide: true, params: IdParam } }, async (request, reply) => {
    const row = await findMaintenance(options.db, request.params.id);
    if (!row || row.cancelled_at !== null)
      return notFound(reply, "There is no such maintenance on this status page.");
    const snapshot = await cache.snapshot();
    const [maintenance] = await maintenancesWithComponents(options.db, [row], options.clock.now().getTime());
    if (!maintenance) return notFound(reply, "There is no such maintenance on this status page.");
    const body = renderMaintenancePage({
      settings: snapshot.settings,
      maintenance,
      components: snapshot.components,
    });
    return send(request, reply, representationOf(body, html));
  });

  for (const path of statuspageDocumentPaths) {
    const document = cachedRoute(`/api/v2/${path}`);
    app.get(
      `/api/v2/${path}`,
      {
        schema: {
          tags: ["statuspage"],
          summary: `Statuspage v2 ${path}: public, no sign-in, CORS open (status widgets and aggregators)`,
          security: [],
          response: { 200: StatuspageDocument },
        },
      },
      async (request, reply) => {
        reply.headers(document.headers);
        return send(request, reply, await cache.representation(document.key, document.render));
      },
    );
  }
};

const SettingsSchema = Type.Object({ title: Type.String(), showErrorBudget: Type.Boolean() });
const SettingsBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    showErrorBudget: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** `/api/v1/status/page-settings`: the public page's title and whether it shows the error budget (admins). */
export const statusPageSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/page-settings",
    {
      schema: {
        tags: ["status"],
        summary: "The public status page's settings (admins)",
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request) => getStatusPageSettings(request.ctx),
  );
  app.put(
    "/status/page-settings",
    {
      schema: {
        tags: ["status"],
        summary:
          "Set the public status page's title and whether it shows each component's monthly error budget (admins)",
        body: SettingsBody,
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request) => updateStatusPageSettings({ ctx: request.ctx, input: request.body }),
  );
};
