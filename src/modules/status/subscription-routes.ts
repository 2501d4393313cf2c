import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { DomainError, TooManyRequestsError, ValidationError } from "../../errors.js";
import { IdParams, NullableString, PageQuery, pageOf, problemResponses } from "../../http/schemas.js";
import {
  confirmSubscription,
  createWebhookSubscriber,
  deleteStatusSubscriber,
  listStatusSubscribers,
  resendSubscriptionConfirmation,
  subscribableComponents,
  subscribeByEmail,
  unsubscribe,
} from "./status-subscriptions.js";
import {
  checkInboxPage,
  linkRefusedPage,
  subscriptionConfirmedPage,
  subscriptionFormPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from "./subscription-pages.js";

const SubscribeBody = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    component: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);
const TokenQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
// RFC 8058's one-click post carries `List-Unsubscribe=One-Click`; the token is in the address, so the
// body is read for nothing else.
const OneClickBody = Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown()));

const SubscriberSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal("email"), Type.Literal("webhook")]),
  email: NullableString,
  webhookHost: NullableString,
  allComponents: Type.Boolean(),
  componentIds: Type.Array(Type.String()),
  confirmedAt: NullableString,
  lastDeliveryAt: NullableString,
  lastDeliveryAnswer: NullableString,
  createdAt: Type.String(),
});

const isForm = (request: FastifyRequest) =>
  String(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");

function sendHtml(reply: FastifyReply, status: number, html: string) {
  return reply.status(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
}

/** A refusal said on a page: the domain error's own status and words, the field's message when it names one. */
function refusal(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof ValidationError)
    return { status: error.status, message: error.problems.map((p) => p.message).join("; ") };
  if (error instanceof DomainError) return { status: error.status, message: error.message };
  return undefined;
}

/**
 * The public side of subscriptions (no sign-in; the public status page carries the form): HTML pages that
 * work without JavaScript, and JSON for a JSON post. None of them consults a session — a signed-in agent
 * subscribing from the public page needs no CSRF header, and a mail client's one-click post has no Origin.
 * Pages, not API: kept out of the OpenAPI document, like the web app's.
 */
export const subscriptionPublicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const fields: Record<string, string | string[]> = {};
      for (const key of new Set(params.keys()))
        fields[key] = key === "component" ? params.getAll(key) : (params.getAll(key).at(-1) ?? "");
      done(null, fields);
    },
  );

  app.post(
    "/status/subscriptions",
    {
      config: { actsBySecret: true },
      attachValidation: true,
      schema: { hide: true, body: SubscribeBody },
    },
    async (request, reply) => {
      const form = isForm(request);
      const body = (request.body ?? {}) as { email?: unknown; component?: unknown };
      const email = typeof body.email === "string" ? body.email : "";
      const chosen = Array.isArray(body.component) ? body.component.filter((c) => typeof c === "string") : [];
      if (request.validationError) {
        if (!form) throw request.validationError;
        return sendHtml(
          reply,
          400,
          subscriptionFormPage({
            components: await subscribableComponents(request.ctx),
            error: "Give one email address (and, if you like, some of the components below).",
            email: email.slice(0, 254),
          }),
        );
      }
      try {
        await subscribeByEmail(request.ctx, { email, componentIds: chosen }, request.ip);
      } catch (error) {
        const refused = refusal(error);
        if (!form || !refused) throw error;
        if (error instanceof TooManyRequestsError)
          reply.header("retry-after", String(error.retryAfterSeconds));
        return sendHtml(
          reply,
          refused.status,
          subscriptionFormPage({
            components: await subscribableComponents(request.ctx),
            error: refused.message,
            email,
            chosen,
          }),
        );
      }
      if (form) return sendHtml(reply, 200, checkInboxPage());
      return reply.status(202).send({
        message:
          "If this address is not subscribed yet, a confirmation mail is on its way; its link works once, for 48 hours.",
      });
    },
  );

  app.get(
    "/status/subscriptions/confirm",
    {
      config: { actsBySecret: true },
      attachValidation: true,
      schema: { hide: true, querystring: TokenQuery },
    },
    async (request, reply) => {
      if (request.validationError)
        return sendHtml(
          reply,
          400,
          linkRefusedPage("This confirmation link is incomplete: open the whole link."),
        );
      try {
        return sendHtml(
          reply,
          200,
          subscriptionConfirmedPage(await confirmSubscription(request.ctx, request.query.token)),
        );
      } catch (error) {
        const refused = refusal(error);
        if (!refused) throw error;
        return sendHtml(reply, refused.status, linkRefusedPage(refused.message));
      }
    },
  );

  app.get(
    "/status/subscriptions/unsubscribe",
    {
      config: { actsBySecret: true },
      attachValidation: true,
      schema: { hide: true, querystring: TokenQuery },
    },
    async (request, reply) => {
      if (request.validationError)
        return sendHtml(
          reply,
          400,
          linkRefusedPage("This unsubscribe link is incomplete: open the whole link."),
        );
      return sendHtml(reply, 200, unsubscribeConfirmPage(request.query.token));
    },
  );

  app.post(
    "/status/subscriptions/unsubscribe",
    {
      config: { actsBySecret: true },
      attachValidation: true,
      schema: { hide: true, querystring: TokenQuery, body: OneClickBody },
    },
    async (request, reply) => {
      if (request.validationError)
        return sendHtml(
          reply,
          400,
          linkRefusedPage("This unsubscribe link is incomplete: open the whole link."),
        );
      await unsubscribe(request.ctx, request.query.token);
      return sendHtml(reply, 200, unsubscribedPage());
    },
  );
};

const tags = ["status"];

/** `/api/v1/status/subscribers`: staff read, admins change, every change audited. */
export const subscriptionAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/subscribers",
    {
      schema: {
        tags,
        summary: "The status page's subscribers, oldest first, a cursor page at a time (staff)",
        querystring: Type.Object(
          { ...PageQuery, kind: Type.Optional(Type.Union([Type.Literal("email"), Type.Literal("webhook")])) },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(SubscriberSchema), ...problemResponses },
      },
    },
    async (request) => listStatusSubscribers(request.ctx, request.query),
  );

  app.post(
    "/status/subscribers/webhooks",
    {
      schema: {
        tags,
        summary:
          "Add a webhook subscriber (admins): announcements are posted to it signed the Standard Webhooks way; the secret is shown once",
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2000 }),
            componentIds: Type.Optional(
              Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ subscriber: SubscriberSchema, secret: Type.String() }),
          ...problemResponses,
          422: Type.Ref("Problem"),
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createWebhookSubscriber({ ctx: request.ctx, input: request.body })),
  );

  app.delete(
    "/status/subscribers/:id",
    {
      schema: {
        tags,
        summary: "Remove a subscriber (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteStatusSubscriber({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/status/subscribers/:id/confirmation",
    {
      schema: {
        tags,
        summary: "Mail an unconfirmed address a fresh confirmation link (admins)",
        params: IdParams,
        response: { 202: Type.Object({ message: Type.String() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      await resendSubscriptionConfirmation({ ctx: request.ctx, id: request.params.id });
      return reply.status(202).send({ message: "A fresh confirmation link is on its way." });
    },
  );
};
