import { NotFoundError } from "../../errors.js";
import { type ClaimedJob, enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { type AddressedEventKind, readDomainEvent, recordDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { postWebhook, type WebhookAnswer } from "../../shared/signed-webhook.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { signingSecrets, syncWebhookSubscriptions } from "./manage-webhook-endpoints.js";
import { endpointHears, nextRetryDelayMs, shouldDisable, webhookBody } from "./webhook-delivery-rules.js";
import { endpointKinds, presentDelivery, type WebhookDeliveryView } from "./webhook-presenter.js";
import {
  attemptsOf,
  claimDelivery,
  enabledEndpoints,
  findDeliveryRow,
  findEndpoint,
  insertAttempt,
  listDeliveryRows,
  updateDeliveryRow,
  updateEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "./webhook-repository.js";
import { addressesOf, targetRefusal, type WebhookTargetPolicy } from "./webhook-target.js";

export const deliverWebhookJob = "webhooks.deliver";
export const mailEndpointDisabledJob = "webhooks.mail-endpoint-disabled";

export interface DeliverWebhookPayload {
  deliveryId: string;
  /** An admin's redelivery: one attempt, whatever the endpoint's state, and no automatic retries after it. */
  manual?: boolean;
}

/**
 * The `webhooks.fan-out` job, one per domain event an enabled endpoint hears: one delivery per matching
 * endpoint, claimed by its unique (endpoint, event) row, and its delivery job, all in the transaction that
 * completes this job — a re-run claims nothing and enqueues nothing.
 */
export async function fanOutWebhooks(
  ctx: Context,
  payload: { eventId: string },
  job: ClaimedJob,
): Promise<{ queued: number }> {
  const event = await readDomainEvent(ctx.db, payload.eventId);
  const queued = await inTransaction(ctx, async (tx) => {
    let count = 0;
    const now = tx.clock.now().toISOString();
    const hearing = event
      ? (await enabledEndpoints(tx.db)).filter((endpoint) =>
          endpointHears(endpointKinds(endpoint), event.kind),
        )
      : [];
    for (const endpoint of hearing) {
      const id = newId();
      const claimed = await claimDelivery(tx.db, {
        id,
        endpoint_id: endpoint.id,
        event_id: payload.eventId,
        event_kind: event?.kind ?? "",
        state: "pending",
        attempts: 0,
        next_attempt_at: now,
        delivered_at: null,
        created_at: now,
      });
      if (!claimed) continue;
      await enqueueJob(tx, deliverWebhookJob, { deliveryId: id } satisfies DeliverWebhookPayload);
      count += 1;
    }
    await job.markSucceededIn(tx);
    return count;
  });
  return { queued };
}

/**
 * A message addressed to one endpoint (an automation's "call a webhook"): recorded as an event and
 * queued as a delivery like any other, so it is signed, retried, logged and redeliverable the same way.
 * Runs in the caller's transaction; a disabled endpoint's delivery is logged as failed, not sent.
 */
export async function queueAddressedWebhook(
  ctx: Context,
  message: {
    endpointId: string;
    kind: AddressedEventKind;
    ticketId: string | null;
    data: Record<string, unknown>;
  },
): Promise<string> {
  const eventId = await recordDomainEvent(ctx, message.kind, message.ticketId, message.data);
  const id = newId();
  await claimDelivery(ctx.db, {
    id,
    endpoint_id: message.endpointId,
    event_id: eventId,
    event_kind: message.kind,
    state: "pending",
    attempts: 0,
    next_attempt_at: ctx.clock.now().toISOString(),
    delivered_at: null,
    created_at: ctx.clock.now().toISOString(),
  });
  await enqueueJob(ctx, deliverWebhookJob, { deliveryId: id } satisfies DeliverWebhookPayload);
  return id;
}

/** The address check again at sending: a name may have been pointed inside the network since it was saved. */
async function refusedTarget(url: string, policy: WebhookTargetPolicy): Promise<WebhookAnswer | null> {
  const parsed = new URL(url);
  const addresses = await addressesOf(parsed);
  const refusal = addresses.length > 0 ? targetRefusal(parsed, addresses, policy) : null;
  return refusal
    ? { ok: false, status: null, body: "", error: `not sent: the URL ${refusal}`, durationMs: 0 }
    : null;
}

/**
 * The `webhooks.deliver` job: one attempt of one delivery, logged with the receiver's status, the start
 * of its answer and how long it took. A 2xx delivers; anything else schedules the next attempt on the
 * Standard Webhooks schedule (`retryDelaysMs`) as a job of its own, in the transaction that completes this
 * one, until the attempts are spent. An endpoint whose attempts have all failed for a day is disabled and
 * its admins are mailed.
 */
export async function deliverWebhook(
  ctx: Context,
  payload: DeliverWebhookPayload,
  settings: WebhookTargetPolicy,
  job: ClaimedJob,
): Promise<void> {
  const delivery = await findDeliveryRow(ctx.db, payload.deliveryId);
  const endpoint = delivery ? await findEndpoint(ctx.db, delivery.endpoint_id) : undefined;
  if (!delivery || !endpoint || delivery.state !== "pending") return;
  const finishWith = (patch: Partial<WebhookDeliveryRow>) =>
    inTransaction(ctx, async (tx) => {
      await updateDeliveryRow(tx.db, delivery.id, { ...patch, next_attempt_at: null });
      await job.markSucceededIn(tx);
    });
  if (endpoint.enabled === 0 && !payload.manual) return finishWith({ state: "failed" });
  const event = await readDomainEvent(ctx.db, delivery.event_id);
  // Erasure or retention removed the event: there is nothing left that may be sent.
  if (!event) return finishWith({ state: "gone" });

  const at = ctx.clock.now();
  const answer =
    (await refusedTarget(endpoint.url, settings)) ??
    (await postWebhook({
      url: endpoint.url,
      body: webhookBody(event),
      signing: { secrets: signingSecrets(ctx, endpoint, at), messageId: delivery.id, at },
    }));
  await inTransaction(ctx, async (tx) => {
    const attempt = delivery.attempts + 1;
    const now = tx.clock.now();
    await insertAttempt(tx.db, {
      id: newId(),
      delivery_id: delivery.id,
      attempt,
      manual: payload.manual ? 1 : 0,
      at: at.toISOString(),
      status_code: answer.status,
      response_body: answer.body,
      error: answer.error ?? (answer.ok ? null : `answered ${answer.status}`),
      duration_ms: answer.durationMs,
    });
    if (answer.ok) {
      await updateDeliveryRow(tx.db, delivery.id, {
        state: "delivered",
        attempts: attempt,
        next_attempt_at: null,
        delivered_at: now.toISOString(),
      });
      await updateEndpoint(tx.db, endpoint.id, { failing_since: null, consecutive_failures: 0 });
    } else {
      const delay = payload.manual ? null : nextRetryDelayMs(attempt);
      const nextAt = delay === null ? null : new Date(now.getTime() + delay);
      await updateDeliveryRow(tx.db, delivery.id, {
        state: nextAt ? "pending" : "failed",
        attempts: attempt,
        next_attempt_at: nextAt?.toISOString() ?? null,
      });
      if (nextAt)
        await enqueueJob(tx, deliverWebhookJob, { deliveryId: delivery.id } satisfies DeliverWebhookPayload, {
          runAt: nextAt,
        });
      await recordEndpointFailure(tx, endpoint, now);
    }
    await job.markSucceededIn(tx);
  });
}

/** Counts a failed attempt against its endpoint, and disables an enabled one that has failed for a day. */
async function recordEndpointFailure(ctx: Context, endpoint: WebhookEndpointRow, now: Date): Promise<void> {
  const current = (await findEndpoint(ctx.db, endpoint.id)) ?? endpoint;
  const failingSince = current.failing_since ?? now.toISOString();
  const disable = current.enabled === 1 && shouldDisable(failingSince, now);
  const reason = "every delivery failed for 24 hours";
  await updateEndpoint(ctx.db, endpoint.id, {
    failing_since: failingSince,
    consecutive_failures: current.consecutive_failures + 1,
    ...(disable
      ? { enabled: 0, disabled_at: now.toISOString(), disabled_reason: reason, updated_at: now.toISOString() }
      : {}),
  });
  if (!disable) return;
  await syncWebhookSubscriptions(ctx);
  await recordAudit(ctx, {
    action: "webhook_endpoint.disabled",
    targetType: "webhook_endpoint",
    targetId: endpoint.id,
    before: { enabled: true },
    after: { enabled: false, reason, failingSince, consecutiveFailures: current.consecutive_failures + 1 },
  });
  await enqueueJob(ctx, mailEndpointDisabledJob, { endpointId: endpoint.id });
}

/** An endpoint's deliveries, newest first, each with its attempts (admins). */
export async function listWebhookDeliveries(
  ctx: Context,
  endpointId: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<WebhookDeliveryView>> {
  requireAdmin(ctx.actor);
  if (!(await findEndpoint(ctx.db, endpointId)))
    throw new NotFoundError(`No webhook endpoint ${endpointId}.`);
  const limit = query.limit ?? 50;
  const position = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listDeliveryRows(ctx.db, endpointId, {
    ...(position ? { before: { createdAt: String(position.value), id: position.id } } : {}),
    limit: limit + 1,
  });
  const shown = rows.slice(0, limit);
  const attempts = await attemptsOf(
    ctx.db,
    shown.map((row) => row.id),
  );
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: shown.map((row) =>
      presentDelivery(
        row,
        attempts.filter((a) => a.delivery_id === row.id),
      ),
    ),
    nextCursor: last ? encodeCursor({ value: last.created_at, id: last.id }) : null,
  };
}

/**
 * Sends a delivery again now (admins), whatever became of it: one attempt with the same `webhook-id`, so
 * a receiver that took it before can tell. It works on a disabled endpoint too, to try a fixed receiver
 * before enabling it again.
 */
export async function redeliverWebhook({
  ctx,
  id,
}: {
  ctx: Context;
  id: string;
}): Promise<WebhookDeliveryView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const delivery = await findDeliveryRow(tx.db, id);
    if (!delivery) throw new NotFoundError(`No webhook delivery ${id}.`);
    const now = tx.clock.now().toISOString();
    await updateDeliveryRow(tx.db, id, { state: "pending", next_attempt_at: now });
    await enqueueJob(tx, deliverWebhookJob, { deliveryId: id, manual: true } satisfies DeliverWebhookPayload);
    await recordAudit(tx, {
      action: "webhook_delivery.redelivered",
      targetType: "webhook_delivery",
      targetId: id,
      before: { state: delivery.state },
      after: { state: "pending" },
    });
    const updated = (await findDeliveryRow(tx.db, id)) as WebhookDeliveryRow;
    return presentDelivery(updated, await attemptsOf(tx.db, [id]));
  });
}
