import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { TicketNumberParams } from "../tickets/ticket-schemas.js";
import {
  HealthFlagSchema,
  HealthSettingsBody,
  HealthSettingsSchema,
  SavedReplyCreateBody,
  SavedReplySchema,
  SavedReplyUpdateBody,
} from "./health-schemas.js";
import { getHealthSettings, updateHealthSettings } from "./manage-health-settings.js";
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  listSavedReplies,
  updateSavedReply,
} from "./manage-saved-replies.js";
import { getTicketHealthFlags } from "./read-health-flags.js";

/** Ticket health settings, a ticket's health flags, and saved replies. Staff read; admins write. */
export const ticketHealthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/settings/ticket-health",
    {
      schema: {
        tags: ["ticket health"],
        summary: "The ticket health rules and their settings (agents and admins)",
        response: { 200: HealthSettingsSchema, ...problemResponses },
      },
    },
    async (request) => getHealthSettings({ ctx: request.ctx }),
  );

  app.put(
    "/settings/ticket-health",
    {
      schema: {
        tags: ["ticket health"],
        summary: "Replace the ticket health settings (admins)",
        body: HealthSettingsBody,
        response: { 200: HealthSettingsSchema, ...problemResponses },
      },
    },
    async (request) => updateHealthSettings({ ctx: request.ctx, input: request.body }),
  );

  app.get(
    "/tickets/:number/health-flags",
    {
      schema: {
        tags: ["ticket health"],
        summary: "A ticket's health flags, raised and cleared, oldest first (agents and admins)",
        params: TicketNumberParams,
        response: { 200: Type.Array(HealthFlagSchema), ...problemResponses },
      },
    },
    async (request) => getTicketHealthFlags({ ctx: request.ctx, number: request.params.number }),
  );

  app.get(
    "/saved-replies",
    {
      schema: {
        tags: ["saved replies"],
        summary: "List saved replies (agents and admins)",
        response: { 200: Type.Array(SavedReplySchema), ...problemResponses },
      },
    },
    async (request) => listSavedReplies({ ctx: request.ctx }),
  );

  app.post(
    "/saved-replies",
    {
      schema: {
        tags: ["saved replies"],
        summary: "Create a saved reply (admins)",
        body: SavedReplyCreateBody,
        response: { 201: SavedReplySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createSavedReply({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/saved-replies/:id",
    {
      schema: {
        tags: ["saved replies"],
        summary: "Get a saved reply (agents and admins)",
        params: IdParams,
        response: { 200: SavedReplySchema, ...problemResponses },
      },
    },
    async (request) => getSavedReply({ ctx: request.ctx, id: request.params.id }),
  );

  app.patch(
    "/saved-replies/:id",
    {
      schema: {
        tags: ["saved replies"],
        summary: "Rename a saved reply or change its text (admins)",
        params: IdParams,
        body: SavedReplyUpdateBody,
        response: { 200: SavedReplySchema, ...problemResponses },
      },
    },
    async (request) => updateSavedReply({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/saved-replies/:id",
    {
      schema: {
        tags: ["saved replies"],
        summary: "Delete a saved reply (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteSavedReply({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
