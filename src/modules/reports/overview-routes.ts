import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NullableString, problemResponses, Timestamp } from "../../http/schemas.js";
import { CsatFiguresProperties } from "../satisfaction/satisfaction-routes.js";
import { BacklogSchema } from "./flow-schemas.js";
import { readOverview } from "./read-overview.js";
import {
  AttainmentFiguresProperties,
  AttainmentRowSchema,
  Filters,
  ResolutionSchema,
  TimesRowSchema,
} from "./sla-report-routes.js";

const Count = Type.Integer({ minimum: 0 });

const OverviewSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  csat: Type.Object(CsatFiguresProperties),
  sla: Type.Object({
    from: Timestamp,
    to: Timestamp,
    goal: Type.Number(),
    filters: Filters,
    total: Type.Object(AttainmentFiguresProperties),
    byMetric: Type.Array(AttainmentRowSchema),
  }),
  firstResponse: Type.Array(TimesRowSchema),
  resolution: ResolutionSchema,
  health: Type.Object({ unacknowledged: Count, idle: Count, autoSolved: Count, reopened: Count }),
  backlog: BacklogSchema,
  reviewsOpen: Count,
  articlesToWrite: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), size: Count })),
  questionsGroupedAt: NullableString,
});

/** The overview a support manager opens on Monday (`/api/v1/reports/overview`). */
export const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/reports/overview",
    {
      config: { readsFromReplica: true },
      schema: {
        tags: ["reports"],
        summary:
          "CSAT, SLA attainment, response and resolution times, ticket health, backlog, open reviews and articles to write, for a period (default the last 7 days; staff)",
        querystring: Type.Object(
          { from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) },
          { additionalProperties: false },
        ),
        response: { 200: OverviewSchema, ...problemResponses },
      },
    },
    async (request) => readOverview({ ctx: request.ctx, query: request.query }),
  );
};
