import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { problemResponses } from "../../http/schemas.js";
import {
  DraftFromGroupBody,
  DraftFromGroupSchema,
  FrequentQuestionsSchema,
  RefreshBody,
  RefreshSchema,
} from "./frequent-question-schemas.js";
import {
  draftArticleFromGroup,
  listFrequentQuestions,
  refreshFrequentQuestions,
} from "./frequent-questions-desk.js";

const tags = ["knowledge base"];

/** `/api/v1/knowledge/frequent-questions…`: staff only, since the groups are customers' tickets. */
export const frequentQuestionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/knowledge/frequent-questions",
    {
      schema: {
        tags,
        summary: "The latest grouping of recent tickets by question, largest first, with coverage (staff)",
        response: { 200: FrequentQuestionsSchema, ...problemResponses },
      },
    },
    async (request) => listFrequentQuestions({ ctx: request.ctx }),
  );
  app.post(
    "/knowledge/frequent-questions/refresh",
    {
      schema: {
        tags,
        summary: "Queue a new grouping run now, over the last windowDays days (default 90; staff)",
        body: RefreshBody,
        response: { 202: RefreshSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await refreshFrequentQuestions({ ctx: request.ctx, input: request.body ?? {} })),
  );
  app.post(
    "/knowledge/frequent-questions/drafts",
    {
      schema: {
        tags,
        summary: "Draft an internal article from a group, prefilled with its best agent answer (staff)",
        body: DraftFromGroupBody,
        response: { 201: DraftFromGroupSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await draftArticleFromGroup({ ctx: request.ctx, input: request.body })),
  );
};
