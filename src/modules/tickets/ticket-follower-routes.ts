import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NullableString, problemResponses, Timestamp } from "../../http/schemas.js";
import { RoleSchema } from "../identity/identity-schemas.js";
import { addFollower, followerSources, listFollowers, removeFollower } from "./ticket-followers.js";
import { TicketNumberParams } from "./ticket-schemas.js";

const FollowerSchema = Type.Object({
  person: Type.Object({
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    role: RoleSchema,
    organizationId: NullableString,
  }),
  source: Type.Enum([...followerSources], {
    description: "email: on To/Cc of a message on the ticket; staff: added through the API",
  }),
  followingSince: Timestamp,
});

const FollowerBody = Type.Object(
  {
    personId: Type.Optional(Type.String({ format: "uuid" })),
    email: Type.Optional(Type.String({ format: "email", maxLength: 254 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    description: "Exactly one of personId and email; an unknown email becomes a customer",
  },
);

const FollowerParams = Type.Object(
  {
    number: TicketNumberParams.properties.number,
    personId: Type.String({ format: "uuid" }),
  },
  { additionalProperties: false },
);

/**
 * Who receives a ticket's public replies by mail besides its requester (agents and admins).
 * Following grants no access to the ticket; see `ticket-followers.ts`.
 */
export const ticketFollowerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/tickets/:number/followers",
    {
      schema: {
        tags: ["tickets"],
        summary: "The people who receive the ticket's public replies by mail on Cc (agents and admins)",
        params: TicketNumberParams,
        response: { 200: Type.Array(FollowerSchema), ...problemResponses },
      },
    },
    async (request) => listFollowers({ ctx: request.ctx, number: request.params.number }),
  );

  app.post(
    "/tickets/:number/followers",
    {
      schema: {
        tags: ["tickets"],
        summary: "Add a follower by person id or address (201; 200 when they already followed)",
        params: TicketNumberParams,
        body: FollowerBody,
        response: { 200: FollowerSchema, 201: FollowerSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { follower, added } = await addFollower({
        ctx: request.ctx,
        number: request.params.number,
        input: request.body,
      });
      return reply.status(added ? 201 : 200).send(follower);
    },
  );

  app.delete(
    "/tickets/:number/followers/:personId",
    {
      schema: {
        tags: ["tickets"],
        summary: "Stop a person following the ticket (agents and admins)",
        params: FollowerParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await removeFollower({
        ctx: request.ctx,
        number: request.params.number,
        personId: request.params.personId,
      });
      return reply.status(204).send(null);
    },
  );
};
