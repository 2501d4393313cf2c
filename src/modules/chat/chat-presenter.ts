import type { Context } from "../../shared/context.js";
import type { Severity } from "../tickets/ticket.js";
import type { ChatRouteRow, ConnectedChannelRow } from "./chat-repository.js";
import { openChatSecret, routeWebhookBinding } from "./chat-secrets.js";
import type { StreamEventKind } from "./stream-routing.js";

export type ChatRouteKind = "slack" | "teams" | "generic";

export interface ChatRouteView {
  id: string;
  name: string;
  kind: ChatRouteKind;
  /** `bot`: Slack's chat.postMessage, one message per ticket with later events in its thread. */
  delivery: "webhook" | "bot";
  /** The webhook's host, enough to recognise it; the URL itself is a credential and never shown. */
  webhookHost: string | null;
  slackChannelId: string | null;
  eventKinds: StreamEventKind[];
  groupIds: string[];
  severities: Severity[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectedChannelView {
  id: string;
  name: string;
  slackChannelId: string;
  organizationId: string | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function presentChatRoute(ctx: Context, row: ChatRouteRow): ChatRouteView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ChatRouteKind,
    delivery: row.bot_token ? "bot" : "webhook",
    webhookHost: row.webhook_url
      ? new URL(openChatSecret(ctx, row.webhook_url, routeWebhookBinding(row.id))).host
      : null,
    slackChannelId: row.slack_channel_id,
    eventKinds: JSON.parse(row.event_kinds) as StreamEventKind[],
    groupIds: JSON.parse(row.group_ids) as string[],
    severities: JSON.parse(row.severities) as Severity[],
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentConnectedChannel(row: ConnectedChannelRow): ConnectedChannelView {
  return {
    id: row.id,
    name: row.name,
    slackChannelId: row.slack_channel_id,
    organizationId: row.organization_id,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
