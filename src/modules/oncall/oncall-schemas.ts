import { Type } from "typebox";
import { NullableString, Timestamp } from "../../http/schemas.js";
import { weekdays } from "../calendar/calendar-definition.js";

const Weekday = Type.Union(
  weekdays.map((day) => Type.Literal(day)),
  { description: "sun, mon, … sat" },
);
const LocalTime = Type.String({ maxLength: 5, description: "Local wall time, HH:MM" });
const PersonId = Type.String({ format: "uuid" });

const RestrictionWindowSchema = Type.Object(
  { days: Type.Array(Weekday, { maxItems: 7 }), from: LocalTime, to: LocalTime },
  { additionalProperties: false },
);

export const RotationLayerSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: "Keep it when editing: swaps name layers by id. A new layer gets one.",
      }),
    ),
    participants: Type.Array(PersonId, { maxItems: 100, description: "Active staff, in rotation order" }),
    rotation: Type.Optional(
      Type.Object(
        {
          every: Type.Integer({ minimum: 1, maximum: 8760 }),
          unit: Type.Union([Type.Literal("hours"), Type.Literal("days"), Type.Literal("weeks")]),
        },
        { additionalProperties: false, description: "How long a shift lasts; by default 2 weeks" },
      ),
    ),
    startDate: Type.String({ maxLength: 10, description: "The local date the layer starts, YYYY-MM-DD" }),
    handoffTime: LocalTime,
    handoffWeekday: Type.Optional(Weekday),
    restriction: Type.Optional(Type.Array(RestrictionWindowSchema, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const ScheduleName = Type.String({ minLength: 1, maxLength: 100 });
const SupportLeadId = Type.Union([Type.String({ format: "uuid" }), Type.Null()], {
  description: "The agent or admin mailed when a handoff debrief goes unacknowledged; null: nobody",
});
const TimeZone = Type.String({ minLength: 1, maxLength: 64, description: "An IANA zone, e.g. Europe/Paris" });
const ChatWebhookUrl = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
  description:
    "A Slack-compatible incoming webhook (https, or http to this machine) for handoff announcements",
});

export const ScheduleCreateBody = Type.Object(
  {
    name: ScheduleName,
    timeZone: TimeZone,
    layers: Type.Array(RotationLayerSchema, { minItems: 1, maxItems: 20, description: "Lowest first" }),
    chatWebhookUrl: Type.Optional(ChatWebhookUrl),
    supportLeadId: Type.Optional(SupportLeadId),
  },
  { additionalProperties: false },
);

export const ScheduleUpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: "The version you read: a stale one gets 409" }),
    name: Type.Optional(ScheduleName),
    timeZone: Type.Optional(TimeZone),
    layers: Type.Optional(Type.Array(RotationLayerSchema, { minItems: 1, maxItems: 20 })),
    chatWebhookUrl: Type.Optional(ChatWebhookUrl),
    supportLeadId: Type.Optional(SupportLeadId),
  },
  { additionalProperties: false },
);

const PersonRef = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() });
const NullablePerson = Type.Union([PersonRef, Type.Null()]);
const Source = Type.Union([
  Type.Object({ kind: Type.Literal("layer"), layerId: Type.String() }),
  Type.Object({ kind: Type.Literal("override"), overrideId: Type.String() }),
  Type.Null(),
]);

export const ScheduleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  layers: Type.Array(Type.Unknown(), { description: "The rotation layers, lowest first" }),
  chatWebhookConfigured: Type.Boolean({
    description: "Whether handoffs are announced (the URL is a secret)",
  }),
  supportLeadId: Type.Union([Type.String(), Type.Null()], {
    description: "Mailed when a handoff debrief goes unacknowledged",
  }),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const OnCallSchema = Type.Object({
  at: Timestamp,
  person: NullablePerson,
  source: Source,
  until: Type.Union([Timestamp, Type.Null()], {
    description: "When the current final shift ends (null: not within 26 weeks)",
  }),
});

export const ShiftSchema = Type.Object({
  start: Timestamp,
  end: Timestamp,
  person: NullablePerson,
  source: Source,
});

export const LayerShiftSchema = Type.Object({
  index: Type.Integer(),
  start: Timestamp,
  end: Timestamp,
  person: NullablePerson,
});

export const OverrideSchema = Type.Object({
  id: Type.String(),
  scheduleId: Type.String(),
  person: NullablePerson,
  coversPerson: NullablePerson,
  start: Timestamp,
  end: Timestamp,
  swapId: NullableString,
  createdById: NullableString,
  createdAt: Timestamp,
});

export const FeedSchema = Type.Object({
  id: Type.String(),
  scheduleId: NullableString,
  personId: NullableString,
  createdBy: NullableString,
  createdAt: Timestamp,
  url: Type.Optional(Type.String({ description: "Shown once, when the feed is made: the secret address" })),
});

export const ScheduleIdParams = Type.Object(
  { id: Type.String({ format: "uuid" }) },
  { additionalProperties: false },
);
export const OverrideIdParams = Type.Object(
  { id: Type.String({ format: "uuid" }), overrideId: Type.String({ format: "uuid" }) },
  { additionalProperties: false },
);
export const FeedSecretParams = Type.Object(
  { secret: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const OnCallQuery = Type.Object({ at: Type.Optional(Timestamp) }, { additionalProperties: false });
export const ShiftRangeQuery = Type.Object(
  { from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) },
  { additionalProperties: false },
);
export const LayerShiftQuery = Type.Object(
  {
    layerId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "By default the top layer" }),
    ),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const OverrideCreateBody = Type.Object(
  {
    personId: PersonId,
    start: Timestamp,
    end: Timestamp,
    coversPersonId: Type.Optional(Type.Union([PersonId, Type.Null()])),
  },
  { additionalProperties: false },
);

const ShiftRef = Type.Object(
  {
    layerId: Type.String({ minLength: 1, maxLength: 64 }),
    shiftIndex: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export const SwapCreateBody = Type.Object(
  { first: ShiftRef, second: ShiftRef },
  { additionalProperties: false },
);

export const FeedCreateBody = Type.Object(
  {
    scheduleId: Type.Optional(Type.String({ format: "uuid" })),
    personId: Type.Optional(PersonId),
  },
  { additionalProperties: false, description: "Exactly one: a schedule's feed or a person's" },
);
