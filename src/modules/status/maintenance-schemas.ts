import { Type } from "typebox";
import { NullableString, PageQuery, pageOf, Timestamp } from "../../http/schemas.js";

const IsoWeekday = Type.Integer({ minimum: 1, maximum: 7, description: "ISO weekday: 1 Monday … 7 Sunday" });

export const MaintenancePolicyBody = Type.Object(
  {
    allowedWeekdays: Type.Array(IsoWeekday, { minItems: 1, maxItems: 7, uniqueItems: true }),
    minimumNoticeMinutes: Type.Integer({ minimum: 0, maximum: 90 * 24 * 60 }),
    maximumDurationMinutes: Type.Integer({ minimum: 1, maximum: 14 * 24 * 60 }),
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The IANA zone the weekdays are read in",
    }),
  },
  { additionalProperties: false },
);

export const MaintenancePolicySchema = Type.Object({
  allowedWeekdays: Type.Array(Type.Integer()),
  minimumNoticeMinutes: Type.Number(),
  maximumDurationMinutes: Type.Number(),
  timeZone: Type.String(),
  updatedAt: NullableString,
});

const Override = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: "Why the window may break the policy (admins; at least 10 characters once trimmed)",
    }),
  },
  { additionalProperties: false },
);

const Instant = Type.String({ format: "date-time", maxLength: 40, description: "On a whole minute" });
const ComponentIds = Type.Array(Type.String({ format: "uuid" }), {
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
});

export const MaintenanceCreateBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    startsAt: Instant,
    endsAt: Instant,
    componentIds: ComponentIds,
    override: Type.Optional(Override),
  },
  { additionalProperties: false },
);

export const MaintenanceUpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2_000_000_000, description: "The version read" }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    startsAt: Type.Optional(Instant),
    endsAt: Type.Optional(Instant),
    componentIds: Type.Optional(ComponentIds),
    override: Type.Optional(Override),
  },
  { additionalProperties: false },
);

export const MaintenanceListQuery = Type.Object(
  {
    when: Type.Optional(
      Type.Enum(["upcoming", "in_progress", "past"], {
        default: "upcoming",
        description: "past: ended or cancelled, latest first",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const MaintenanceSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  startsAt: Timestamp,
  endsAt: Timestamp,
  state: Type.Enum(["scheduled", "in_progress", "completed", "cancelled"]),
  componentIds: Type.Array(Type.String()),
  cancelledAt: Type.Union([Timestamp, Type.Null()]),
  override: Type.Union([
    Type.Object({
      reason: Type.String(),
      rules: Type.Array(Type.Enum(["weekday", "notice", "duration"])),
    }),
    Type.Null(),
  ]),
  createdBy: NullableString,
  startAnnouncedAt: Type.Union([Timestamp, Type.Null()]),
  endAnnouncedAt: Type.Union([Timestamp, Type.Null()]),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MaintenancePageSchema = pageOf(MaintenanceSchema);
