import { createHash } from "node:crypto";
import type { ClaimedJob } from "../../jobs/job-runner.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { describeAnswer, postWebhook } from "../../shared/signed-webhook.js";
import { deliverMail, failureAnswer, mailDomainOf } from "../email/deliver-mail.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import { type AnnouncementContent, statusAnnouncementMail } from "./status-announcement-mail.js";
import type { StatusAnnouncement } from "./status-announcements.js";
import { openWebhook, unsubscribeUrl } from "./status-subscriptions.js";
import { statusWebhookPayload } from "./status-webhook-delivery.js";
import { announcementKey, subscribersToAnnounce } from "./subscriber-matching.js";
import {
  claimDelivery,
  confirmedSubscribers,
  findDelivery,
  findIncidentForAnnouncement,
  findMaintenanceForAnnouncement,
  findPublicIncidentUpdate,
  findSubscriberById,
  latestPublicIncidentUpdate,
  recordSubscriberDelivery,
  updateDelivery,
} from "./subscription-repository.js";

export const deliverStatusMailJob = "status.deliver-mail";
export const deliverStatusWebhookJob = "status.deliver-webhook";

export interface StatusDeliveryPayload {
  announcement: StatusAnnouncement;
  key: string;
  subscriberId: string;
}

const base = (publicUrl: string) => publicUrl.replace(/\/$/, "");

/**
 * What an announcement says, read now: null when there is nothing subscribers may hear — an incident not
 * (or no longer) published, an update that is an internal note, a change since deleted.
 */
export async function announcementContent(
  ctx: Context,
  announcement: StatusAnnouncement,
  publicUrl: string,
): Promise<AnnouncementContent | null> {
  if (announcement.kind === "incident_opened" || announcement.kind === "incident_updated") {
    const incident = await findIncidentForAnnouncement(ctx.db, announcement.incidentId);
    if (incident?.published !== 1) return null;
    const update =
      announcement.kind === "incident_updated"
        ? await findPublicIncidentUpdate(ctx.db, incident.id, announcement.updateId)
        : await latestPublicIncidentUpdate(ctx.db, incident.id);
    if (announcement.kind === "incident_updated" && !update) return null;
    return {
      kind: announcement.kind,
      incident: {
        id: incident.id,
        title: incident.title,
        state: incident.state,
        impact: incident.impact,
        startedAt: incident.started_at,
        resolvedAt: incident.resolved_at,
        components: incident.components,
        url: `${base(publicUrl)}/status/incidents/${incident.id}`,
      },
      update: update ?? null,
    };
  }
  const maintenance = await findMaintenanceForAnnouncement(ctx.db, announcement.maintenanceId);
  if (!maintenance) return null;
  return {
    kind: announcement.kind,
    maintenance: {
      id: maintenance.id,
      title: maintenance.title,
      description: maintenance.description,
      startsAt: maintenance.starts_at,
      endsAt: maintenance.ends_at,
      cancelledAt: maintenance.cancelled_at,
      components: maintenance.components,
      url: `${base(publicUrl)}/status`,
    },
  };
}

function affectedComponentIds(content: AnnouncementContent): string[] {
  return ("incident" in content ? content.incident : content.maintenance).components.map((c) => c.id);
}

/**
 * The `status.announce` job: one delivery job per matching confirmed subscriber, each claimed by its unique
 * (announcement, subscriber) row in the transaction that completes this job — a re-run claims nothing and
 * enqueues nothing. An unpublished incident (a security incident before anyone publishes it) reaches no one;
 * publishing it announces it then.
 */
export async function announceStatusChangeToSubscribers(
  ctx: Context,
  announcement: StatusAnnouncement,
  settings: { publicUrl: string },
  job: ClaimedJob,
): Promise<{ queued: number }> {
  const content = await announcementContent(ctx, announcement, settings.publicUrl);
  const key = announcementKey(announcement);
  const audience = content
    ? subscribersToAnnounce(await confirmedSubscribers(ctx.db), affectedComponentIds(content))
    : [];
  if (!content) ctx.logger.info({ key }, "status change not announced: nothing public to say");
  const queued = await inTransaction(ctx, async (tx) => {
    let count = 0;
    const now = tx.clock.now().toISOString();
    for (const subscriber of audience) {
      if (
        !(await claimDelivery(tx.db, {
          announcement_key: key,
          subscriber_id: subscriber.id,
          created_at: now,
        }))
      )
        continue;
      const kind = subscriber.kind === "email" ? deliverStatusMailJob : deliverStatusWebhookJob;
      await enqueueJob(tx, kind, {
        announcement,
        key,
        subscriberId: subscriber.id,
      } satisfies StatusDeliveryPayload);
      count += 1;
    }
    await job.markSucceededIn(tx);
    return count;
  });
  if (queued > 0) ctx.logger.info({ key, queued }, "status change announced to subscribers");
  return { queued };
}

