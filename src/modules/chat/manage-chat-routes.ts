import { NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { setDomainEventSubscriptions } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { findGroupById } from "../identity/group-repository.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { checkedWebhookUrl } from "../oncall/manage-schedules.js";
import type { Severity } from "../tickets/ticket.js";
import { type ChatRouteKind, type ChatRouteView, presentChatRoute } from "./chat-presenter.js";
import {
  type ChatRouteRow,
  deleteChatRoute as deleteChatRouteRow,
  findChatRoute,
  insertChatRoute,
  listChatRoutes as listChatRouteRows,
  updateChatRoute as updateChatRouteRow,
} from "./chat-repository.js";
import { routeTokenBinding, routeWebhookBinding, sealChatSecret } from "./chat-secrets.js";
import { domainEventsFor, type StreamEventKind } from "./stream-routing.js";

/** The consumer job of the ticket stream: one per domain event any enabled route streams. */
export const streamChatEventJob = "chat.stream-event";

export interface ChatRouteInput {
  name: string;
  kind: ChatRouteKind;
  webhookUrl?: string;
  botToken?: string;
  slackChannelId?: string;
  eventKinds: StreamEventKind[];
  groupIds?: string[];
  severities?: Severity[];
  enabled?: boolean;
}

export type ChatRouteChanges = Partial<Omit<ChatRouteInput, "kind">>;

/** Slack bot tokens start `xoxb-`; a user token (`xoxp-`) would post as a person. */
const botTokenPattern = /^xoxb-[\w-]{8,}$/;

function checkedUrl(url: string): string {
  try {
    return checkedWebhookUrl(url) as string;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw ValidationError.field("webhookUrl", error.problems[0]?.message ?? "an https URL");
  }
}

/** Where a route posts: an incoming webhook (any kind), or for Slack a bot token and a channel. */
function destination(
  kind: ChatRouteKind,
  input: { webhookUrl?: string; botToken?: string; slackChannelId?: string },
) {
  const bot = input.botToken !== undefined || input.slackChannelId !== undefined;
  if (bot) {
    if (kind !== "slack")
      throw ValidationError.field("botToken", "only a Slack route posts with a bot token");
    if (input.webhookUrl !== undefined)
      throw ValidationError.field("webhookUrl", "a route posts through a webhook or a bot token, not both");
    if (!input.botToken || !botTokenPattern.test(input.botToken))
      throw ValidationError.field("botToken", "a Slack bot token, xoxb-…");
    if (!input.slackChannelId || !/^[CGD][A-Z0-9]{4,}$/.test(input.slackChannelId))
      throw ValidationError.field("slackChannelId", "the Slack channel's id, C…");
    return { webhookUrl: null, botToken: input.botToken, slackChannelId: input.slackChannelId };
  }
  if (!input.webhookUrl)
    throw ValidationError.field(
      "webhookUrl",
      kind === "slack"
        ? "an incoming webhook URL, or a bot token and a channel id"
        : "an incoming webhook URL",
    );
  return { webhookUrl: checkedUrl(input.webhookUrl), botToken: null, slackChannelId: null };
}

async function checkedFilters(ctx: Context, input: { eventKinds?: StreamEventKind[]; groupIds?: string[] }) {
  if (input.eventKinds !== undefined && input.eventKinds.length === 0)
    throw ValidationError.field("eventKinds", "name at least one event to post");
  for (const [index, groupId] of (input.groupIds ?? []).entries())
    if (!(await findGroupById(ctx.db, groupId)))
      throw UnprocessableContentError.field(`groupIds/${index}`, `no group ${groupId}`);
}

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw ValidationError.field("name", "must not be empty");
  return trimmed;
}

/** Keeps the stream consumer subscribed to exactly what the enabled routes post, in the same transaction. */
async function syncStreamSubscriptions(tx: Context): Promise<void> {
  const routes = (await listChatRouteRows(tx.db)).filter((route) => route.enabled === 1);
  const kinds = routes.flatMap((route) => JSON.parse(route.event_kinds) as StreamEventKind[]);
  await setDomainEventSubscriptions(tx.db, streamChatEventJob, domainEventsFor(kinds));
}

