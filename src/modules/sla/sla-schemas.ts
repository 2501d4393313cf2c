import { type Static, Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { PlanSchema, StageSchema } from "../identity/identity-schemas.js";
import { CategorySchema, ChannelSchema, SeveritySchema } from "../tickets/ticket-schemas.js";
import { slaMetrics } from "./sla-types.js";

/**
 * The SLA configuration API's shapes. Inline (no $id), so the routes need no shared registration.
 * Bodies are strict (unknown fields are errors); the use cases check meaning: calendar hours, that
 * referenced calendars, policies and organizations exist.
 */

const Uuid = Type.String({ format: "uuid" });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 4000 });
const Time = Type.String({ maxLength: 5, description: '"HH:MM"; "24:00" closes at midnight' });
const Window = Type.Tuple([Time, Time], {
  description: 'Open from the first time up to the second: ["09:00", "17:00"]',
});
const Windows = Type.Array(Window, { maxItems: 48 });

export const MAX_TARGET_MS = 365 * 24 * 60 * 60 * 1000;

export const CalendarDefinitionSchema = Type.Object(
  {
    timeZone: Type.String({ maxLength: 64, description: 'IANA zone, e.g. "America/Los_Angeles"' }),
    weekly: Type.Object(
      {
        mon: Type.Optional(Windows),
        tue: Type.Optional(Windows),
        wed: Type.Optional(Windows),
        thu: Type.Optional(Windows),
        fri: Type.Optional(Windows),
        sat: Type.Optional(Windows),
        sun: Type.Optional(Windows),
      },
      {
        additionalProperties: false,
        description: "Opening windows per weekday; a weekday left out is closed",
      },
    ),
    holidays: Type.Optional(
      Type.Array(Type.String({ maxLength: 32 }), {
        maxItems: 1000,
        description: 'Local dates closed all day ("2026-12-24") or public-holiday presets ("preset:US")',
      }),
    ),
    overrides: Type.Optional(
      Type.Record(Type.String({ maxLength: 10 }), Windows, {
        description: "Local date → windows replacing that date's hours ([] closes it)",
      }),
    ),
    closures: Type.Optional(
      Type.Array(Type.Tuple([Type.String({ maxLength: 40 }), Type.String({ maxLength: 40 })]), {
        maxItems: 1000,
        description: "Absolute [from, until) instants with an offset, closed whatever the hours say",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CalendarDefinitionInput = Static<typeof CalendarDefinitionSchema>;

export const CalendarSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  definition: CalendarDefinitionSchema,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CalendarCreateBody = Type.Object(
  { name: Name, definition: CalendarDefinitionSchema },
  { additionalProperties: false },
);
export const CalendarUpdateBody = Type.Partial(CalendarCreateBody, { additionalProperties: false });

const conditionLists = {
  plans: Type.Optional(Type.Array(PlanSchema, { maxItems: 20 })),
  stages: Type.Optional(Type.Array(StageSchema, { maxItems: 20 })),
  severities: Type.Optional(Type.Array(SeveritySchema, { maxItems: 20 })),
  categories: Type.Optional(Type.Array(CategorySchema, { maxItems: 20 })),
  channels: Type.Optional(Type.Array(ChannelSchema, { maxItems: 20 })),
  organizationIds: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
  tags: Type.Optional(
    Type.Array(Type.String({ maxLength: 64 }), {
      maxItems: 100,
      description: "The ticket carries at least one of these tags",
    }),
  ),
};

export const ConditionsBody = Type.Object(conditionLists, {
  additionalProperties: false,
  description: "Every listed condition must hold; a condition left out (or empty) matches any ticket",
});

/** Responses list conditions as stored, as plain strings: a vocabulary may grow after a policy was saved. */
const ConditionsSchema = Type.Object({
  plans: Type.Optional(Type.Array(Type.String())),
  stages: Type.Optional(Type.Array(Type.String())),
  severities: Type.Optional(Type.Array(Type.String())),
  categories: Type.Optional(Type.Array(Type.String())),
  channels: Type.Optional(Type.Array(Type.String())),
  organizationIds: Type.Optional(Type.Array(Type.String())),
  tags: Type.Optional(Type.Array(Type.String())),
});

const MetricSchema = Type.Enum([...slaMetrics]);

export const TargetBody = Type.Object(
  {
    metric: MetricSchema,
    durationMs: Type.Integer({
      minimum: 1,
      maximum: MAX_TARGET_MS,
      description: "Open time the promise allows",
    }),
    calendarId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: "A business calendar; null (the default) for calendar time",
      }),
    ),
    pauseWhilePending: Type.Optional(
      Type.Boolean({ description: "Stop the clock while the ticket waits on the customer; default true" }),
    ),
    warnAtShare: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: "Warn after this share of the target; default 0.75",
      }),
    ),
    conditions: Type.Optional(ConditionsBody),
  },
  { additionalProperties: false },
);

