import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { getPersonPageWebhook, setPersonPageWebhook } from "./person-page-webhooks.js";

const PersonPageWebhookSchema = Type.Object({
  configured: Type.Boolean(),
  host: Type.Union([Type.String(), Type.Null()], {
    description: "Where it posts; the URL itself is never shown",
  }),
  updatedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const PersonPageWebhookBody = Type.Object(
  {
    url: Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()], {
      description:
        "A Slack-compatible incoming webhook (https, or http to this machine); null removes it. Each page " +
        "reaching the person posts `{text, tend}` there with one-click acknowledge and resolve links.",
    }),
  },
  { additionalProperties: false },
);

export const personPageWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/people/:id/page-webhook",
    {
      schema: {
        tags: ["paging"],
        summary: "Whether a person has their own webhook for pages (the person or an admin)",
        params: IdParams,
        response: { 200: PersonPageWebhookSchema, ...problemResponses },
      },
    },
    async (request) => getPersonPageWebhook(request.ctx, request.params.id),
  );

  app.put(
    "/people/:id/page-webhook",
    {
      schema: {
        tags: ["paging"],
        summary: "Set or remove a person's own webhook for pages (the person or an admin)",
        params: IdParams,
        body: PersonPageWebhookBody,
        response: { 200: PersonPageWebhookSchema, ...problemResponses },
      },
    },
    async (request) =>
      setPersonPageWebhook({ ctx: request.ctx, personId: request.params.id, url: request.body.url }),
  );
};
