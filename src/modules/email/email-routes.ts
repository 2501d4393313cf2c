import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, PageQuery, pageOf, problemResponses } from "../../http/schemas.js";
import { TicketNumberParams } from "../tickets/ticket-schemas.js";
import { InboundEmailSchema, inboundEmailStatuses, TicketEmailSchema } from "./email-schemas.js";
import { getInboundEmail, listInboundEmails, reprocessInboundEmail } from "./manage-inbound-emails.js";
import { listTicketEmails } from "./read-ticket-emails.js";

/**
 * What arrived by email and what became of it, for admins (failed messages can be processed
 * again), and each ticket's mail with the delivery state of the replies sent, for agents.
 */
export const emailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/email/inbound",
    {
      schema: {
        tags: ["email"],
        summary: "Inbound messages, newest first, with what became of each (admins)",
        querystring: Type.Object(
          {
            ...PageQuery,
            status: Type.Optional(
              Type.Array(Type.Enum([...inboundEmailStatuses]), {
                description: "Repeat or comma-separate for several",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(InboundEmailSchema), ...problemResponses },
      },
    },
    async (request) => {
      const { limit, cursor, status } = request.query;
      return listInboundEmails({
        ctx: request.ctx,
        limit: limit ?? 50,
        ...(status ? { status } : {}),
        ...(cursor ? { cursor } : {}),
      });
    },
  );

  app.get(
    "/email/inbound/:id",
    {
      schema: {
        tags: ["email"],
        summary: "One inbound message and what became of it (admins)",
        params: IdParams,
        response: { 200: InboundEmailSchema, ...problemResponses },
      },
    },
    async (request) => getInboundEmail({ ctx: request.ctx, id: request.params.id }),
  );

  app.post(
    "/email/inbound/:id/reprocess",
    {
      schema: {
        tags: ["email"],
        summary: "Process a failed inbound message again from its stored raw bytes (admins)",
        params: IdParams,
        response: { 202: InboundEmailSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return reprocessInboundEmail({ ctx: request.ctx, id: request.params.id });
    },
  );

  app.get(
    "/tickets/:number/emails",
    {
      schema: {
        tags: ["email"],
        summary: "A ticket's mail, oldest first, with each sent reply's delivery state (agents and admins)",
        params: TicketNumberParams,
        response: { 200: Type.Array(TicketEmailSchema), ...problemResponses },
      },
    },
    async (request) => listTicketEmails({ ctx: request.ctx, number: request.params.number }),
  );
};
