import type { Db } from "../db/database.js";
import { enqueueJob } from "../jobs/job-runner.js";
import type { Actor } from "../modules/identity/actor.js";
import { type Context, readOncePerBatch } from "./context.js";
import { newId } from "./ids.js";

/**
 * Every kind of domain event Tend publishes, with what it means: the catalogue outgoing webhooks
 * and chat routes subscribe from, and the API documents.
 */
export const domainEventKinds = {
  "ticket.created": "A ticket was opened, by any channel",
  "ticket.updated": "A ticket's status, assignee, group, severity, category or tags changed",
  "ticket.commented": "A public reply or an internal note was added to a ticket",
  "sla.warning": "An SLA clock is about to breach",
  "sla.breached": "An SLA clock breached",
  "ticket.unacknowledged_end_of_day": "A New ticket was not acknowledged by the end of the business day",
  "ticket.open_over_a_day": "An Open ticket sat idle for more than a business day",
  "ticket.health_flag_cleared": "A ticket-health flag was cleared",
  "page.opened": "Someone was paged",
  "page.acknowledged": "A page was acknowledged",
  "page.resolved": "A page was resolved",
  "status.incident_opened": "A status incident was published",
  "status.incident_updated": "A published status incident got a public update",
  "status.maintenance_scheduled": "Maintenance was scheduled",
  "status.maintenance_started": "A maintenance window started",
  "status.maintenance_ended": "A maintenance window ended",
  "status.maintenance_cancelled": "Scheduled maintenance was cancelled",
  "oncall.debrief_unacknowledged": "A handoff debrief went unacknowledged",
} as const;

export type DomainEventKind = keyof typeof domainEventKinds;

/**
 * Events addressed to one consumer instead of published to whoever subscribed: an automation's
 * "call a webhook" goes to the endpoint it names, not to every endpoint that hears everything.
 */
export const addressedEventKinds = {
  "automation.webhook_called": "An automation called this webhook for a ticket",
} as const;

export type AddressedEventKind = keyof typeof addressedEventKinds;

export interface DomainEvent {
  id: string;
  kind: DomainEventKind | AddressedEventKind;
  ticketId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** Who caused an event, as consumers need it: an automation must know its own changes to not retrigger. */
export type EventActor =
  | { kind: "person"; personId: string; role: string }
  | { kind: "system"; reason: string }
  | { kind: "anonymous" };

export function eventActorOf(actor: Actor): EventActor {
  if (actor.kind === "person") return { kind: "person", personId: actor.personId, role: actor.role };
  return actor.kind === "system" ? { kind: "system", reason: actor.reason } : { kind: "anonymous" };
}

/**
 * The outbox of domain events: written in the same transaction as the change they describe, so a
 * consumer (webhooks, chat, automations) never sees an event for a change that rolled back, nor
 * misses one that committed. Each consumer that subscribed to the kind (`domain_event_subscriptions`)
 * gets its own job `{ eventId }`: consumers fail and retry apart, and nothing is queued when nobody
 * listens.
 */
export async function publishDomainEvent(
  ctx: Context,
  kind: DomainEventKind,
  ticketId: string | null,
  payload: Record<string, unknown>,
): Promise<void> {
  const id = await recordDomainEvent(ctx, kind, ticketId, payload);
  const consumers = await readOncePerBatch(ctx, `subscriptions to ${kind}`, () =>
    ctx.db
      .selectFrom("domain_event_subscriptions")
      .select("job_kind")
      .where("event_kind", "in", [kind, "*"])
      .execute(),
  );
  for (const jobKind of new Set(consumers.map((row) => row.job_kind)))
    await enqueueJob(ctx, jobKind, { eventId: id });
}

/**
 * Writes an event to the outbox without telling subscribers; the caller hands its id to the one
 * consumer it is addressed to. Erasure and retention treat it as any other event.
 */
export async function recordDomainEvent(
  ctx: Context,
  kind: DomainEventKind | AddressedEventKind,
  ticketId: string | null,
  payload: Record<string, unknown>,
): Promise<string> {
  const id = newId();
  await ctx.db
    .insertInto("domain_events")
    .values({
      id,
      kind,
      ticket_id: ticketId,
      payload: JSON.stringify({ ...payload, actor: eventActorOf(ctx.actor) }),
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
  return id;
}

/**
 * Replaces what a consumer's job kind subscribes to, in the transaction that changed the consumer's
 * configuration (an endpoint saved, a route disabled), so publishing and configuration agree.
 */
export async function setDomainEventSubscriptions(
  db: Db,
  jobKind: string,
  eventKinds: Iterable<DomainEventKind | "*">,
): Promise<void> {
  await db.deleteFrom("domain_event_subscriptions").where("job_kind", "=", jobKind).execute();
  const rows = [...new Set(eventKinds)].map((event_kind) => ({ job_kind: jobKind, event_kind }));
  if (rows.length > 0) await db.insertInto("domain_event_subscriptions").values(rows).execute();
}

/** The event a consumer's job names; undefined once erasure or retention removed it. */
export async function readDomainEvent(db: Db, id: string): Promise<DomainEvent | undefined> {
  const row = await db.selectFrom("domain_events").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind as DomainEventKind | AddressedEventKind,
    ticketId: row.ticket_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}
