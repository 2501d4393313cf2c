import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { withActor } from "../../shared/context.js";
import { systemActor } from "../identity/actor.js";
import {
  createStatusComponent,
  createStatusMonitor,
  deleteStatusComponent,
  deleteStatusMonitor,
  getStatusComponent,
  getStatusMonitor,
  listStatusComponents,
  listStatusMonitors,
  updateStatusComponent,
  updateStatusMonitor,
} from "./manage-status.js";
import { readComponentAvailability } from "./read-availability.js";
import { pushCheckResult, pushUserImpact } from "./record-check-result.js";
import {
  AvailabilitySchema,
  ComponentCreateBody,
  ComponentSchema,
  ComponentUpdateBody,
  MonitorCreateBody,
  MonitorListQuery,
  MonitorSchema,
  MonitorUpdateBody,
  PushResultBody,
  PushTokenParams,
  UserImpactBody,
} from "./status-schemas.js";

const tags = ["status"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };
const pushResponses = { 204: Type.Null(), 400: Type.Ref("Problem"), 404: Type.Ref("Problem") };

/** The status page's admin API (components, monitors, availability) and the push endpoints. */
export const statusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/components",
    {
      schema: {
        tags,
        summary: "The status page's components, by group and position (staff)",
        response: { 200: Type.Object({ components: Type.Array(ComponentSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ components: await listStatusComponents(request.ctx) }),
  );

  app.post(
    "/status/components",
    {
      schema: {
        tags,
        summary: "Add a component to the status page (admins)",
        body: ComponentCreateBody,
        response: { 201: ComponentSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createStatusComponent({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/status/components/:id",
    {
      schema: {
        tags,
        summary: "One status component (staff)",
        params: IdParams,
        response: { 200: ComponentSchema, ...problemResponses },
      },
    },
    async (request) => getStatusComponent(request.ctx, request.params.id),
  );

  app.patch(
    "/status/components/:id",
    {
      schema: {
        tags,
        summary: "Rename, regroup, reorder a component or set its state by hand (admins)",
        params: IdParams,
        body: ComponentUpdateBody,
        response: { 200: ComponentSchema, ...problemResponses },
      },
    },
    async (request) =>
      updateStatusComponent({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/status/components/:id",
    {
      schema: {
        tags,
        summary: "Delete a component with its monitors and their measurements (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteStatusComponent({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/status/components/:id/availability",
    {
      schema: {
        tags,
        summary:
          "A component's availability over the last 1 h, 24 h, 7 d, 30 d, 90 d and this calendar month, with the month's error budget (staff)",
        params: IdParams,
        response: { 200: AvailabilitySchema, ...problemResponses },
      },
    },
    async (request) => readComponentAvailability(request.ctx, request.params.id),
  );

  app.get(
    "/status/monitors",
    {
      schema: {
        tags,
        summary: "The monitors measuring the components (staff)",
        querystring: MonitorListQuery,
        response: { 200: Type.Object({ monitors: Type.Array(MonitorSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ monitors: await listStatusMonitors(request.ctx, request.query.componentId) }),
  );

  app.post(
    "/status/monitors",
    {
      schema: {
        tags,
        summary:
          "Add an HTTP, TCP or push monitor to a component; a push monitor's token is shown once (admins)",
        body: MonitorCreateBody,
        response: { 201: MonitorSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createStatusMonitor({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/status/monitors/:id",
    {
      schema: {
        tags,
        summary: "One monitor with its latest result (staff)",
        params: IdParams,
        response: { 200: MonitorSchema, ...problemResponses },
      },
    },
    async (request) => getStatusMonitor(request.ctx, request.params.id),
  );

  app.patch(
    "/status/monitors/:id",
    {
      schema: {
        tags,
        summary: "Change a monitor's settings, interval or component, or switch it off (admins)",
        params: IdParams,
        body: MonitorUpdateBody,
        response: { 200: MonitorSchema, ...withUnprocessable },
      },
    },
    async (request) => updateStatusMonitor({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/status/monitors/:id",
    {
      schema: {
        tags,
        summary: "Delete a monitor and its measurements (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteStatusMonitor({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  // The token in the path is the credential: no session, no bearer token. Tend records as itself.
  app.post(
    "/status/push/:token",
    {
      schema: {
        tags,
        summary: "A push monitor's result: up or down, with an optional latency and message (no sign-in)",
        security: [],
        params: PushTokenParams,
        body: PushResultBody,
        response: pushResponses,
      },
    },
    async (request, reply) => {
      await pushCheckResult(
        withActor(request.ctx, systemActor("push monitor"), "api"),
        request.params.token,
        request.body,
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/status/push/:token/user-impact",
    {
      schema: {
        tags,
        summary: "How many of how many users saw errors, for the push monitor's component (no sign-in)",
        security: [],
        params: PushTokenParams,
        body: UserImpactBody,
        response: pushResponses,
      },
    },
    async (request, reply) => {
      await pushUserImpact(
        withActor(request.ctx, systemActor("user-impact push"), "api"),
        request.params.token,
        request.body,
      );
      return reply.status(204).send(null);
    },
  );
};
