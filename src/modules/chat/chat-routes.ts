import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  ChatRouteCreateBody,
  ChatRouteListSchema,
  ChatRouteSchema,
  ChatRouteUpdateBody,
  ConnectedChannelCreateBody,
  ConnectedChannelListSchema,
  ConnectedChannelSchema,
  ConnectedChannelUpdateBody,
} from "./chat-schemas.js";
import { createChatRoute, deleteChatRoute, listChatRoutes, updateChatRoute } from "./manage-chat-routes.js";
import {
  connectChannel,
  disconnectChannel,
  listConnectedChannels,
  updateConnectedChannel,
} from "./manage-connected-channels.js";
import { streamEventKindList, streamEventKinds } from "./stream-routing.js";

const tags = ["chat"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };

/** Admins' configuration of the ticket stream and of the Slack channels that are a support channel. */
export const chatRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/chat/routes",
    {
      schema: {
        tags,
        summary:
          "Where the ticket stream posts: chat routes with their event, group and severity filters (admins)",
        response: { 200: ChatRouteListSchema, ...problemResponses },
      },
    },
    async (request) => ({
      routes: await listChatRoutes(request.ctx),
      eventKinds: streamEventKindList.map((kind) => ({ kind, description: streamEventKinds[kind] })),
    }),
  );

  app.post(
    "/chat/routes",
    {
      schema: {
        tags,
        summary: "Stream ticket events to a Slack, Teams or generic chat destination (admins)",
        body: ChatRouteCreateBody,
        response: { 201: ChatRouteSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createChatRoute({ ctx: request.ctx, input: request.body })),
  );

  app.patch(
    "/chat/routes/:id",
    {
      schema: {
        tags,
        summary: "Change a chat route's filters, destination or switch it off (admins)",
        params: IdParams,
        body: ChatRouteUpdateBody,
        response: { 200: ChatRouteSchema, ...withUnprocessable },
      },
    },
    async (request) => updateChatRoute({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/chat/routes/:id",
    {
      schema: {
        tags,
        summary: "Delete a chat route (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteChatRoute({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/chat/channels",
    {
      schema: {
        tags,
        summary: "Slack channels connected as a support channel (admins)",
        response: { 200: ConnectedChannelListSchema, ...problemResponses },
      },
    },
    async (request) => ({ channels: await listConnectedChannels(request.ctx) }),
  );

  app.post(
    "/chat/channels",
    {
      schema: {
        tags,
        summary:
          "Connect a Slack channel: its messages become tickets, agents' replies go to the thread (admins)",
        body: ConnectedChannelCreateBody,
        response: { 201: ConnectedChannelSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await connectChannel({ ctx: request.ctx, input: request.body })),
  );

  app.patch(
    "/chat/channels/:id",
    {
      schema: {
        tags,
        summary: "Rename a connected channel, replace its bot token, or switch it off (admins)",
        params: IdParams,
        body: ConnectedChannelUpdateBody,
        response: { 200: ConnectedChannelSchema, ...withUnprocessable },
      },
    },
    async (request) =>
      updateConnectedChannel({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/chat/channels/:id",
    {
      schema: {
        tags,
        summary: "Disconnect a Slack channel; its tickets stay (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await disconnectChannel({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
