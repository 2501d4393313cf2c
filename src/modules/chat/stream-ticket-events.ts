import type { ClaimedJob } from "../../jobs/job-runner.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { postJsonToChat } from "../../shared/chat-webhook.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { type DomainEvent, readDomainEvent } from "../../shared/domain-events.js";
import { findPersonById } from "../identity/person-repository.js";
import { systemScope } from "../identity/tenant-scope.js";
import { metricWords } from "../sla/recompute-ticket-sla.js";
import type { SlaMetric } from "../sla/sla-types.js";
import type { Severity } from "../tickets/ticket.js";
import { findTicketById, type TicketListRow } from "../tickets/ticket-repository.js";
import type { ChatRouteKind } from "./chat-presenter.js";
import {
  type ChatRouteRow,
  claimChatDelivery,
  findChatDelivery,
  findChatRoute,
  findTicketThread,
  listChatRoutes,
  markChatDelivered,
  saveTicketThread,
} from "./chat-repository.js";
import { openChatSecret, routeTokenBinding, routeWebhookBinding } from "./chat-secrets.js";
import { postSlackMessage } from "./slack-web-api.js";
import {
  genericStreamPayload,
  type StreamMessage,
  slackStreamPayload,
  teamsStreamPayload,
} from "./stream-messages.js";
import { routeMatches, type StreamEventKind, streamKindOf } from "./stream-routing.js";

export const deliverChatMessageJob = "chat.deliver-message";

export interface ChatSettings {
  /** TEND_PUBLIC_URL: messages link back to the ticket. */
  publicUrl: string;
  /** TEND_SLACK_API_URL, without a trailing slash. */
  slackApiUrl: string;
}

const ticketScope = systemScope("the chat stream names tickets to the support team's channels");

/**
 * The `chat.stream-event` job, one per domain event some enabled route streams: matches the routes
 * against the ticket as it stands and queues one `chat.deliver-message` per matching route. The
 * delivery row (route, event) is claimed in the transaction that queues it, so a re-run of this
 * job queues nothing twice.
 */
export async function streamChatEvent(ctx: Context, payload: { eventId: string }, job: ClaimedJob) {
  const event = await readDomainEvent(ctx.db, payload.eventId);
  const kind = event && streamKindOf(event);
  const ticket = event?.ticketId ? await findTicketById(ctx.db, ticketScope, event.ticketId) : undefined;
  await inTransaction(ctx, async (tx) => {
    if (event && kind && ticket) {
      const ticketFacts = { groupId: ticket.group_id, severity: ticket.severity as Severity };
      for (const route of await listChatRoutes(tx.db)) {
        if (route.enabled !== 1 || !routeMatches(filterOf(route), kind, ticketFacts)) continue;
        if (await claimChatDelivery(tx.db, route.id, event.id, tx.clock.now().toISOString()))
          await enqueueJob(
            tx,
            deliverChatMessageJob,
            { eventId: event.id, routeId: route.id },
            { maxAttempts: 8 },
          );
      }
    }
    await job.markSucceededIn(tx);
  });
}

function filterOf(route: ChatRouteRow) {
  return {
    eventKinds: JSON.parse(route.event_kinds) as StreamEventKind[],
    groupIds: JSON.parse(route.group_ids) as string[],
    severities: JSON.parse(route.severities) as Severity[],
  };
}

async function personName(ctx: Context, personId: unknown): Promise<string> {
  if (typeof personId !== "string") return "Tend";
  return (await findPersonById(ctx.db, personId))?.name ?? "someone no longer here";
}

async function headlineOf(ctx: Context, event: DomainEvent, kind: StreamEventKind, ticket: TicketListRow) {
  const actor = event.payload.actor as { kind: string; personId?: string } | undefined;
  const metric = metricWords[event.payload.metric as SlaMetric] ?? String(event.payload.metric);
  const policy = event.payload.policyName ? ` (${String(event.payload.policyName)})` : "";
  switch (kind) {
    case "ticket.created":
      return `New ticket from ${ticket.requester_name}`;
    case "ticket.escalated":
      return `Moved to ${ticket.group_name ?? "no group"} by ${await personName(ctx, actor?.personId)}`;
    case "ticket.solved":
      return `Solved by ${await personName(ctx, actor?.personId)}`;
    case "ticket.public_reply":
      return `Public reply by ${await personName(ctx, event.payload.authorId)}`;
    case "sla.warning":
      return `SLA warning: ${metric}${policy} due ${String(event.payload.dueAt)}`;
    case "sla.breached":
      return `SLA breached: ${metric}${policy}`;
  }
}

/**
 * The `chat.deliver-message` job: posts one event to one route. A Slack bot route keeps one
 * message per ticket — the first event's `ts` is stored and later events reply in its thread;
 * incoming webhooks cannot thread (Slack's webhooks answer no `ts`), so there each event is its
 * own message. Delivered once: the delivery row is marked with the job's completion.
 */
export async function deliverChatMessage(
  ctx: Context,
  payload: { eventId: string; routeId: string },
  job: ClaimedJob,
  settings: ChatSettings,
): Promise<void> {
  const delivery = await findChatDelivery(ctx.db, payload.routeId, payload.eventId);
  const route = await findChatRoute(ctx.db, payload.routeId);
  const event = await readDomainEvent(ctx.db, payload.eventId);
  const kind = event && streamKindOf(event);
  const ticket = event?.ticketId ? await findTicketById(ctx.db, ticketScope, event.ticketId) : undefined;
  // A route deleted or switched off, or an event erased since, has nothing left to say.
  if (!delivery || delivery.delivered_at || !route || route.enabled !== 1 || !event || !kind || !ticket)
    return;
  const message: StreamMessage = {
    kind,
    eventId: event.id,
    occurredAt: event.createdAt,
    ticketNumber: ticket.number,
    subject: ticket.subject,
    severity: ticket.severity,
    status: ticket.status,
    groupName: ticket.group_name,
    ticketUrl: `${settings.publicUrl.replace(/\/+$/, "")}/tickets/${ticket.number}`,
    headline: await headlineOf(ctx, event, kind, ticket),
  };
  let newThreadTs: string | null = null;
  if (route.bot_token && route.slack_channel_id) {
    const threadTs = await findTicketThread(ctx.db, route.id, ticket.id);
    const ts = await postSlackMessage(
      {
        baseUrl: settings.slackApiUrl,
        botToken: openChatSecret(ctx, route.bot_token, routeTokenBinding(route.id)),
      },
      { channel: route.slack_channel_id, ...slackStreamPayload(message), ...(threadTs ? { threadTs } : {}) },
    );
    if (!threadTs) newThreadTs = ts;
  } else if (route.webhook_url) {
    await postJsonToChat(
      openChatSecret(ctx, route.webhook_url, routeWebhookBinding(route.id)),
      payloadFor(route.kind as ChatRouteKind, message),
    );
  }
  await inTransaction(ctx, async (tx) => {
    if (newThreadTs)
      await saveTicketThread(tx.db, { route_id: route.id, ticket_id: ticket.id, message_ts: newThreadTs });
    await markChatDelivered(tx.db, route.id, event.id, tx.clock.now().toISOString());
    await job.markSucceededIn(tx);
  });
}

function payloadFor(kind: ChatRouteKind, message: StreamMessage): unknown {
  if (kind === "teams") return teamsStreamPayload(message);
  if (kind === "generic") return genericStreamPayload(message);
  return slackStreamPayload(message);
}
