import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  createPagingTrigger,
  deletePagingTrigger,
  listPagingTriggers,
  updatePagingTrigger,
} from "./manage-paging-triggers.js";
import {
  PagingTriggerCreateBody,
  PagingTriggerListSchema,
  PagingTriggerSchema,
  PagingTriggerUpdateBody,
} from "./paging-trigger-schemas.js";
import { pagingTriggerDescriptions, pagingTriggerKinds } from "./paging-triggers.js";

const tags = ["paging"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };

export const pagingTriggerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/paging-triggers",
    {
      schema: {
        tags,
        summary:
          "What pages an escalation policy by itself: a Sev 1 ticket created, an SLA breach on one (staff)",
        response: { 200: PagingTriggerListSchema, ...problemResponses },
      },
    },
    async (request) => ({
      triggers: await listPagingTriggers(request.ctx),
      kinds: pagingTriggerKinds.map((kind) => ({ kind, description: pagingTriggerDescriptions[kind] })),
    }),
  );

  app.post(
    "/paging-triggers",
    {
      schema: {
        tags,
        summary: "Page a policy whenever an occasion happens (admins)",
        body: PagingTriggerCreateBody,
        response: { 201: PagingTriggerSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPagingTrigger({ ctx: request.ctx, input: request.body })),
  );

  app.patch(
    "/paging-triggers/:id",
    {
      schema: {
        tags,
        summary: "Switch a paging trigger on or off, or point it at another policy (admins)",
        params: IdParams,
        body: PagingTriggerUpdateBody,
        response: { 200: PagingTriggerSchema, ...withUnprocessable },
      },
    },
    async (request) => updatePagingTrigger({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/paging-triggers/:id",
    {
      schema: {
        tags,
        summary: "Delete a paging trigger; the pages it opened stay (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deletePagingTrigger({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
