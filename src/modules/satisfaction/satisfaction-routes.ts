import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, NullableString, problemResponses, Timestamp } from "../../http/schemas.js";
import { TicketNumberParams } from "../tickets/ticket-schemas.js";
import { drawCaseReviewSample, listCaseReviews, readCaseReview, recordCaseReview } from "./case-reviews.js";
import { readCsatReport } from "./csat-report.js";
import { ratings, reviewOutcomes } from "./csat-rules.js";
import { rateTicket, readTicketSatisfaction } from "./rate-ticket.js";
import { csatGroupColumns } from "./satisfaction-repository.js";
import { readSurveySettings, updateSurveySettings } from "./satisfaction-settings.js";

const RatingSchema = Type.Enum([...ratings]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const SatisfactionSchema = Type.Object({
  ticketNumber: Type.Integer(),
  solvedAt: Timestamp,
  rating: Type.Union([RatingSchema, Type.Null()]),
  comment: NullableString,
  ratedAt: NullableString,
  sentAt: NullableString,
  open: Type.Boolean({ description: "Whether the answer may still be given or changed" }),
});

const SettingsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    delayMinutes: Type.Integer({ minimum: 0, maximum: 10080, description: "Minutes after the solve" }),
    excludedOrganizationIds: Type.Array(Type.String({ format: "uuid" }), { maxItems: 1000 }),
    excludedTags: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200 }),
  },
  { additionalProperties: false },
);

export const CsatFiguresProperties = {
  sent: Type.Integer(),
  answered: Type.Integer(),
  good: Type.Integer(),
  bad: Type.Integer(),
  score: Type.Union([Type.Number(), Type.Null()], { description: "good / (good + bad)" }),
  responseRate: Type.Union([Type.Number(), Type.Null()], { description: "answered / sent" }),
};
const Groupings = Object.keys(csatGroupColumns) as (keyof typeof csatGroupColumns)[];

const CsatReportSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  groupBy: Type.Union([Type.Enum(Groupings), Type.Null()]),
  total: Type.Object(CsatFiguresProperties),
  rows: Type.Array(Type.Object({ key: NullableString, label: Type.String(), ...CsatFiguresProperties })),
});

const Named = Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]);
const CaseReviewSchema = Type.Object({
  id: Type.String(),
  ticket: Type.Union([Type.Object({ number: Type.Integer(), subject: Type.String() }), Type.Null()]),
  agent: Named,
  source: Type.Enum(["sample", "bad_rating"]),
  periodFrom: NullableString,
  periodTo: NullableString,
  state: Type.Enum(["open", "done"]),
  reviewer: Named,
  rubric: Type.Object({
    accuracy: NullableNumber,
    tone: NullableNumber,
    completeness: NullableNumber,
    followedProcess: NullableNumber,
  }),
  note: Type.String(),
  outcome: Type.Union([Type.Enum([...reviewOutcomes]), Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  reviewedAt: NullableString,
});

const Score = Type.Integer({
  minimum: 1,
  maximum: 4,
  description: "1 fails, 2 needs work, 3 meets, 4 exceeds",
});

/** CSAT answers, settings and report, and case reviews (`/api/v1`). */
export const satisfactionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ["satisfaction"];

  app.get(
    "/tickets/:number/satisfaction",
    {
      schema: {
        tags,
        summary: "The ticket's latest satisfaction survey (null when never surveyed)",
        params: TicketNumberParams,
        response: { 200: Type.Union([SatisfactionSchema, Type.Null()]), ...problemResponses },
      },
    },
    async (request) => readTicketSatisfaction({ ctx: request.ctx, number: request.params.number }),
  );

  app.post(
    "/tickets/:number/satisfaction",
    {
      schema: {
        tags,
        summary: "The requester rates their solved ticket Good or Bad (again, to change it, until it closes)",
        params: TicketNumberParams,
        body: Type.Object(
          {
            rating: RatingSchema,
            comment: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: SatisfactionSchema, ...problemResponses },
      },
    },
    async (request) => rateTicket({ ctx: request.ctx, number: request.params.number, input: request.body }),
  );

  app.get(
    "/satisfaction/settings",
    {
      schema: {
        tags,
        summary: "When and whom Tend asks (staff)",
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request) => readSurveySettings({ ctx: request.ctx }),
  );

  app.put(
    "/satisfaction/settings",
    {
      schema: {
        tags,
        summary: "Change the survey delay and exclusions (admins)",
        body: SettingsSchema,
        response: { 200: SettingsSchema, ...problemResponses },
      },
    },
    async (request) => updateSurveySettings({ ctx: request.ctx, input: request.body }),
  );

  app.get(
    "/reports/csat",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary:
          "CSAT score and response rate for tickets solved in [from, to) (default the last 30 days), optionally grouped (staff)",
        querystring: Type.Object(
          {
            // Absent: the last 30 days up to now.
            from: Type.Optional(Timestamp),
            to: Type.Optional(Timestamp),
            groupBy: Type.Optional(Type.Enum(Groupings)),
          },
          { additionalProperties: false },
        ),
        response: { 200: CsatReportSchema, ...problemResponses },
      },
    },
    async (request) => readCsatReport({ ctx: request.ctx, query: request.query }),
  );

  app.post(
    "/case-reviews/samples",
    {
      schema: {
        tags,
        summary: "Draw a random sample of each agent's solved tickets in a period for review (admins)",
        body: Type.Object(
          {
            agentId: Type.Optional(Type.String({ format: "uuid" })),
            from: Timestamp,
            to: Timestamp,
            perAgent: Type.Integer({ minimum: 1, maximum: 50 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Array(CaseReviewSchema), ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await drawCaseReviewSample({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/case-reviews",
    {
      schema: {
        tags,
        summary: "Case reviews: an agent's own (agentId=me), or anyone's for admins",
        querystring: Type.Object(
          {
            agentId: Type.Optional(
              Type.Union([Type.Literal("me"), Type.String({ format: "uuid" })], {
                description: "me or an id",
              }),
            ),
            state: Type.Optional(Type.Enum(["open", "done"])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(CaseReviewSchema), ...problemResponses },
      },
    },
    async (request) => listCaseReviews({ ctx: request.ctx, query: request.query }),
  );

  app.get(
    "/case-reviews/:id",
    {
      schema: {
        tags,
        summary: "One case review (its agent, or admins)",
        params: IdParams,
        response: { 200: CaseReviewSchema, ...problemResponses },
      },
    },
    async (request) => readCaseReview({ ctx: request.ctx, id: request.params.id }),
  );

  app.put(
    "/case-reviews/:id",
    {
      schema: {
        tags,
        summary: "Record the rubric and outcome of a review (admins; not of their own ticket)",
        params: IdParams,
        body: Type.Object(
          {
            version: Type.Integer({ minimum: 1 }),
            accuracy: Score,
            tone: Score,
            completeness: Score,
            followedProcess: Score,
            note: Type.Optional(Type.String({ maxLength: 5000 })),
            outcome: Type.Enum([...reviewOutcomes]),
          },
          { additionalProperties: false },
        ),
        response: { 200: CaseReviewSchema, ...problemResponses },
      },
    },
    async (request) => recordCaseReview({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );
};
