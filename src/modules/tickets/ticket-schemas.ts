import { Type } from "typebox";
import { NullableString, Timestamp } from "../../http/schemas.js";
import { AttachmentSchema } from "../attachments/attachment-schemas.js";
import { EmailDeliverySchema } from "../email/email-schemas.js";
import { PlanSchema, RoleSchema, StageSchema } from "../identity/identity-schemas.js";
import { slaMetrics } from "../sla/sla-types.js";
import { categories, severities, ticketChannels, visibilities } from "./ticket.js";
import { ticketEventKinds } from "./ticket-events.js";
import { ticketStatuses } from "./ticket-status.js";

export const StatusSchema = Type.Enum([...ticketStatuses]);
export const SeveritySchema = Type.Enum([...severities]);
export const CategorySchema = Type.Enum([...categories]);
export const ChannelSchema = Type.Enum([...ticketChannels]);
export const VisibilitySchema = Type.Enum([...visibilities]);
const Tags = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 });
const Body = Type.String({ maxLength: 262_144 });
const Uuid = Type.String({ format: "uuid" });
const UploadIds = Type.Array(Uuid, {
  maxItems: 10,
  uniqueItems: true,
  description:
    "Files from POST /uploads to attach: your own, not attached yet, uploaded in the last 24 hours",
});

export const TicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.Integer(),
    subject: Type.String(),
    status: StatusSchema,
    severity: SeveritySchema,
    category: CategorySchema,
    channel: ChannelSchema,
    requester: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }),
    organization: Type.Union([
      Type.Object({ id: Type.String(), name: Type.String(), plan: PlanSchema, stage: StageSchema }),
      Type.Null(),
    ]),
    group: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
    assignee: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
    tags: Type.Array(Type.String()),
    followUpOf: Type.Union([Type.Integer(), Type.Null()], {
      description: "Number of the closed ticket this follows up",
    }),
    version: Type.Integer({ description: "Send it back with an update; a stale one gets 409" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    solvedAt: NullableString,
    closedAt: NullableString,
    slaDueAt: NullableString,
    slaClock: Type.Union(
      [
        Type.Object({
          metric: Type.Enum([...slaMetrics]),
          dueAt: Timestamp,
          warningAt: NullableString,
          breached: Type.Boolean(),
        }),
        Type.Null(),
      ],
      {
        description:
          "The promise owed first (running, or breached and still unmet): the queue's countdown badge; null when none runs",
      },
    ),
  },
  { $id: "Ticket" },
);

export const CommentSchema = Type.Object(
  {
    id: Type.String(),
    visibility: VisibilitySchema,
    author: Type.Object({ id: Type.String(), name: Type.String(), role: RoleSchema }),
    channel: Type.String(),
    bodyText: Type.String(),
    bodyHtml: Type.String({ description: "Sanitized HTML" }),
    qualifying: Type.Boolean({
      description: "Meets a response SLA: summary and next steps, or marked with a reason",
    }),
    summary: NullableString,
    nextSteps: NullableString,
    qualifyingReason: NullableString,
    workaround: Type.Boolean({ description: "Offers a workaround: meets the resolution target" }),
    createdAt: Timestamp,
    emailDelivery: Type.Union([EmailDeliverySchema, Type.Null()], {
      description: "Staff only: the mail carrying this reply, queued, sent or failed with the relay's answer",
    }),
    attachments: Type.Array(AttachmentSchema, {
      description: "Files that came with this message; download at /tickets/{number}/attachments/{id}",
    }),
  },
  { $id: "Comment" },
);

export const TicketEventSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum([...ticketEventKinds]),
    actor: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
    channel: Type.String(),
    field: NullableString,
    from: NullableString,
    to: NullableString,
    reason: NullableString,
    createdAt: Timestamp,
  },
  { $id: "TicketEvent" },
);

export const TicketCreateBody = Type.Object(
  {
    subject: Type.String({ minLength: 1, maxLength: 500 }),
    body: Type.Optional(Body),
    bodyHtml: Type.Optional(Body),
    requesterId: Type.Optional(Uuid),
    requester: Type.Optional(
      Type.Object(
        {
          email: Type.String({ format: "email", maxLength: 254 }),
          name: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
    ),
    channel: Type.Optional(ChannelSchema),
    severity: Type.Optional(SeveritySchema),
    category: Type.Optional(CategorySchema),
    groupId: Type.Optional(Uuid),
    assigneeId: Type.Optional(Uuid),
    tags: Type.Optional(Tags),
    status: Type.Optional(Type.Enum(["new", "open", "pending", "solved"])),
    uploadIds: Type.Optional(UploadIds),
  },
  { additionalProperties: false },
);

export const TicketUpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    status: Type.Optional(StatusSchema),
    assigneeId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    groupId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    severity: Type.Optional(SeveritySchema),
    category: Type.Optional(CategorySchema),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

export const CommentCreateBody = Type.Object(
  {
    body: Type.Optional(Body),
    bodyHtml: Type.Optional(Body),
    visibility: Type.Optional(VisibilitySchema),
    status: Type.Optional(StatusSchema),
    summary: Type.Optional(
      Type.String({ maxLength: 20_000, description: "Summary of troubleshooting so far" }),
    ),
    nextSteps: Type.Optional(
      Type.String({ maxLength: 20_000, description: "What happens next, and who does it" }),
    ),
    qualifying: Type.Optional(
      Type.Boolean({
        description: "Mark the reply qualifying (or not) explicitly; true needs qualifyingReason",
      }),
    ),
    qualifyingReason: Type.Optional(Type.String({ maxLength: 2000 })),
    workaround: Type.Optional(Type.Boolean({ description: "The reply gives a workaround" })),
    uploadIds: Type.Optional(UploadIds),
  },
  { additionalProperties: false },
);

export const EscalationBody = Type.Object(
  {
    note: Type.String({
      minLength: 1,
      maxLength: 20_000,
      description: "The internal note telling the group why: required",
    }),
    groupId: Type.Optional(Type.String({ format: "uuid", description: "Default: the Platform experts" })),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: "The version you read: a stale one gets 409" }),
    ),
  },
  { additionalProperties: false },
);

export const TicketListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    status: Type.Optional(Type.Array(StatusSchema, { description: "Repeat or comma-separate for several" })),
    groupId: Type.Optional(Uuid),
    assignee: Type.Optional(
      Type.Union([Uuid, Type.Enum(["me", "none"])], { description: "A person id, `me` or `none`" }),
    ),
    organizationId: Type.Optional(Uuid),
    requesterId: Type.Optional(Uuid),
    severity: Type.Optional(SeveritySchema),
    category: Type.Optional(CategorySchema),
    tag: Type.Optional(Type.String({ maxLength: 64 })),
    text: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: "Full-text search over subjects and comments",
      }),
    ),
    slaDueBefore: Type.Optional(
      Type.String({
        format: "date-time",
        description: "Only tickets owing a promise due at or before this instant (breaching soon)",
      }),
    ),
    solvedAfter: Type.Optional(
      Type.String({
        format: "date-time",
        description: "Only tickets solved at or after this instant (solved recently)",
      }),
    ),
    sort: Type.Optional(
      Type.Enum(["updatedAt", "-updatedAt", "createdAt", "-createdAt", "slaDueAt", "-slaDueAt"], {
        description: "slaDueAt lists tickets owing a promise, the nearest due first",
      }),
    ),
  },
  { additionalProperties: false },
);

export const TicketNumberParams = Type.Object(
  { number: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
);
