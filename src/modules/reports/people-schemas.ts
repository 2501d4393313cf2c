import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";

const Count = Type.Integer({ minimum: 0 });
const Ratio = Type.Union([Type.Number(), Type.Null()]);

const CsatSchema = Type.Object({
  sent: Count,
  answered: Count,
  good: Count,
  bad: Count,
  score: Type.Union([Ratio], { description: "good / (good + bad); null with no answer" }),
  responseRate: Ratio,
});

const SlaSchema = Type.Object({
  met: Count,
  breached: Count,
  applicable: Count,
  attainment: Type.Union([Ratio], { description: "met / applicable; null when no target settled" }),
});

const teamProperties = {
  id: Type.String(),
  name: Type.String(),
  solved: Count,
  replies: Count,
  csat: CsatSchema,
  slaAttainment: SlaSchema,
};

export const PeopleReportSchema = Type.Object({
  from: Timestamp,
  to: Timestamp,
  filters: Type.Object({
    groupId: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
    agentId: Type.Optional(Type.String()),
  }),
  agents: Type.Array(
    Type.Object({ ...teamProperties, onCallHours: Type.Number({ minimum: 0 }), pagesReceived: Count }),
  ),
  groups: Type.Array(Type.Object(teamProperties)),
});
