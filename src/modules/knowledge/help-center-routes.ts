import { readFileSync } from "node:fs";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { etagMatches, type Representation, representationOf } from "../status/status-page-cache.js";
import {
  renderHelpArticle,
  renderHelpHome,
  renderHelpNotFound,
  renderHelpSearch,
} from "./help-center-html.js";
import { readHelpArticle, readHelpHome, searchHelp } from "./read-help-center.js";

/** Short enough that a newly published article shows within a minute behind a shared cache. */
const cacheControl = "public, max-age=60, stale-while-revalidate=60";
const html = "text/html; charset=utf-8";

// From src/modules/knowledge and from dist/modules/knowledge alike, the stylesheet lives in the sources.
const stylesheet = representationOf(
  readFileSync(new URL("../../../src/modules/knowledge/help-center.css", import.meta.url), "utf8"),
  "text/css; charset=utf-8",
);

function send(request: FastifyRequest, reply: FastifyReply, representation: Representation) {
  reply
    .header("etag", representation.etag)
    .header("cache-control", cacheControl)
    .type(representation.contentType);
  if (etagMatches(request.headers["if-none-match"], representation.etag)) return reply.status(304).send();
  return reply.status(200).send(representation.body);
}

const SlugParam = Type.Object(
  { slug: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

/**
 * The public help center: `/help`, `/help/articles/<slug>`, `/help/search?q=`. No sign-in, no
 * script; hidden from the OpenAPI document like the status page. Drafts and internal articles are
 * the same 404 as a slug that never existed.
 */
export const helpCenterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get("/help", { schema: { hide: true } }, async (request, reply) =>
    send(request, reply, representationOf(renderHelpHome(await readHelpHome(request.ctx.db)), html)),
  );

  app.get("/help/assets/help.css", { schema: { hide: true } }, async (request, reply) =>
    send(request, reply, stylesheet),
  );

  app.get("/help/articles/:slug", { schema: { hide: true, params: SlugParam } }, async (request, reply) => {
    const page = await readHelpArticle(request.ctx.db, request.params.slug);
    if (!page)
      return reply.status(404).type(html).header("cache-control", "no-store").send(renderHelpNotFound());
    return send(request, reply, representationOf(renderHelpArticle(page), html));
  });

  app.get("/help/search", { schema: { hide: true, querystring: SearchQuery } }, async (request, reply) => {
    const query = request.query.q?.trim() ?? "";
    const results = await searchHelp(request.ctx, query);
    return send(request, reply, representationOf(renderHelpSearch(query, results), html));
  });
};
