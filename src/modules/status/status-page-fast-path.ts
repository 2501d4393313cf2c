import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { replyWithRepresentation } from "./status-page-cache.js";
import {
  type CachedStatusRoute,
  cachedStatusRoutes,
  createStatusPageCache,
  statusPageCacheControl,
} from "./status-page-routes.js";

/**
 * Issue 8 wants `/status` and `summary.json` at 10,000 requests a second on one process. Their bytes and
 * ETag are in memory already; what cost the time was the work every request does before its handler —
 * helmet building its middleware anew per request, the session and context hook, the input checks. None of
 * that has anything to do here: no actor, no input. So a GET of a cached route with no query, no cookie
 * and no Authorization header is answered in the first `onRequest` hook, with the security headers helmet
 * would set (worked out once by `securityHeadersOf`) and the route's own; Fastify's request logging still
 * sees it. Anything else — a query string, a session cookie, a bearer token (refused if wrong), a HEAD,
 * a snapshot that fails to load — goes on to the ordinary route, so no answer differs from it.
 *
 * Register it before the security headers and the request context, so its hook runs first; the routes
 * get the returned cache, so both answer from one snapshot.
 */
export function registerStatusPageFastPath(
  app: FastifyInstance,
  options: {
    db: Parameters<typeof createStatusPageCache>[0]["db"];
    clock: Parameters<typeof createStatusPageCache>[0]["clock"];
    publicUrl: string;
    securityHeaders: Record<string, string>;
  },
): ReturnType<typeof createStatusPageCache> {
  const cache = createStatusPageCache(options);
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const route = answerable(request);
    if (!route) return;
    let representation: Awaited<ReturnType<typeof cache.representation>>;
    try {
      representation = await cache.representation(route.key, route.render);
    } catch {
      // The ordinary route reports the failure with its error handling.
      return;
    }
    return replyWithRepresentation(request, reply, representation, {
      cacheControl: statusPageCacheControl,
      headers: { ...options.securityHeaders, ...route.headers },
    });
  });
  return cache;
}

function answerable(request: FastifyRequest): CachedStatusRoute | undefined {
  if (request.method !== "GET") return undefined;
  const route = cachedStatusRoutes.get(request.routeOptions.url ?? "");
  if (!route) return undefined;
  const { headers } = request;
  if (headers.cookie !== undefined || headers.authorization !== undefined) return undefined;
  if (request.url.includes("?")) return undefined;
  return route;
}