/** The same id on every attempt: a mail or post sent twice after a crash is one message to its receiver. */
function deliveryDigest(payload: StatusDeliveryPayload): string {
  return createHash("sha256").update(`${payload.key}|${payload.subscriberId}`).digest("hex").slice(0, 32);
}

async function pendingDelivery(ctx: Context, payload: StatusDeliveryPayload) {
  const delivery = await findDelivery(ctx.db, payload.key, payload.subscriberId);
  if (delivery?.state !== "queued") return undefined;
  const subscriber = await findSubscriberById(ctx.db, payload.subscriberId);
  return subscriber?.confirmed_at ? subscriber : undefined;
}

async function finish(
  ctx: Context,
  payload: StatusDeliveryPayload,
  job: ClaimedJob,
  outcome: { state: string; answer: string },
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    await updateDelivery(tx.db, payload.key, payload.subscriberId, {
      state: outcome.state,
      answer: outcome.answer,
      sent_at: outcome.state === "sent" ? now : null,
    });
    await recordSubscriberDelivery(tx.db, payload.subscriberId, now, outcome.answer);
    await job.markSucceededIn(tx);
  });
}

/**
 * The `status.deliver-mail` job (registered only with a relay): one announcement to one confirmed address,
 * with a fresh unsubscribe token (stored as SHA-256 on the delivery row) in the body and in RFC 8058's
 * `List-Unsubscribe` headers. A refusal for good (5xx) is recorded and not retried; anything else retries.
 */
export async function deliverStatusMail(
  ctx: Context,
  payload: StatusDeliveryPayload,
  settings: OutboundEmailSettings & { relayUrl: string },
  job: ClaimedJob,
): Promise<void> {
  const subscriber = await pendingDelivery(ctx, payload);
  if (!subscriber?.email) return;
  const content = await announcementContent(ctx, payload.announcement, settings.publicUrl);
  if (!content) return finish(ctx, payload, job, { state: "skipped", answer: "nothing public to announce" });
  const token = newSecret("");
  const unsubscribe = unsubscribeUrl(settings.publicUrl, token);
  await updateDelivery(ctx.db, payload.key, payload.subscriberId, {
    state: "queued",
    answer: "sending",
    unsubscribe_token_hash: hashSecret(token),
  });
  const domain = mailDomainOf(settings.mailFrom);
  let outcome: { state: string; answer: string };
  try {
    outcome = await deliverMail(settings.relayUrl, {
      ...statusAnnouncementMail(content, unsubscribe),
      messageId: `<status-${deliveryDigest(payload)}@${domain}>`,
      from: settings.mailFrom,
      to: { name: "", address: subscriber.email },
      headers: {
        "List-Unsubscribe": `<${unsubscribe}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
  } catch (error) {
    const answer = failureAnswer(error);
    await updateDelivery(ctx.db, payload.key, payload.subscriberId, { state: "queued", answer });
    await recordSubscriberDelivery(ctx.db, payload.subscriberId, ctx.clock.now().toISOString(), answer);
    throw error;
  }
  await finish(ctx, payload, job, outcome);
}

/**
 * The `status.deliver-webhook` job: one signed post to one webhook subscriber. A non-2xx answer, a timeout or
 * a refused connection is recorded on the subscriber and thrown, for the runner's backoff to try again.
 */
export async function deliverStatusWebhook(
  ctx: Context,
  payload: StatusDeliveryPayload,
  settings: { publicUrl: string },
  job: ClaimedJob,
): Promise<void> {
  const subscriber = await pendingDelivery(ctx, payload);
  if (!subscriber?.webhook_url) return;
  const content = await announcementContent(ctx, payload.announcement, settings.publicUrl);
  if (!content) return finish(ctx, payload, job, { state: "skipped", answer: "nothing public to announce" });
  const { url, secret } = openWebhook(ctx, subscriber);
  // The same id on every attempt lets a receiver drop a retry of a post it did take.
  const posted = await postWebhook({
    url,
    body: JSON.stringify(statusWebhookPayload(content)),
    signing: { secrets: [secret], messageId: `msg_${deliveryDigest(payload)}`, at: ctx.clock.now() },
  });
  const answer = describeAnswer(posted);
  if (!posted.ok) {
    await updateDelivery(ctx.db, payload.key, payload.subscriberId, { state: "queued", answer });
    await recordSubscriberDelivery(ctx.db, payload.subscriberId, ctx.clock.now().toISOString(), answer);
    throw new Error(`the status webhook did not take the announcement: ${answer}`);
  }
  await finish(ctx, payload, job, { state: "sent", answer });
}
