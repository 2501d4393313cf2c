import { Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { severities } from "../tickets/ticket.js";
import { streamEventKindList, streamEventKinds } from "./stream-routing.js";

const EventKind = Type.Enum(streamEventKindList, {
  description: streamEventKindList.map((kind) => `${kind}: ${streamEventKinds[kind]}`).join("; "),
});
const RouteKind = Type.Union([Type.Literal("slack"), Type.Literal("teams"), Type.Literal("generic")], {
  description: "slack: Block Kit; teams: a MessageCard for an incoming webhook; generic: plain JSON",
});
const Severity = Type.Enum([...severities]);
const Name = Type.String({ minLength: 1, maxLength: 200 });
const WebhookUrl = Type.String({
  maxLength: 2000,
  description: "The incoming webhook (https; plain http only to this machine). Never shown back.",
});
const BotToken = Type.String({
  maxLength: 200,
  description:
    "A Slack bot token (xoxb-…, scopes chat:write, users:read, users:read.email). Never shown back.",
});
const SlackChannelId = Type.String({ maxLength: 40, description: "The Slack channel's id (C…)" });
const EventKinds = Type.Array(EventKind, { minItems: 1, maxItems: 20, uniqueItems: true });
const GroupIds = Type.Array(Type.String({ format: "uuid" }), {
  maxItems: 50,
  description: "Only tickets of these groups; empty or absent: every group",
});
const Severities = Type.Array(Severity, { maxItems: 4, description: "Only these severities; empty: all" });

export const ChatRouteCreateBody = Type.Object(
  {
    name: Name,
    kind: RouteKind,
    webhookUrl: Type.Optional(WebhookUrl),
    botToken: Type.Optional(BotToken),
    slackChannelId: Type.Optional(SlackChannelId),
    eventKinds: EventKinds,
    groupIds: Type.Optional(GroupIds),
    severities: Type.Optional(Severities),
    enabled: Type.Optional(Type.Boolean({ description: "Default true" })),
  },
  { additionalProperties: false },
);

export const ChatRouteUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    webhookUrl: Type.Optional(WebhookUrl),
    botToken: Type.Optional(BotToken),
    slackChannelId: Type.Optional(SlackChannelId),
    eventKinds: Type.Optional(EventKinds),
    groupIds: Type.Optional(GroupIds),
    severities: Type.Optional(Severities),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ChatRouteSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: RouteKind,
  delivery: Type.Union([Type.Literal("webhook"), Type.Literal("bot")], {
    description:
      "bot: one Slack message per ticket, later events in its thread; webhook: one message per event",
  }),
  webhookHost: Type.Union([Type.String(), Type.Null()]),
  slackChannelId: Type.Union([Type.String(), Type.Null()]),
  eventKinds: Type.Array(EventKind),
  groupIds: Type.Array(Type.String()),
  severities: Type.Array(Severity),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ChatRouteListSchema = Type.Object({
  routes: Type.Array(ChatRouteSchema),
  eventKinds: Type.Array(Type.Object({ kind: EventKind, description: Type.String() })),
});

export const ConnectedChannelCreateBody = Type.Object(
  {
    name: Name,
    slackChannelId: SlackChannelId,
    botToken: BotToken,
    organizationId: Type.Optional(
      Type.Union([Type.String({ format: "uuid" }), Type.Null()], {
        description: "New customers who write in this channel join this organization",
      }),
    ),
    enabled: Type.Optional(Type.Boolean({ description: "Default true" })),
  },
  { additionalProperties: false },
);

export const ConnectedChannelUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    botToken: Type.Optional(BotToken),
    organizationId: Type.Optional(Type.Union([Type.String({ format: "uuid" }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ConnectedChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slackChannelId: Type.String(),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const ConnectedChannelListSchema = Type.Object({ channels: Type.Array(ConnectedChannelSchema) });

/** Slack's Events API envelope: Tend reads a few fields and lets Slack add more. */
export const SlackEventEnvelope = Type.Object(
  {
    type: Type.String({ maxLength: 100 }),
    challenge: Type.Optional(Type.String({ maxLength: 500 })),
    event_id: Type.Optional(Type.String({ maxLength: 100 })),
    team_id: Type.Optional(Type.String({ maxLength: 100 })),
    event: Type.Optional(
      Type.Object(
        {
          type: Type.Optional(Type.String({ maxLength: 100 })),
          subtype: Type.Optional(Type.String({ maxLength: 100 })),
          bot_id: Type.Optional(Type.String({ maxLength: 100 })),
          channel: Type.Optional(Type.String({ maxLength: 100 })),
          user: Type.Optional(Type.String({ maxLength: 100 })),
          text: Type.Optional(Type.String({ maxLength: 40_000 })),
          ts: Type.Optional(Type.String({ maxLength: 40 })),
          thread_ts: Type.Optional(Type.String({ maxLength: 40 })),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);

export const SlackEventAnswer = Type.Union([
  Type.Object({ challenge: Type.String() }),
  Type.Object({ ok: Type.Literal(true) }),
]);
