import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { pageOf, problemResponses } from "../../http/schemas.js";
import { addComment } from "./add-comment.js";
import { createTicket } from "./create-ticket.js";
import { escalateTicket } from "./escalate-ticket.js";
import { getTicket, listComments, listTicketEvents, listTickets } from "./read-tickets.js";
import {
  CommentCreateBody,
  CommentSchema,
  EscalationBody,
  TicketCreateBody,
  TicketEventSchema,
  TicketListQuery,
  TicketNumberParams,
  TicketSchema,
  TicketUpdateBody,
} from "./ticket-schemas.js";
import { updateTicket } from "./update-ticket.js";

export const ticketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/tickets",
    {
      config: { readsFromReplica: true },
      schema: {
        tags: ["tickets"],
        summary:
          "List tickets: filter, search, sort and page with cursors (a customer sees their organization's)",
        querystring: TicketListQuery,
        response: { 200: pageOf(TicketSchema), ...problemResponses },
      },
    },
    async (request) => {
      const {
        limit,
        cursor,
        groupId,
        assignee,
        organizationId,
        requesterId,
        severity,
        category,
        tag,
        text,
        slaDueBefore,
        solvedAfter,
        sort,
      } = request.query;
      return listTickets({
        ctx: request.ctx,
        filter: {
          ...(request.query.status ? { status: request.query.status } : {}),
          ...(groupId ? { groupId } : {}),
          ...(assignee ? { assignee } : {}),
          ...(organizationId ? { organizationId } : {}),
          ...(requesterId ? { requesterId } : {}),
          ...(severity ? { severity } : {}),
          ...(category ? { category } : {}),
          ...(tag ? { tag } : {}),
          ...(text ? { text } : {}),
          ...(slaDueBefore ? { slaDueBefore } : {}),
          ...(solvedAfter ? { solvedAfter } : {}),
          ...(sort ? { sort } : {}),
        },
        limit: limit ?? 50,
        ...(cursor ? { cursor } : {}),
      });
    },
  );

  app.post(
    "/tickets",
    {
      schema: {
        tags: ["tickets"],
        summary: "Open a ticket; its body becomes the first public comment",
        body: TicketCreateBody,
        response: { 201: Type.Ref("Ticket"), ...problemResponses, 422: Type.Ref("Problem") },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createTicket({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/tickets/:number",
    {
      schema: {
        tags: ["tickets"],
        summary: "Get a ticket by its number",
        params: TicketNumberParams,
        response: { 200: Type.Ref("Ticket"), ...problemResponses },
      },
    },
    async (request) => getTicket({ ctx: request.ctx, number: request.params.number }),
  );

  app.patch(
    "/tickets/:number",
    {
      schema: {
        tags: ["tickets"],
        summary: "Change status, assignee, group, severity, category or tags; send the version you read",
        params: TicketNumberParams,
        body: TicketUpdateBody,
        response: { 200: Type.Ref("Ticket"), ...problemResponses },
      },
    },
    async (request) => updateTicket({ ctx: request.ctx, number: request.params.number, input: request.body }),
  );

  app.post(
    "/tickets/:number/escalation",
    {
      schema: {
        tags: ["tickets"],
        summary:
          "Escalate: move to the Platform experts (or groupId) with an internal note; the assignee stays only if a member",
        params: TicketNumberParams,
        body: EscalationBody,
        response: { 200: Type.Ref("Ticket"), ...problemResponses },
      },
    },
    async (request) =>
      escalateTicket({ ctx: request.ctx, number: request.params.number, input: request.body }),
  );

  app.get(
    "/tickets/:number/comments",
    {
      schema: {
        tags: ["tickets"],
        summary: "The conversation: public replies, and internal notes for staff",
        params: TicketNumberParams,
        response: { 200: Type.Array(CommentSchema), ...problemResponses },
      },
    },
    async (request) => listComments({ ctx: request.ctx, number: request.params.number }),
  );

  app.post(
    "/tickets/:number/comments",
    {
      schema: {
        tags: ["tickets"],
        summary: "Reply publicly or add an internal note; agents may submit as a status",
        params: TicketNumberParams,
        body: CommentCreateBody,
        response: {
          201: Type.Object({ comment: Type.Ref("Comment"), ticket: Type.Ref("Ticket") }),
          ...problemResponses,
          422: Type.Ref("Problem"),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addComment({ ctx: request.ctx, number: request.params.number, input: request.body })),
  );

  app.get(
    "/tickets/:number/events",
    {
      schema: {
        tags: ["tickets"],
        summary: "Every change to the ticket: its timeline and audit trail",
        params: TicketNumberParams,
        response: { 200: Type.Array(TicketEventSchema), ...problemResponses },
      },
    },
    async (request) => listTicketEvents({ ctx: request.ctx, number: request.params.number }),
  );
};
