import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError, UnauthorizedError } from "../../errors.js";
import { metricsAccess } from "./metrics-access.js";
import type { TendMetrics } from "./tend-metrics.js";

/**
 * `GET /metrics`, Prometheus text format. Its bearer token is TEND_METRICS_TOKEN, not an API token:
 * `ownBearerToken` keeps `requestContext` from refusing it as unknown.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  options: { metrics: TendMetrics; token: string | null },
): Promise<void> {
  app.get(
    "/metrics",
    // Not part of the JSON API: Prometheus text, its own credential.
    { schema: { hide: true }, config: { ownBearerToken: true } },
    async (request, reply) => {
      const access = metricsAccess({
        configuredToken: options.token,
        authorization: request.headers.authorization,
        clientAddress: request.ip,
      });
      if (!access.allowed) {
        request.log.info({ reason: access.reason, ip: request.ip }, "metrics scrape refused");
        if (access.status === 401) {
          reply.header("www-authenticate", 'Bearer realm="tend-metrics"');
          throw new UnauthorizedError(access.reason);
        }
        throw new ForbiddenError(access.reason);
      }
      const body = await options.metrics.render();
      return reply
        .header("content-type", options.metrics.contentType)
        .header("cache-control", "no-store")
        .send(body);
    },
  );
}

/** Times every request of the app; registered at the root, before the routes it is to see. */
export const requestDurationMetrics = fp(async (app: FastifyInstance, options: { metrics: TendMetrics }) => {
  app.addHook("onResponse", async (request, reply) => {
    options.metrics.observeRequest({
      method: request.method,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
});
