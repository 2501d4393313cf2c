import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { createView, deleteView, updateView } from "./manage-views.js";
import { listViews } from "./read-views.js";
import { ViewCreateBody, ViewIdParams, ViewUpdateBody } from "./view-schemas.js";

export const viewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/views",
    {
      config: { readsFromReplica: true },
      schema: {
        tags: ["views"],
        summary: "The queues with their live counts: the built-in ones, then those admins defined (staff)",
        response: { 200: Type.Object({ views: Type.Array(Type.Ref("View")) }), ...problemResponses },
      },
    },
    async (request) => ({ views: await listViews(request.ctx) }),
  );

  app.post(
    "/views",
    {
      schema: {
        tags: ["views"],
        summary: "Define a view from the ticket list's filters (admins)",
        body: ViewCreateBody,
        response: { 201: Type.Ref("View"), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createView({ ctx: request.ctx, input: request.body })),
  );

  app.patch(
    "/views/:id",
    {
      schema: {
        tags: ["views"],
        summary: "Rename a view or change its filter (admins; built-in views cannot change)",
        params: ViewIdParams,
        body: ViewUpdateBody,
        response: { 200: Type.Ref("View"), ...problemResponses },
      },
    },
    async (request) => updateView({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/views/:id",
    {
      schema: {
        tags: ["views"],
        summary: "Delete a view an admin defined",
        params: ViewIdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteView({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
