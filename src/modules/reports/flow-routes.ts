import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { flowFigures } from "./flow-repository.js";
import {
  FlowReportSchema,
  FlowTicketsQuery,
  FlowTicketsSchema,
  ReportFilterProperties,
  ReportFormat,
} from "./flow-schemas.js";
import { type FlowDay, readFlowReport, readFlowTickets } from "./read-flow-report.js";
import { type CsvColumn, sendCsv, toCsv } from "./report-csv.js";

const flowCsvColumns: CsvColumn<{ day: FlowDay; channel: string }>[] = [
  { header: "date", value: ({ day }) => day.date },
  { header: "channel", value: ({ channel }) => channel },
  ...flowFigures.map((figure) => ({
    header: figure,
    value: ({ day, channel }: { day: FlowDay; channel: string }) =>
      day.figures[figure].byChannel[channel] ?? 0,
  })),
];

/** The Flow report and the tickets behind its figures (`/api/v1/reports/flow…`). */
export const flowRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ["reports"];

  app.get(
    "/reports/flow",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary:
          "Created, solved, reopened, auto-solved, unacknowledged and idle tickets per day and channel, and the backlog by status and age (staff)",
        querystring: Type.Object(
          { ...ReportFilterProperties, format: ReportFormat },
          { additionalProperties: false },
        ),
        response: { 200: FlowReportSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await readFlowReport({ ctx: request.ctx, query });
      if (format !== "csv") return report;
      const rows = report.days.flatMap((day) => report.channels.map((channel) => ({ day, channel })));
      return sendCsv(reply, "flow", report, toCsv(flowCsvColumns, rows));
    },
  );

  app.get(
    "/reports/flow/tickets",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary: "The tickets behind a Flow or People figure, with the report's filters (staff)",
        querystring: FlowTicketsQuery,
        response: { 200: FlowTicketsSchema, ...problemResponses },
      },
    },
    async (request) =>
      readFlowTickets({
        ctx: request.ctx,
        query: { ...request.query, figure: request.query.figure ?? "created" },
      }),
  );
};
