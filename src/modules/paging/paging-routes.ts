import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { ConflictError, DomainError, NotFoundError } from "../../errors.js";
import { IdParams, NullableString, problemResponses } from "../../http/schemas.js";
import {
  createEscalationPolicy,
  deleteEscalationPolicy,
  getEscalationPolicy,
  listEscalationPolicies,
  updateEscalationPolicy,
} from "./manage-escalation-policies.js";
import { getPage, listPages, openPage, respondAsStaff } from "./manage-pages.js";
import { actionPage, linkRefusalPage, linkRefusals, type PageLinkRefusal } from "./page-action-html.js";
import { inspectPageAction, performPageAction } from "./page-action-links.js";
import {
  EscalationPolicyCreateBody,
  EscalationPolicySchema,
  EscalationPolicyUpdateBody,
  PageActionSecretParams,
  PageCreateBody,
  PageListQuery,
  PageSchema,
  PageWithLogSchema,
} from "./paging-schemas.js";

const tags = ["paging"];

/** A spent or lapsed link: it existed, and will not work again. */
class PageLinkGoneError extends DomainError {
  readonly status = 410;
  readonly title = "Gone";
}

const refusalStatus: Record<PageLinkRefusal, 404 | 410> = { unknown: 404, used: 410, expired: 410 };

/**
 * The link's person opens it in a browser and reads a small page; any other client (a script, a
 * chat bot following the link) gets the API's problem+json.
 */
function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? "");
}

function refuseLink(request: FastifyRequest, reply: FastifyReply, reason: PageLinkRefusal) {
  if (!wantsHtml(request))
    throw reason === "unknown"
      ? new NotFoundError(linkRefusals[reason])
      : new PageLinkGoneError(linkRefusals[reason]);
  return reply.status(refusalStatus[reason]).type("text/html; charset=utf-8").send(linkRefusalPage(reason));
}

export const pagingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The confirmation page's form posts form-encoded; it carries nothing but the button.
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, _body, done) => done(null, {}),
  );

  app.get(
    "/escalation-policies",
    {
      schema: {
        tags,
        summary: "Escalation policies (staff)",
        response: { 200: Type.Object({ policies: Type.Array(EscalationPolicySchema) }), ...problemResponses },
      },
    },
    async (request) => ({ policies: await listEscalationPolicies(request.ctx) }),
  );

  app.post(
    "/escalation-policies",
    {
      schema: {
        tags,
        summary: "Define an escalation policy: levels of targets with timeouts, repeats, a fallback (admins)",
        body: EscalationPolicyCreateBody,
        response: { 201: EscalationPolicySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createEscalationPolicy({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/escalation-policies/:id",
    {
      schema: {
        tags,
        summary: "One escalation policy (staff)",
        params: IdParams,
        response: { 200: EscalationPolicySchema, ...problemResponses },
      },
    },
    async (request) => getEscalationPolicy(request.ctx, request.params.id),
  );

  app.patch(
    "/escalation-policies/:id",
    {
      schema: {
        tags,
        summary: "Change an escalation policy (admins); pages already open keep escalating by it",
        params: IdParams,
        body: EscalationPolicyUpdateBody,
        response: { 200: EscalationPolicySchema, ...problemResponses },
      },
    },
    async (request) =>
      updateEscalationPolicy({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/escalation-policies/:id",
    {
      schema: {
        tags,
        summary: "Delete an escalation policy no page was sent with (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteEscalationPolicy({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/pages",
    {
      schema: {
        tags,
        summary: "Page people by an escalation policy: its first level is notified at once (staff)",
        body: PageCreateBody,
        response: { 201: PageSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await openPage({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/pages",
    {
      schema: {
        tags,
        summary: "Pages, open ones first, a list page at a time (staff)",
        querystring: PageListQuery,
        response: {
          200: Type.Object({ pages: Type.Array(PageSchema), nextCursor: NullableString }),
          ...problemResponses,
        },
      },
    },
    async (request) => listPages(request.ctx, request.query),
  );

  app.get(
    "/pages/:id",
    {
      schema: {
        tags,
        summary: "A page with its log: who was notified, escalations, who answered (staff)",
        params: IdParams,
        response: { 200: PageWithLogSchema, ...problemResponses },
      },
    },
    async (request) => getPage(request.ctx, request.params.id),
  );

  for (const [path, response, summary] of [
    ["/pages/:id/acknowledgement", "acknowledge", "Acknowledge a page: its escalation stops (staff)"],
    ["/pages/:id/resolution", "resolve", "Resolve a page (staff)"],
  ] as const) {
    app.post(
      path,
      {
        schema: { tags, summary, params: IdParams, response: { 200: PageSchema, ...problemResponses } },
      },
      async (request) => respondAsStaff({ ctx: request.ctx, id: request.params.id, response }),
    );
  }

  const linkResponses = {
    200: Type.String({ description: "text/html: the confirmation or the outcome" }),
    ...problemResponses,
    410: Type.Ref("Problem"),
  };

  app.get(
    "/pages/act/:secret",
    {
      config: { actsBySecret: true },
      schema: {
        tags,
        summary:
          "A mailed acknowledge or resolve link: shows what it would do and asks to confirm; changes nothing",
        description:
          "Refusals are a small HTML page for a browser (Accept: text/html), problem+json otherwise.",
        security: [],
        params: PageActionSecretParams,
        response: linkResponses,
      },
    },
    async (request, reply) => {
      const link = await inspectPageAction(request.ctx, request.params.secret);
      reply.header("cache-control", "no-store");
      if (link.state !== "valid") return refuseLink(request, reply, link.state);
      return reply.type("text/html; charset=utf-8").send(actionPage(link));
    },
  );

  app.post(
    "/pages/act/:secret",
    {
      config: { actsBySecret: true },
      schema: {
        tags,
        summary:
          "Confirm a mailed link: acknowledges or resolves the page for the person it was sent to, once",
        security: [],
        params: PageActionSecretParams,
        response: linkResponses,
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      try {
        const outcome = await performPageAction(request.ctx, request.params.secret);
        if (outcome.state !== "done") return refuseLink(request, reply, outcome.state);
        return reply.type("text/html; charset=utf-8").send(actionPage({ state: "done", page: outcome.page }));
      } catch (error) {
        if (!(error instanceof ConflictError) || !wantsHtml(request)) throw error;
        return reply
          .status(409)
          .type("text/html; charset=utf-8")
          .send(actionPage({ state: "conflict", message: error.message }));
      }
    },
  );
};
