import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, PageQuery, pageOf, problemResponses } from "../../http/schemas.js";
import { domainEventKinds } from "../../shared/domain-events.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { listWebhookDeliveries, redeliverWebhook } from "./deliver-webhooks.js";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "./manage-webhook-endpoints.js";
import {
  DeliverySchema,
  EndpointBody,
  EndpointPatch,
  EndpointSchema,
  EndpointWithSecret,
} from "./webhook-schemas.js";
import type { WebhookTargetPolicy } from "./webhook-target.js";

const tags = ["webhooks"];
const refusals = { ...problemResponses, 422: Type.Ref("Problem") };

/** Outgoing webhooks (admins): endpoints, their secrets, deliveries and redelivery. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ policy: WebhookTargetPolicy }> = async (
  app,
  options,
) => {
  const { policy } = options;

  app.get(
    "/webhooks/event-kinds",
    {
      schema: {
        tags,
        summary: "The domain events an endpoint may subscribe to, with what each means (admins)",
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ kind: Type.String(), description: Type.String() })),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      requireAdmin(request.ctx.actor);
      return {
        items: Object.entries(domainEventKinds).map(([kind, description]) => ({ kind, description })),
      };
    },
  );

  app.get(
    "/webhooks/endpoints",
    {
      schema: {
        tags,
        summary: "Webhook endpoints, oldest first, a cursor page at a time (admins)",
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: pageOf(EndpointSchema), ...problemResponses },
      },
    },
    async (request) => listWebhookEndpoints(request.ctx, request.query),
  );

  app.post(
    "/webhooks/endpoints",
    {
      schema: {
        tags,
        summary:
          "Add an endpoint (admins): events are posted signed the Standard Webhooks way; the secret is shown once",
        body: EndpointBody,
        response: { 201: EndpointWithSecret, ...refusals },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createWebhookEndpoint({ ctx: request.ctx, input: request.body, policy })),
  );

  app.get(
    "/webhooks/endpoints/:id",
    {
      schema: {
        tags,
        summary: "One webhook endpoint (admins)",
        params: IdParams,
        response: { 200: EndpointSchema, ...problemResponses },
      },
    },
    async (request) => getWebhookEndpoint(request.ctx, request.params.id),
  );

  app.patch(
    "/webhooks/endpoints/:id",
    {
      schema: {
        tags,
        summary: "Change an endpoint (admins); enabling it starts its failure count afresh",
        params: IdParams,
        body: EndpointPatch,
        response: { 200: EndpointSchema, ...refusals },
      },
    },
    async (request) =>
      updateWebhookEndpoint({ ctx: request.ctx, id: request.params.id, input: request.body, policy }),
  );

  app.delete(
    "/webhooks/endpoints/:id",
    {
      schema: {
        tags,
        summary: "Remove an endpoint and its delivery log (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteWebhookEndpoint({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/webhooks/endpoints/:id/secret-rotation",
    {
      schema: {
        tags,
        summary: "A new signing secret, shown once; the previous one keeps signing for 24 hours (admins)",
        params: IdParams,
        response: { 200: EndpointWithSecret, ...problemResponses },
      },
    },
    async (request) => rotateWebhookSecret({ ctx: request.ctx, id: request.params.id }),
  );

  app.get(
    "/webhooks/endpoints/:id/deliveries",
    {
      schema: {
        tags,
        summary:
          "An endpoint's deliveries, newest first, each with its attempts, a cursor page at a time (admins)",
        params: IdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: pageOf(DeliverySchema), ...problemResponses },
      },
    },
    async (request) => listWebhookDeliveries(request.ctx, request.params.id, request.query),
  );

  app.post(
    "/webhooks/deliveries/:id/redelivery",
    {
      schema: {
        tags,
        summary: "Send a delivery again now, once, with the same webhook-id (admins)",
        params: IdParams,
        response: { 202: DeliverySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await redeliverWebhook({ ctx: request.ctx, id: request.params.id })),
  );
};
