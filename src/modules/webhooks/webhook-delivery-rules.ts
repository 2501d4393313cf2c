import { DAY, HOUR, MINUTE, SECOND } from "../../shared/clock.js";
import type { DomainEvent } from "../../shared/domain-events.js";

/**
 * When a failed delivery is tried again, after the attempt numbered by the index + 1: the schedule the
 * Standard Webhooks spec suggests (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), growing
 * roughly exponentially so a receiver that is down for a deploy gets its events within seconds and one
 * that is down for a day is not hammered. Eight attempts over about 27.6 hours.
 */
export const retryDelaysMs = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/** The wait before the next automatic attempt after `attempts` failed ones; null when they are spent. */
export function nextRetryDelayMs(attempts: number): number | null {
  return retryDelaysMs[attempts - 1] ?? null;
}

/**
 * An endpoint is disabled once every attempt to it has failed for this long: a receiver down for a
 * maintenance window keeps its subscription, one gone for a day stops costing attempts, and an admin
 * is mailed. A single event's retries alone span longer (27.6 h), so one dead endpoint reaches it.
 */
export const disableAfterFailingMs = DAY;

/** Whether a failed attempt at `now` ends the endpoint's patience (pure). */
export function shouldDisable(failingSince: string | null, now: Date): boolean {
  return failingSince !== null && now.getTime() - Date.parse(failingSince) >= disableAfterFailingMs;
}

/**
 * The body posted for an event (pure): `{type, timestamp, data}` as the Standard Webhooks spec
 * recommends. The timestamp is the event's, so every attempt posts the same bytes.
 */
export function webhookMessage(event: DomainEvent) {
  return {
    type: event.kind,
    timestamp: event.createdAt,
    data: { ...(event.ticketId ? { ticketId: event.ticketId } : {}), ...event.payload },
  };
}

/**
 * What is posted for an event: the body an automation's "call a webhook" rendered from its admin's
 * template when it has one (kept in the event, so every retry sends the same bytes), else the message.
 */
export function webhookBody(event: DomainEvent): string {
  const own = event.payload.body;
  return event.kind === "automation.webhook_called" && typeof own === "string"
    ? own
    : JSON.stringify(webhookMessage(event));
}

/** Whether an endpoint subscribed to these kinds hears this one (pure). */
export function endpointHears(eventKinds: readonly string[], kind: string): boolean {
  return eventKinds.includes("*") || eventKinds.includes(kind);
}
