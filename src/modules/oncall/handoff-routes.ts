import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { pageOf, problemResponses } from "../../http/schemas.js";
import { acknowledgeDebrief } from "./handoff-acknowledgement.js";
import { completeDebrief, getDebrief, listDebriefs, updateDebrief } from "./handoff-debriefs.js";
import { prepareDebriefByHand } from "./handoff-preparation.js";
import { DebriefIdParams, DebriefListQuery, DebriefSchema, DebriefUpdateBody } from "./handoff-schemas.js";
import { ScheduleIdParams } from "./oncall-schemas.js";

const tags = ["on-call"];

export const handoffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/oncall/schedules/:id/debriefs",
    {
      schema: {
        tags,
        summary:
          "Prepare the debrief of the schedule's next handoff now; the existing one if prepared (staff)",
        params: ScheduleIdParams,
        response: { 200: DebriefSchema, 201: DebriefSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { created, debrief } = await prepareDebriefByHand(request.ctx, request.params.id);
      return reply.status(created ? 201 : 200).send(debrief);
    },
  );

  app.get(
    "/oncall/debriefs",
    {
      schema: {
        tags,
        summary: "Handoff debriefs, newest handoff first, searchable by notes and ticket subjects (staff)",
        querystring: DebriefListQuery,
        response: { 200: pageOf(DebriefSchema), ...problemResponses },
      },
    },
    async (request) => listDebriefs(request.ctx, request.query),
  );

  app.get(
    "/oncall/debriefs/:id",
    {
      schema: {
        tags,
        summary: "One handoff debrief with its tickets (staff)",
        params: DebriefIdParams,
        response: { 200: DebriefSchema, ...problemResponses },
      },
    },
    async (request) => getDebrief(request.ctx, request.params.id),
  );

  app.patch(
    "/oncall/debriefs/:id",
    {
      schema: {
        tags,
        summary: "Write the notes and choose reassign or follow (the outgoing engineer or an admin)",
        params: DebriefIdParams,
        body: DebriefUpdateBody,
        response: { 200: DebriefSchema, ...problemResponses },
      },
    },
    async (request) => updateDebrief({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.post(
    "/oncall/debriefs/:id/completion",
    {
      schema: {
        tags,
        summary: "Mark the debrief written (the outgoing engineer or an admin)",
        params: DebriefIdParams,
        response: { 200: DebriefSchema, ...problemResponses },
      },
    },
    async (request) => completeDebrief(request.ctx, request.params.id),
  );

  app.post(
    "/oncall/debriefs/:id/acknowledgement",
    {
      schema: {
        tags,
        summary:
          "Take the handoff: the listed tickets move to, or are followed by, the incoming engineer (them or an admin)",
        params: DebriefIdParams,
        response: { 200: DebriefSchema, ...problemResponses },
      },
    },
    async (request) => acknowledgeDebrief(request.ctx, request.params.id),
  );
};
