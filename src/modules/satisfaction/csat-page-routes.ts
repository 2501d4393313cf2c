import { readFileSync } from "node:fs";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply } from "fastify";
import { Type } from "typebox";
import { surveyFormPage, surveyRefusalPage, surveyThanksPage } from "./csat-pages.js";
import { ratings, type SurveyRefusal } from "./csat-rules.js";
import { inspectSurveyLink, rateBySurveyLink } from "./rate-ticket.js";

// From src/modules/satisfaction and from dist/modules/satisfaction alike, the stylesheet lives in the sources.
const stylesheet = readFileSync(
  new URL("../../../src/modules/satisfaction/csat.css", import.meta.url),
  "utf8",
);

const refusalStatus: Record<SurveyRefusal, 404 | 410> = { unknown: 404, closed: 410, expired: 410 };

const TokenParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const ChoiceQuery = Type.Object({ rating: Type.Optional(Type.String({ maxLength: 10 })) });

function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
}

const isRating = (value: unknown): value is (typeof ratings)[number] =>
  typeof value === "string" && (ratings as readonly string[]).includes(value);

/**
 * The survey pages a mailed link opens (`/csat/<token>`): no sign-in (the token is the credential), no
 * session consulted, no JavaScript. GET shows the question; the form's POST records the answer. Pages,
 * not API: kept out of the OpenAPI document, like the status page's subscription pages.
 */
export const csatPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      done(null, { rating: params.get("rating") ?? "", comment: params.get("comment") ?? "" });
    },
  );

  app.get("/csat/assets/csat.css", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=300").send(stylesheet),
  );

  app.get(
    "/csat/:token",
    { config: { actsBySecret: true }, schema: { hide: true, params: TokenParams, querystring: ChoiceQuery } },
    async (request, reply) => {
      const link = await inspectSurveyLink(request.ctx, request.params.token);
      if (link.state !== "valid")
        return sendHtml(reply, refusalStatus[link.state], surveyRefusalPage(link.state));
      const clicked = request.query.rating;
      return sendHtml(
        reply,
        200,
        surveyFormPage({
          ticket: link.ticket,
          chosen: isRating(clicked) ? clicked : link.rating,
          comment: link.comment,
          answered: link.rating,
        }),
      );
    },
  );

  app.post(
    "/csat/:token",
    { config: { actsBySecret: true }, schema: { hide: true, params: TokenParams } },
    async (request, reply) => {
      const body = (request.body ?? {}) as { rating?: unknown; comment?: unknown };
      const comment = typeof body.comment === "string" ? body.comment.slice(0, 2000) : null;
      if (!isRating(body.rating)) {
        const link = await inspectSurveyLink(request.ctx, request.params.token);
        if (link.state !== "valid")
          return sendHtml(reply, refusalStatus[link.state], surveyRefusalPage(link.state));
        return sendHtml(
          reply,
          400,
          surveyFormPage({ ticket: link.ticket, chosen: null, comment, answered: link.rating }),
        );
      }
      const outcome = await rateBySurveyLink(request.ctx, request.params.token, {
        rating: body.rating,
        comment,
      });
      if (outcome.state !== "valid")
        return sendHtml(reply, refusalStatus[outcome.state], surveyRefusalPage(outcome.state));
      return sendHtml(reply, 200, surveyThanksPage({ ticket: outcome.ticket, rating: body.rating }));
    },
  );
};