const TargetSchema = Type.Object({
  metric: MetricSchema,
  durationMs: Type.Integer(),
  calendarId: Type.Union([Type.String(), Type.Null()]),
  pauseWhilePending: Type.Boolean(),
  warnAtShare: Type.Number(),
  conditions: Type.Optional(ConditionsSchema),
});

const Targets = Type.Array(TargetBody, { maxItems: 50 });

export const PolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  position: Type.Integer({ description: "1 = first; the order policies are listed and their clocks shown" }),
  description: Type.String(),
  active: Type.Boolean(),
  conditions: ConditionsSchema,
  targets: Type.Array(TargetSchema, {
    description: "A target's key is its metric and its index in this list: first_response:0",
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PolicyCreateBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    position: Type.Optional(Type.Integer({ minimum: 1, description: "Where to insert it; default last" })),
    active: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(ConditionsBody),
    targets: Targets,
  },
  { additionalProperties: false },
);
export const PolicyUpdateBody = Type.Partial(PolicyCreateBody, { additionalProperties: false });

export const PolicyOrderBody = Type.Object(
  {
    policyIds: Type.Array(Uuid, {
      maxItems: 1000,
      description: "Every policy's id, once, in the new order",
    }),
  },
  { additionalProperties: false },
);

export const CustomerExceptionSchema = Type.Object({
  id: Type.String(),
  organizationId: Type.String(),
  policyId: Type.Union([Type.String(), Type.Null()]),
  policyName: Type.Union([Type.String(), Type.Null()]),
  targets: Type.Array(TargetSchema),
  reason: Type.String(),
  expiresAt: Timestamp,
  expired: Type.Boolean(),
  createdAt: Timestamp,
});

export const CustomerExceptionCreateBody = Type.Object(
  {
    policyId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description:
          "The policy whose targets of the same metrics these replace; null (the default) adds them as an extra set",
      }),
    ),
    targets: Targets,
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    expiresAt: Type.String({
      format: "date-time",
      description: "From this instant on the exception is ignored",
    }),
  },
  { additionalProperties: false },
);

export const ExceptionParams = Type.Object({ id: Uuid, exceptionId: Uuid }, { additionalProperties: false });

export const PreviewBody = Type.Object(
  {
    ticket: Type.Object(
      {
        severity: SeveritySchema,
        category: CategorySchema,
        channel: ChannelSchema,
        organizationId: Type.Optional(Type.Union([Uuid, Type.Null()])),
        plan: Type.Optional(
          Type.Union([PlanSchema, Type.Null()], { description: "Default: the organization's" }),
        ),
        stage: Type.Optional(
          Type.Union([StageSchema, Type.Null()], { description: "Default: the organization's" }),
        ),
        tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
      },
      { additionalProperties: false },
    ),
    start: Type.Optional(
      Type.String({ format: "date-time", description: "When the ticket opens; default now" }),
    ),
  },
  { additionalProperties: false },
);

export const PreviewSchema = Type.Object({
  start: Timestamp,
  targets: Type.Array(
    Type.Object({
      policyId: Type.String(),
      policyName: Type.String(),
      targetKey: Type.String(),
      metric: MetricSchema,
      durationMs: Type.Integer(),
      calendarName: Type.String(),
      pauseWhilePending: Type.Boolean(),
      warnAtShare: Type.Number(),
      warnAt: Timestamp,
      dueAt: Timestamp,
    }),
  ),
});

/**
 * The file `tend sla export` writes and `tend sla import` reads. Calendars are referenced by name, not
 * id, so a configuration moves between desks.
 */
export const SlaConfigurationFileSchema = Type.Object(
  {
    format: Type.Literal("tend-sla-configuration"),
    version: Type.Literal(1),
    exportedAt: Type.Optional(Type.String()),
    calendars: Type.Array(
      Type.Object({ name: Name, definition: CalendarDefinitionSchema }, { additionalProperties: false }),
    ),
    policies: Type.Array(
      Type.Object(
        {
          name: Name,
          description: Type.Optional(Description),
          active: Type.Optional(Type.Boolean()),
          conditions: Type.Optional(ConditionsBody),
          targets: Type.Array(
            Type.Object(
              {
                metric: MetricSchema,
                durationMs: Type.Integer({ minimum: 1, maximum: MAX_TARGET_MS }),
                calendar: Type.Union([Name, Type.Null()], {
                  description: "A calendar's name; null for calendar time",
                }),
                pauseWhilePending: Type.Optional(Type.Boolean()),
                warnAtShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
                conditions: Type.Optional(ConditionsBody),
              },
              { additionalProperties: false },
            ),
            { maxItems: 50 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SlaConfigurationFile = Static<typeof SlaConfigurationFileSchema>;
