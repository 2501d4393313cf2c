import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NullableString, problemResponses } from "../../http/schemas.js";
import { TicketNumberParams } from "../tickets/ticket-schemas.js";
import { clockStates, slaMetrics } from "./sla-types.js";
import { getTicketSla } from "./ticket-sla.js";

const SlaClockSchema = Type.Object({
  policyId: Type.String(),
  policyName: Type.String(),
  metric: Type.Enum([...slaMetrics]),
  cycle: Type.Integer(),
  state: Type.Enum([...clockStates]),
  calendar: Type.String(),
  startedAt: Type.String({ format: "date-time" }),
  dueAt: NullableString,
  warnAt: NullableString,
  achievedAt: NullableString,
  breachedAt: NullableString,
  usedMs: Type.Number(),
  pausedMs: Type.Number(),
  targetMs: Type.Number(),
  explanation: Type.Array(Type.String()),
});

const TicketSlaSchema = Type.Object({
  ticketNumber: Type.Integer(),
  computedAt: Type.String({ format: "date-time" }),
  clocks: Type.Array(SlaClockSchema),
});

/** A ticket's clocks with their explanations (staff). */
export const ticketSlaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/tickets/:number/sla",
    {
      schema: {
        tags: ["sla"],
        summary: "Every SLA clock of a ticket, with its timeline in words (agents and admins)",
        params: TicketNumberParams,
        response: { 200: TicketSlaSchema, ...problemResponses },
      },
    },
    async (request) => getTicketSla({ ctx: request.ctx, number: request.params.number }),
  );
};
