import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  AutomationCreateBody,
  AutomationOrderBody,
  AutomationRunSchema,
  AutomationSchema,
  AutomationUpdateBody,
} from "./automation-schemas.js";
import {
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomationRuns,
  listAutomations,
  reorderAutomations,
  updateAutomation,
} from "./manage-automations.js";

const tags = ["automations"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };

export const automationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/automations",
    {
      schema: {
        tags,
        summary: "Automations in the order they run on a ticket event (admins)",
        response: { 200: Type.Array(AutomationSchema), ...problemResponses },
      },
    },
    async (request) => listAutomations(request.ctx),
  );

  app.post(
    "/automations",
    {
      schema: {
        tags,
        summary: "When a ticket event meets the conditions, perform the actions; added last (admins)",
        body: AutomationCreateBody,
        response: { 201: AutomationSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createAutomation({ ctx: request.ctx, input: request.body })),
  );

  app.put(
    "/automations/order",
    {
      schema: {
        tags,
        summary: "Set the order automations run in (admins)",
        body: AutomationOrderBody,
        response: { 200: Type.Array(AutomationSchema), ...withUnprocessable },
      },
    },
    async (request) => reorderAutomations({ ctx: request.ctx, ids: request.body.ids }),
  );

  app.get(
    "/automations/:id",
    {
      schema: {
        tags,
        summary: "One automation (admins)",
        params: IdParams,
        response: { 200: AutomationSchema, ...problemResponses },
      },
    },
    async (request) => getAutomation(request.ctx, request.params.id),
  );

  app.patch(
    "/automations/:id",
    {
      schema: {
        tags,
        summary: "Change an automation, or switch it on or off (admins)",
        params: IdParams,
        body: AutomationUpdateBody,
        response: { 200: AutomationSchema, ...withUnprocessable },
      },
    },
    async (request) => updateAutomation({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/automations/:id",
    {
      schema: {
        tags,
        summary: "Delete an automation; what it did to tickets stays on their timelines (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteAutomation({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/automations/:id/runs",
    {
      schema: {
        tags,
        summary: "An automation's last 50 runs with each action's outcome (admins)",
        params: IdParams,
        response: { 200: Type.Array(AutomationRunSchema), ...problemResponses },
      },
    },
    async (request) => listAutomationRuns(request.ctx, request.params.id),
  );
};
