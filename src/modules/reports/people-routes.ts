import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { ReportFilterProperties, ReportFormat } from "./flow-schemas.js";
import { PeopleReportSchema } from "./people-schemas.js";
import { type AgentFigures, readPeopleReport } from "./read-people-report.js";
import { type CsvColumn, sendCsv, toCsv } from "./report-csv.js";

type PeopleCsvRow = Omit<AgentFigures, "onCallHours" | "pagesReceived"> & {
  kind: "agent" | "group";
  onCallHours?: number;
  pagesReceived?: number;
};

const peopleCsvColumns: CsvColumn<PeopleCsvRow>[] = [
  { header: "kind", value: (row) => row.kind },
  { header: "name", value: (row) => row.name },
  { header: "solved", value: (row) => row.solved },
  { header: "replies", value: (row) => row.replies },
  { header: "csat_good", value: (row) => row.csat.good },
  { header: "csat_bad", value: (row) => row.csat.bad },
  { header: "csat_score", value: (row) => row.csat.score },
  { header: "sla_met", value: (row) => row.slaAttainment.met },
  { header: "sla_applicable", value: (row) => row.slaAttainment.applicable },
  { header: "sla_attainment", value: (row) => row.slaAttainment.attainment },
  { header: "on_call_hours", value: (row) => row.onCallHours ?? null },
  { header: "pages_received", value: (row) => row.pagesReceived ?? null },
];

/** The People report (`/api/v1/reports/people`). */
export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/reports/people",
    {
      config: { readsFromReplica: true },
      schema: {
        tags: ["reports"],
        summary:
          "Per agent and group: tickets solved, public replies, CSAT, SLA attainment and on-call load (staff)",
        querystring: Type.Object(
          { ...ReportFilterProperties, format: ReportFormat },
          { additionalProperties: false },
        ),
        response: { 200: PeopleReportSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await readPeopleReport({ ctx: request.ctx, query });
      if (format !== "csv") return report;
      const rows: PeopleCsvRow[] = [
        ...report.agents.map((agent) => ({ ...agent, kind: "agent" as const })),
        ...report.groups.map((group) => ({ ...group, kind: "group" as const })),
      ];
      return sendCsv(reply, "people", report, toCsv(peopleCsvColumns, rows));
    },
  );
};