/** The audit record's view: where it posts by host, never the webhook's secret path or the token. */
function audited(ctx: Context, row: ChatRouteRow) {
  const view = presentChatRoute(ctx, row);
  return { ...view, botTokenSet: row.bot_token !== null };
}

export async function listChatRoutes(ctx: Context): Promise<ChatRouteView[]> {
  requireAdmin(ctx.actor);
  return (await listChatRouteRows(ctx.db)).map((row) => presentChatRoute(ctx, row));
}

async function routeOrNotFound(ctx: Context, id: string): Promise<ChatRouteRow> {
  const row = await findChatRoute(ctx.db, id);
  if (!row) throw new NotFoundError(`No chat route ${id}.`);
  return row;
}

export async function createChatRoute({ ctx, input }: { ctx: Context; input: ChatRouteInput }) {
  requireAdmin(ctx.actor);
  const name = checkedName(input.name);
  const target = destination(input.kind, input);
  return inTransaction(ctx, async (tx) => {
    await checkedFilters(tx, input);
    const id = newId();
    const now = tx.clock.now().toISOString();
    const row: ChatRouteRow = {
      id,
      name,
      kind: input.kind,
      webhook_url: target.webhookUrl && sealChatSecret(tx, target.webhookUrl, routeWebhookBinding(id)),
      bot_token: target.botToken && sealChatSecret(tx, target.botToken, routeTokenBinding(id)),
      slack_channel_id: target.slackChannelId,
      event_kinds: JSON.stringify([...new Set(input.eventKinds)]),
      group_ids: JSON.stringify([...new Set(input.groupIds ?? [])]),
      severities: JSON.stringify([...new Set(input.severities ?? [])]),
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await insertChatRoute(tx.db, row);
    await syncStreamSubscriptions(tx);
    await recordAudit(tx, {
      action: "chat_route.created",
      targetType: "chat_route",
      targetId: id,
      before: null,
      after: audited(tx, row),
    });
    return presentChatRoute(tx, row);
  });
}

export async function updateChatRoute({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: ChatRouteChanges;
}): Promise<ChatRouteView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const before = await routeOrNotFound(tx, id);
    await checkedFilters(tx, input);
    const columns: Partial<ChatRouteRow> = { updated_at: tx.clock.now().toISOString() };
    if (input.name !== undefined) columns.name = checkedName(input.name);
    if (input.eventKinds !== undefined) columns.event_kinds = JSON.stringify([...new Set(input.eventKinds)]);
    if (input.groupIds !== undefined) columns.group_ids = JSON.stringify([...new Set(input.groupIds)]);
    if (input.severities !== undefined) columns.severities = JSON.stringify([...new Set(input.severities)]);
    if (input.enabled !== undefined) columns.enabled = input.enabled ? 1 : 0;
    // A new destination replaces the old one whole: the stored credentials cannot be read back to merge.
    if (
      input.webhookUrl !== undefined ||
      input.botToken !== undefined ||
      input.slackChannelId !== undefined
    ) {
      const target = destination(before.kind as ChatRouteKind, input);
      columns.webhook_url =
        target.webhookUrl && sealChatSecret(tx, target.webhookUrl, routeWebhookBinding(id));
      columns.bot_token = target.botToken && sealChatSecret(tx, target.botToken, routeTokenBinding(id));
      columns.slack_channel_id = target.slackChannelId;
    }
    await updateChatRouteRow(tx.db, id, columns);
    const after = { ...before, ...columns };
    await syncStreamSubscriptions(tx);
    await recordAudit(tx, {
      action: "chat_route.updated",
      targetType: "chat_route",
      targetId: id,
      before: audited(tx, before),
      after: audited(tx, after),
    });
    return presentChatRoute(tx, after);
  });
}

export async function deleteChatRoute({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const before = await routeOrNotFound(tx, id);
    await deleteChatRouteRow(tx.db, id);
    await syncStreamSubscriptions(tx);
    await recordAudit(tx, {
      action: "chat_route.deleted",
      targetType: "chat_route",
      targetId: id,
      before: audited(tx, before),
      after: null,
    });
  });
}
