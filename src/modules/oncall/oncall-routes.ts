import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { createOverride, createSwap, deleteOverride } from "./manage-overrides.js";
import { createSchedule, deleteSchedule, updateSchedule } from "./manage-schedules.js";
import { createFeed, listFeeds, renderFeed, revokeFeed } from "./oncall-feeds.js";
import {
  FeedCreateBody,
  FeedSchema,
  FeedSecretParams,
  LayerShiftQuery,
  LayerShiftSchema,
  OnCallQuery,
  OnCallSchema,
  OverrideCreateBody,
  OverrideIdParams,
  OverrideSchema,
  ScheduleCreateBody,
  ScheduleIdParams,
  ScheduleSchema,
  ScheduleUpdateBody,
  ShiftRangeQuery,
  ShiftSchema,
  SwapCreateBody,
} from "./oncall-schemas.js";
import {
  getSchedule,
  listGaps,
  listLayerShifts,
  listOverrides,
  listSchedules,
  listShifts,
  whoIsOnCall,
} from "./read-schedules.js";

const tags = ["on-call"];

export const oncallRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (app, options) => {
  app.get(
    "/oncall/schedules",
    {
      schema: {
        tags,
        summary: "On-call schedules (staff)",
        response: { 200: Type.Object({ schedules: Type.Array(ScheduleSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ schedules: await listSchedules(request.ctx) }),
  );

  app.post(
    "/oncall/schedules",
    {
      schema: {
        tags,
        summary: "Set up a schedule: a time zone and rotation layers, lowest first (admins)",
        body: ScheduleCreateBody,
        response: { 201: ScheduleSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createSchedule({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/oncall/schedules/:id",
    {
      schema: {
        tags,
        summary: "One schedule with its layers (staff)",
        params: ScheduleIdParams,
        response: { 200: ScheduleSchema, ...problemResponses },
      },
    },
    async (request) => getSchedule(request.ctx, request.params.id),
  );

  app.patch(
    "/oncall/schedules/:id",
    {
      schema: {
        tags,
        summary: "Change a schedule; overrides and swaps stay where they are (admins)",
        params: ScheduleIdParams,
        body: ScheduleUpdateBody,
        response: { 200: ScheduleSchema, ...problemResponses },
      },
    },
    async (request) => updateSchedule({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/oncall/schedules/:id",
    {
      schema: {
        tags,
        summary: "Delete a schedule with its overrides and calendar feeds (admins)",
        params: ScheduleIdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteSchedule({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/oncall/schedules/:id/on-call",
    {
      schema: {
        tags,
        summary: "Who is on call at an instant (by default now), and until when (staff)",
        params: ScheduleIdParams,
        querystring: OnCallQuery,
        response: { 200: OnCallSchema, ...problemResponses },
      },
    },
    async (request) => whoIsOnCall(request.ctx, request.params.id, request.query.at),
  );

  app.get(
    "/oncall/schedules/:id/shifts",
    {
      schema: {
        tags,
        summary:
          "The final shifts of a range (at most 26 weeks; by default the next two), after layers and overrides",
        params: ScheduleIdParams,
        querystring: ShiftRangeQuery,
        response: { 200: Type.Object({ shifts: Type.Array(ShiftSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ shifts: await listShifts(request.ctx, request.params.id, request.query) }),
  );

  app.get(
    "/oncall/schedules/:id/layer-shifts",
    {
      schema: {
        tags,
        summary: "One layer's own shifts with their indexes, which a swap names (staff)",
        params: ScheduleIdParams,
        querystring: LayerShiftQuery,
        response: { 200: Type.Object({ shifts: Type.Array(LayerShiftSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ shifts: await listLayerShifts(request.ctx, request.params.id, request.query) }),
  );

  app.get(
    "/oncall/schedules/:id/gaps",
    {
      schema: {
        tags,
        summary: "Spans nobody covers in the next 8 weeks (staff)",
        params: ScheduleIdParams,
        response: { 200: Type.Object({ gaps: Type.Array(ShiftSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ gaps: await listGaps(request.ctx, request.params.id) }),
  );

  app.get(
    "/oncall/schedules/:id/overrides",
    {
      schema: {
        tags,
        summary: "A schedule's overrides and swaps in the order they win (staff)",
        params: ScheduleIdParams,
        response: { 200: Type.Object({ overrides: Type.Array(OverrideSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ overrides: await listOverrides(request.ctx, request.params.id) }),
  );

  app.post(
    "/oncall/schedules/:id/overrides",
    {
      schema: {
        tags,
        summary: "Cover a span: the covering person themselves, or an admin for them",
        params: ScheduleIdParams,
        body: OverrideCreateBody,
        response: { 201: OverrideSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createOverride({ ctx: request.ctx, scheduleId: request.params.id, input: request.body })),
  );

  app.delete(
    "/oncall/schedules/:id/overrides/:overrideId",
    {
      schema: {
        tags,
        summary: "Take an override back (one of a swap removes both)",
        params: OverrideIdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteOverride({
        ctx: request.ctx,
        scheduleId: request.params.id,
        overrideId: request.params.overrideId,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/oncall/schedules/:id/swaps",
    {
      schema: {
        tags,
        summary: "Two people trade layer shifts: one of them, or an admin",
        params: ScheduleIdParams,
        body: SwapCreateBody,
        response: { 201: Type.Object({ overrides: Type.Array(OverrideSchema) }), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        overrides: await createSwap({ ctx: request.ctx, scheduleId: request.params.id, input: request.body }),
      }),
  );

  app.get(
    "/oncall/feeds",
    {
      schema: {
        tags,
        summary: "Your live calendar feeds (an admin sees all); their URLs were shown once",
        response: { 200: Type.Object({ feeds: Type.Array(FeedSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ feeds: await listFeeds(request.ctx) }),
  );

  app.post(
    "/oncall/feeds",
    {
      schema: {
        tags,
        summary: "A secret iCalendar URL for a schedule, or for a person's shifts in every schedule",
        body: FeedCreateBody,
        response: { 201: FeedSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createFeed({ ctx: request.ctx, input: request.body, publicUrl: options.publicUrl })),
  );

  app.delete(
    "/oncall/feeds/:id",
    {
      schema: {
        tags,
        summary: "Revoke a calendar feed: its URL stops working",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await revokeFeed({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/oncall/feeds/:secret.ics",
    {
      schema: {
        tags,
        summary: "The iCalendar feed behind a secret URL: no sign-in, for calendar apps",
        security: [],
        params: FeedSecretParams,
        response: { 200: Type.String({ description: "text/calendar" }), 404: Type.Ref("Problem") },
      },
    },
    async (request, reply) =>
      reply
        .type("text/calendar; charset=utf-8")
        .header("cache-control", "private, max-age=300")
        .send(await renderFeed(request.ctx, request.params.secret)),
  );
};
