import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { ChannelSchema } from "../tickets/ticket-schemas.js";
import { flowFigures } from "./flow-repository.js";
import { ageBucketKeys, backlogStatuses } from "./flow-rules.js";

/** The filters every Flow and People address takes, so a view can be shared as its URL. */
export const ReportFilterProperties = {
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  groupId: Type.Optional(Type.String({ format: "uuid" })),
  channel: Type.Optional(ChannelSchema),
  agentId: Type.Optional(Type.String({ format: "uuid" })),
};

export const ReportFormat = Type.Optional(
  Type.Enum(["json", "csv"], { description: "csv: the report's table as a CSV download" }),
);

const Count = Type.Integer({ minimum: 0 });
const FiltersSchema = Type.Object({
  groupId: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String()),
  agentId: Type.Optional(Type.String()),
});
const ChannelCounts = Type.Object({ total: Count, byChannel: Type.Record(Type.String(), Count) });

export const BacklogSchema = Type.Object({
  total: Count,
  byStatus: Type.Array(Type.Object({ status: Type.String(), count: Count })),
  byAge: Type.Array(
    Type.Object({
      age: Type.Enum([...ageBucketKeys]),
      label: Type.String(),
      count: Count,
      byStatus: Type.Record(Type.String(), Count),
    }),
  ),
});

export const FlowReportSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  timeZone: Type.String({ description: "The support calendar's zone: what a day is" }),
  filters: FiltersSchema,
  channels: Type.Array(Type.String()),
  totals: Type.Object(Object.fromEntries(flowFigures.map((figure) => [figure, Count]))),
  days: Type.Array(
    Type.Object({
      date: Type.String({ format: "date" }),
      from: Timestamp,
      to: Timestamp,
      figures: Type.Object(Object.fromEntries(flowFigures.map((figure) => [figure, ChannelCounts]))),
    }),
  ),
  backlog: BacklogSchema,
});

export const FlowTicketsQuery = Type.Object(
  {
    // Optional with a default rather than required: a caller who may not read reports is told so
    // (401/403) before anything about the query's shape.
    figure: Type.Optional(
      Type.Enum([...flowFigures, "backlog"], {
        default: "created",
        description: "The figure to list: a per-period count, or the backlog (status and age narrow it)",
      }),
    ),
    ...ReportFilterProperties,
    // Every `status` query value is a list (repeated or comma-separated), as on the ticket list.
    status: Type.Optional(Type.Array(Type.Enum([...backlogStatuses]), { maxItems: backlogStatuses.length })),
    age: Type.Optional(Type.Enum([...ageBucketKeys])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  },
  { additionalProperties: false },
);

export const FlowTicketsSchema = Type.Object({
  tickets: Type.Array(
    Type.Object({
      number: Type.Integer(),
      subject: Type.String(),
      status: Type.String(),
      channel: Type.String(),
      createdAt: Timestamp,
      at: Type.String({
        format: "date-time",
        description: "When the ticket counted: arrival, change or flag",
      }),
    }),
  ),
  truncated: Type.Boolean(),
});
