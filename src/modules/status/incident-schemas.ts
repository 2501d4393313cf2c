import { Type } from "typebox";
import { NullableString, PageQuery, Timestamp } from "../../http/schemas.js";
import { incidentImpacts, incidentKinds, incidentStates } from "./incident-lifecycle.js";
import { maxChecklistSteps, maxDeadlineHours } from "./security-checklist.js";

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Body = Type.String({ minLength: 1, maxLength: 20_000 });
const LongText = Type.String({ maxLength: 50_000 });
const State = Type.Enum(incidentStates);
const Kind = Type.Enum(incidentKinds);
const Impact = Type.Enum(incidentImpacts);
const Version = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: "The version read" });
const ComponentIds = Type.Array(Type.String({ format: "uuid" }), { maxItems: 100 });
const PersonRef = Type.Object({ id: Type.String(), name: Type.String() });
const NullablePerson = Type.Union([PersonRef, Type.Null()]);
const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "YYYY-MM-DD" });
const TicketNumber = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Url = Type.String({ minLength: 1, maxLength: 2000 });

export const IncidentListQuery = Type.Object(
  { state: Type.Optional(State), kind: Type.Optional(Kind), ...PageQuery },
  { additionalProperties: false },
);

export const IncidentCreateBody = Type.Object(
  {
    title: Title,
    kind: Type.Optional(Kind),
    impact: Impact,
    componentIds: Type.Optional(ComponentIds),
    body: Body,
    startedAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const IncidentChangeBody = Type.Object(
  {
    version: Version,
    title: Type.Optional(Title),
    impact: Type.Optional(Impact),
    componentIds: Type.Optional(ComponentIds),
  },
  { additionalProperties: false },
);

export const IncidentUpdateBody = Type.Object(
  { version: Version, body: Body, state: Type.Optional(State), impact: Type.Optional(Impact) },
  { additionalProperties: false },
);

export const IncidentNoteBody = Type.Object({ body: Body }, { additionalProperties: false });

export const IncidentPublishBody = Type.Object(
  { version: Version, body: Body },
  { additionalProperties: false },
);

export const ChecklistStepBody = Type.Object(
  {
    position: Type.Integer({
      minimum: 0,
      maximum: maxChecklistSteps,
      description: "The step's place, from 0",
    }),
    done: Type.Boolean(),
  },
  { additionalProperties: false },
);

const LogEntry = Type.Object({
  id: Type.String(),
  visibility: Type.Enum(["public", "internal"]),
  kind: Type.Enum(["update", "opened", "recovery_suggestion"]),
  state: State,
  body: Type.String(),
  author: NullablePerson,
  at: Timestamp,
});

const ChecklistStep = Type.Object({
  position: Type.Integer(),
  title: Type.String(),
  deadlineHours: Type.Union([Type.Integer(), Type.Null()]),
  dueAt: Type.Union([Timestamp, Type.Null()]),
  done: Type.Boolean(),
  doneAt: Type.Union([Timestamp, Type.Null()]),
  doneBy: NullablePerson,
  overdue: Type.Boolean(),
  doneLate: Type.Boolean(),
});

const incidentFields = {
  id: Type.String(),
  title: Type.String(),
  kind: Kind,
  state: State,
  impact: Impact,
  published: Type.Boolean(),
  firedRule: NullableString,
  firedFigures: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  openedBy: NullablePerson,
  componentIds: Type.Array(Type.String()),
  startedAt: Timestamp,
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const IncidentSchema = Type.Object(incidentFields);

export const IncidentDetailSchema = Type.Object({
  ...incidentFields,
  log: Type.Array(LogEntry),
  checklist: Type.Union([Type.Array(ChecklistStep), Type.Null()]),
});

export const IncidentPageSchema = Type.Object({
  items: Type.Array(IncidentSchema),
  nextCursor: NullableString,
});

const ChecklistConfigStep = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    deadlineHours: Type.Union([Type.Integer({ minimum: 1, maximum: maxDeadlineHours }), Type.Null()], {
      description: "Hours from the incident's start; null: no deadline",
    }),
  },
  { additionalProperties: false },
);

export const SecurityChecklistBody = Type.Object(
  { steps: Type.Array(ChecklistConfigStep, { minItems: 1, maxItems: maxChecklistSteps }) },
  { additionalProperties: false },
);

export const SecurityChecklistSchema = Type.Object({
  steps: Type.Array(
    Type.Object({ title: Type.String(), deadlineHours: Type.Union([Type.Integer(), Type.Null()]) }),
  ),
  configured: Type.Boolean(),
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});

const TimelineEntry = Type.Object(
  { at: Timestamp, body: Type.String({ maxLength: 20_000 }), visibility: Type.Enum(["public", "internal"]) },
  { additionalProperties: false },
);

export const RetrospectiveBody = Type.Object(
  {
    version: Version,
    summary: LongText,
    timeline: Type.Array(TimelineEntry, { maxItems: 1000 }),
    contributingFactors: LongText,
    lessonsLearned: LongText,
  },
  { additionalProperties: false },
);

export const FollowUpSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  owner: PersonRef,
  dueOn: NullableString,
  done: Type.Boolean(),
  doneAt: Type.Union([Timestamp, Type.Null()]),
  doneBy: NullablePerson,
  overdue: Type.Boolean(),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  url: NullableString,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const RetrospectiveSchema = Type.Object({
  incidentId: Type.String(),
  saved: Type.Boolean(),
  summary: Type.String(),
  timeline: Type.Array(
    Type.Object({ at: Timestamp, body: Type.String(), visibility: Type.Enum(["public", "internal"]) }),
  ),
  contributingFactors: Type.String(),
  lessonsLearned: Type.String(),
  followUps: Type.Array(FollowUpSchema),
  version: Type.Integer(),
  updatedBy: NullablePerson,
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});

export const FollowUpCreateBody = Type.Object(
  {
    title: Title,
    ownerId: Type.String({ format: "uuid" }),
    dueOn: Type.Optional(Type.Union([Day, Type.Null()])),
    ticketNumber: Type.Optional(Type.Union([TicketNumber, Type.Null()])),
    url: Type.Optional(Type.Union([Url, Type.Null()])),
  },
  { additionalProperties: false },
);

export const FollowUpChangeBody = Type.Object(
  {
    title: Type.Optional(Title),
    ownerId: Type.Optional(Type.String({ format: "uuid" })),
    dueOn: Type.Optional(Type.Union([Day, Type.Null()])),
    ticketNumber: Type.Optional(Type.Union([TicketNumber, Type.Null()])),
    url: Type.Optional(Type.Union([Url, Type.Null()])),
    done: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const FollowUpParams = Type.Object(
  { id: Type.String({ format: "uuid" }), followUpId: Type.String({ format: "uuid" }) },
  { additionalProperties: false },
);
