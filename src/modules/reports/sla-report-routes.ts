import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { NullableString, pageOf, problemResponses, Timestamp } from "../../http/schemas.js";
import { plans } from "../identity/organization.js";
import { slaMetrics } from "../sla/sla-types.js";
import { severities } from "../tickets/ticket.js";
import { type CsvColumn, sendCsv, toCsv } from "./report-csv.js";
import { reportPeriod } from "./report-period.js";
import { listReportClocks, readSlaAttainment } from "./sla-attainment.js";
import type { ReportClockView } from "./sla-report-labels.js";
import { groupingColumns, type SlaGrouping } from "./sla-report-repository.js";
import { readSlaTimes, type TimesRow } from "./sla-times.js";

const tags = ["reports"];
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const noneOr = (schema: ReturnType<typeof Type.String>) =>
  Type.Union([schema, Type.Literal("none")], { description: "an id, or none for tickets without one" });

const filterProperties = {
  // Absent: the last 30 days up to now.
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  policyId: Type.Optional(Type.String({ format: "uuid" })),
  metric: Type.Optional(Type.Enum([...slaMetrics])),
  severity: Type.Optional(Type.Enum([...severities])),
  plan: Type.Optional(Type.Union([Type.Enum([...plans]), Type.Literal("none")])),
  groupId: Type.Optional(noneOr(Type.String({ format: "uuid" }))),
  agentId: Type.Optional(noneOr(Type.String({ format: "uuid" }))),
  format: Type.Optional(Type.Enum(["json", "csv"], { description: "csv: the report as a CSV download" })),
};

export const AttainmentFiguresProperties = {
  met: Type.Integer(),
  breached: Type.Integer(),
  applicable: Type.Integer(),
  attainment: Type.Union([Type.Number(), Type.Null()], { description: "met / applicable" }),
};
export const Filters = Type.Record(Type.String(), Type.String());
export const AttainmentRowSchema = Type.Object({
  ...AttainmentFiguresProperties,
  key: NullableString,
  metric: NullableString,
  label: Type.String(),
  filters: Filters,
});
const ReportClockSchema = Type.Object({
  ticketNumber: Type.Integer(),
  subject: Type.String(),
  policyName: Type.String(),
  metric: Type.String(),
  outcome: Type.String(),
  severity: Type.String(),
  startedAt: Timestamp,
  dueAt: NullableString,
  settledAt: NullableString,
  usedMs: Type.Number(),
  targetMs: Type.Number(),
  timeLeftMs: NullableNumber,
});
const DurationSchema = Type.Object({
  medianMs: NullableNumber,
  p90Ms: NullableNumber,
  meanMs: NullableNumber,
});

const AttainmentSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  groupBy: Type.String(),
  goal: Type.Number(),
  filters: Filters,
  total: Type.Object(AttainmentFiguresProperties),
  weekly: Type.Array(AttainmentRowSchema),
  rows: Type.Array(AttainmentRowSchema),
  breaches: Type.Array(ReportClockSchema),
  open: Type.Array(ReportClockSchema),
});
export const TimesRowSchema = Type.Object({
  policyId: Type.String(),
  policyName: Type.String(),
  metric: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  business: DurationSchema,
  calendar: DurationSchema,
  filters: Filters,
});
export const ResolutionSchema = Type.Object({
  goalDays: Type.Integer(),
  goalMs: Type.Number(),
  count: Type.Integer(),
  meanMs: NullableNumber,
  withinGoal: Type.Union([Type.Boolean(), Type.Null()]),
});
const TimesSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  filters: Filters,
  rows: Type.Array(TimesRowSchema),
  resolution: ResolutionSchema,
});

/** `?format=csv`, or a client that asks for CSV and not JSON. */
function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === "csv";
  const accept = request.headers.accept ?? "";
  return accept.includes("text/csv") && !accept.includes("application/json");
}

