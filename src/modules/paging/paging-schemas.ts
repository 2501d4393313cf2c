import { Type } from "typebox";
import { NullableString, PageQuery, Timestamp } from "../../http/schemas.js";
import { pageSeverities } from "./manage-pages.js";

const Uuid = Type.String({ format: "uuid" });

const TargetSchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal("schedule"), scheduleId: Uuid }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal("person"), personId: Uuid }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal("group"), groupId: Uuid }, { additionalProperties: false }),
  ],
  { description: "A schedule's on-call person, a person, or every member of a group" },
);
const Targets = Type.Array(TargetSchema, { maxItems: 20 });
const LevelSchema = Type.Object(
  {
    targets: Targets,
    timeoutMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      description: "Wait this long for an acknowledgement",
    }),
  },
  { additionalProperties: false },
);
const PolicyName = Type.String({ minLength: 1, maxLength: 100 });
const Levels = Type.Array(LevelSchema, { minItems: 1, maxItems: 10 });
const Repeats = Type.Integer({ minimum: 0, maximum: 9, description: "More passes through the levels" });
const Fallback = Type.Array(TargetSchema, { maxItems: 20, description: "Notified once after every pass" });

const ChatWebhookUrl = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], {
  description: "A Slack-compatible incoming webhook (https, or http to this machine) each step is posted to",
});

export const EscalationPolicyCreateBody = Type.Object(
  {
    name: PolicyName,
    levels: Levels,
    repeats: Type.Optional(Repeats),
    fallback: Type.Optional(Fallback),
    chatWebhookUrl: Type.Optional(ChatWebhookUrl),
  },
  { additionalProperties: false },
);

export const EscalationPolicyUpdateBody = Type.Object(
  {
    name: Type.Optional(PolicyName),
    levels: Type.Optional(Levels),
    repeats: Type.Optional(Repeats),
    fallback: Type.Optional(Fallback),
    chatWebhookUrl: Type.Optional(ChatWebhookUrl),
  },
  { additionalProperties: false },
);

export const EscalationPolicySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  levels: Type.Array(LevelSchema),
  repeats: Type.Integer(),
  fallback: Type.Array(TargetSchema),
  chatWebhookConfigured: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PageCreateBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    details: Type.Optional(Type.String({ maxLength: 10_000 })),
    severity: Type.Union(
      pageSeverities.map((s) => Type.Literal(s)),
      { description: "sev1 (most urgent) … sev4" },
    ),
    policyId: Type.Optional(Uuid),
    policy: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "The policy by name" })),
    ticketNumber: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);

/** `nextCursor` of the previous answer fetches the next list page; the cursor is opaque. */
export const PageListQuery = Type.Object(PageQuery, { additionalProperties: false });

export const PageSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  details: Type.String(),
  severity: Type.String(),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  policy: Type.Object({ id: Type.String(), name: Type.String() }),
  status: Type.Union([Type.Literal("open"), Type.Literal("acknowledged"), Type.Literal("resolved")]),
  openedBy: NullableString,
  openedByActor: Type.Union([Type.String(), Type.Null()], {
    description:
      "Who opened it when no Tend account did (openedBy null): a Slack user's /page, a paging trigger",
  }),
  openedAt: Timestamp,
  acknowledgedBy: NullableString,
  acknowledgedByActor: Type.Union([Type.String(), Type.Null()], {
    description: "Who acknowledged it when no Tend account did",
  }),
  acknowledgedAt: Type.Union([Timestamp, Type.Null()]),
  resolvedBy: NullableString,
  resolvedByActor: Type.Union([Type.String(), Type.Null()], {
    description: "Who resolved it when no Tend account did",
  }),
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
});

export const PageEventSchema = Type.Object({
  kind: Type.String({
    description:
      "opened, escalated, notified, notification_failed, posted_to_chat, exhausted, acknowledged, resolved",
  }),
  person: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  detail: Type.String(),
  actor: Type.String(),
  at: Timestamp,
});

export const PageWithLogSchema = Type.Object({ ...PageSchema.properties, log: Type.Array(PageEventSchema) });

export const PageActionSecretParams = Type.Object(
  { secret: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