const attainmentColumns: CsvColumn<{
  label: string;
  met: number;
  breached: number;
  applicable: number;
  attainment: number | null;
}>[] = [
  { header: "Group", value: (row) => row.label },
  { header: "Met", value: (row) => row.met },
  { header: "Breached", value: (row) => row.breached },
  { header: "Applicable", value: (row) => row.applicable },
  { header: "Attainment", value: (row) => row.attainment },
];

const timesColumns: CsvColumn<TimesRow>[] = [
  { header: "Policy", value: (row) => row.policyName },
  { header: "Metric", value: (row) => row.metric },
  { header: "Count", value: (row) => row.count },
  { header: "Business median ms", value: (row) => row.business.medianMs },
  { header: "Business p90 ms", value: (row) => row.business.p90Ms },
  { header: "Business mean ms", value: (row) => row.business.meanMs },
  { header: "Calendar median ms", value: (row) => row.calendar.medianMs },
  { header: "Calendar p90 ms", value: (row) => row.calendar.p90Ms },
  { header: "Calendar mean ms", value: (row) => row.calendar.meanMs },
];

const clockColumns: CsvColumn<ReportClockView>[] = [
  { header: "Ticket", value: (row) => row.ticketNumber },
  { header: "Subject", value: (row) => row.subject },
  { header: "Policy", value: (row) => row.policyName },
  { header: "Metric", value: (row) => row.metric },
  { header: "Outcome", value: (row) => row.outcome },
  { header: "Severity", value: (row) => row.severity },
  { header: "Started", value: (row) => row.startedAt },
  { header: "Due", value: (row) => row.dueAt },
  { header: "Settled", value: (row) => row.settledAt },
  { header: "Used ms", value: (row) => row.usedMs },
  { header: "Target ms", value: (row) => row.targetMs },
  { header: "Time left ms", value: (row) => row.timeLeftMs },
];

export const slaReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/reports/sla-attainment",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary:
          "SLA targets met over targets settled in [from, to) (default the last 30 days), per week and grouped; breaches and open clocks (staff; format=csv exports the rows)",
        querystring: Type.Object(
          {
            ...filterProperties,
            groupBy: Type.Optional(Type.Enum(Object.keys(groupingColumns) as SlaGrouping[])),
          },
          { additionalProperties: false },
        ),
        response: { 200: AttainmentSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await readSlaAttainment(request.ctx, query);
      if (!wantsCsv(request, format)) return report;
      const rows = [...report.rows, { label: "Total", ...report.total }];
      return sendCsv(reply, "sla-attainment", report, toCsv(attainmentColumns, rows));
    },
  );

  app.get(
    "/reports/sla-attainment/tickets",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary:
          "The SLA clocks behind a report figure, with their tickets: met, breached or stopped in [from, to), or open now (staff)",
        querystring: Type.Object(
          {
            ...filterProperties,
            // Defaulted, not required: a caller who may not read reports hears 401/403 first.
            outcome: Type.Optional(
              Type.Enum(["met", "breached", "open", "stopped"], { default: "breached" }),
            ),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(ReportClockSchema), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, outcome = "breached", ...filters } = request.query;
      const query = { ...filters, outcome };
      const page = await listReportClocks(request.ctx, query);
      if (!wantsCsv(request, format)) return page;
      const period = reportPeriod(request.ctx, query);
      return sendCsv(reply, `sla-${query.outcome}`, period, toCsv(clockColumns, page.items));
    },
  );

  app.get(
    "/reports/times",
    {
      config: { readsFromReplica: true },
      schema: {
        tags,
        summary:
          "First response, next response and resolution times (median, p90, mean; business and calendar time) of clocks stopped in [from, to), with the mean resolution against its goal (staff)",
        querystring: Type.Object(
          {
            ...filterProperties,
            resolutionGoalDays: Type.Optional(
              Type.Integer({ minimum: 1, maximum: 365, description: "Default 7: resolve within a week" }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: TimesSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const report = await readSlaTimes(request.ctx, query);
      if (!wantsCsv(request, format)) return report;
      return sendCsv(reply, "times", report, toCsv(timesColumns, report.rows));
    },
  );
};
