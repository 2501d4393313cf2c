import {
  ConflictError,
  NotFoundError,
  TooManyRequestsError,
  UnprocessableContentError,
  ValidationError,
} from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { HOUR, MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { newId } from "../../shared/ids.js";
import { newWebhookSecret } from "../../shared/signed-webhook.js";
import { recordAudit } from "../audit/record-audit.js";
import { deliverMail, failureAnswer, newMessageId } from "../email/deliver-mail.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import { secondsUntil, type ThrottleKey, type ThrottleLimit } from "../identity/sign-in-throttle.js";
import { activeLockouts, recordFailure } from "../identity/sign-in-throttle-repository.js";
import { subscriptionConfirmationMail } from "./status-announcement-mail.js";
import {
  componentIdsOfSubscribers,
  componentNames,
  confirmSubscriber,
  deleteSubscriber,
  existingComponentIds,
  findConfirmationToken,
  findSubscriberByEmail,
  findSubscriberById,
  findSubscriberByUnsubscribeToken,
  insertConfirmationToken,
  insertSubscriber,
  listSubscriberRows,
  recordSubscriberDelivery,
  type StatusSubscriberRow,
  type SubscriberKind,
  setSubscriberScope,
  spendConfirmationToken,
} from "./subscription-repository.js";

export const sendSubscriptionConfirmationJob = "status.send-subscription-confirmation";
export const confirmationLifetimeMs = 48 * HOUR;

// Each request may mail someone, so requests are counted (as sign-in links are), under keys of their own:
// a few a quarter-hour per address keeps the form from mail-bombing anyone, and a budget per caller keeps one
// client from mailing many addresses. Counted in the database, so every web process shares them.
export const subscriptionRequestsPerAddress: ThrottleLimit = {
  maxFailures: 3,
  windowMs: 15 * MINUTE,
  lockoutMs: 60 * MINUTE,
};
export const subscriptionRequestsPerCaller: ThrottleLimit = {
  maxFailures: 10,
  windowMs: 15 * MINUTE,
  lockoutMs: 15 * MINUTE,
};

function subscriptionThrottles(email: string, caller: string | undefined): ThrottleKey[] {
  const keys: ThrottleKey[] = [
    { key: `status-subscription:address:${email}`, limit: subscriptionRequestsPerAddress },
  ];
  if (caller) keys.push({ key: `status-subscription:ip:${caller}`, limit: subscriptionRequestsPerCaller });
  return keys;
}

/** Addresses are compared as people type them, ignoring case and surrounding spaces. */
export function normalizedEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  if (trimmed.length > 254 || !/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/.test(trimmed))
    throw ValidationError.field("email", "must be an email address such as name@example.com");
  return trimmed;
}

async function checkedComponentIds(ctx: Context, field: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length > 100) throw ValidationError.field(field, "at most 100 components");
  const known = await existingComponentIds(ctx.db, unique);
  const unknown = unique.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw UnprocessableContentError.field(field, `no component of the status page is ${unknown[0]}`);
  return unique;
}

/** Every component, for the form's choices. */
export async function subscribableComponents(ctx: Context): Promise<Array<{ id: string; name: string }>> {
  const rows = await ctx.db
    .selectFrom("status_components")
    .select(["id", "name"])
    .orderBy("group_name")
    .orderBy("position")
    .orderBy("name")
    .execute();
  return rows;
}

/**
 * Someone asks for status mail (no sign-in). The answer is the same whether the address is new, waiting
 * for confirmation or subscribed already (no enumeration): a new or unconfirmed address gets a confirmation
 * mail, queued through the outbox; a confirmed one gets nothing, and its components stay as its owner chose.
 */
export async function subscribeByEmail(
  ctx: Context,
  input: { email: string; componentIds: readonly string[] },
  caller?: string,
): Promise<void> {
  const email = normalizedEmail(input.email);
  const componentIds = await checkedComponentIds(ctx, "component", input.componentIds);
  const now = ctx.clock.now();
  const throttles = subscriptionThrottles(email, caller);
  const lockouts = await activeLockouts(
    ctx.db,
    throttles.map((t) => t.key),
    now.toISOString(),
  );
  if (lockouts.length > 0) {
    ctx.logger.info({ reason: "too many subscription requests" }, "status subscription refused");
    throw new TooManyRequestsError(
      "Too many subscription requests for this address or from this network: try again later.",
      secondsUntil(lockouts, now),
    );
  }
  for (const throttle of throttles) await recordFailure(ctx.db, throttle, now);
  await inTransaction(ctx, async (tx) => {
    const existing = await findSubscriberByEmail(tx.db, email);
    if (existing?.confirmed_at) {
      tx.logger.info(
        { subscriberId: existing.id },
        "status subscription asked for again: subscribed already",
      );
      return;
    }
    let subscriberId = existing?.id;
    if (subscriberId) await setSubscriberScope(tx.db, subscriberId, componentIds);
    else {
      subscriberId = newId();
      await insertSubscriber(
        tx.db,
        {
          id: subscriberId,
          kind: "email",
          email,
          webhook_url: null,
          webhook_secret: null,
          all_components: componentIds.length === 0 ? 1 : 0,
          confirmed_at: null,
          created_by: null,
          last_delivery_at: null,
          last_delivery_answer: null,
          created_at: now.toISOString(),
        },
        componentIds,
      );
    }
    await enqueueJob(tx, sendSubscriptionConfirmationJob, { subscriberId });
  });
}

export function confirmationUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/status/subscriptions/confirm?token=${token}`;
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/status/subscriptions/unsubscribe?token=${token}`;
}

/**
 * The `status.send-subscription-confirmation` job (registered only with a relay): the token is made here,
 * at sending, and only its SHA-256 stored, so the plain token exists only in the mail. An address confirmed
 * or removed meanwhile gets nothing.
 */
export async function sendSubscriptionConfirmation(
  ctx: Context,
  subscriberId: string,
  settings: OutboundEmailSettings & { relayUrl: string },
): Promise<void> {
  const subscriber = await findSubscriberById(ctx.db, subscriberId);
  if (!subscriber?.email || subscriber.confirmed_at) return;
  const token = newSecret("");
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + confirmationLifetimeMs);
  await insertConfirmationToken(ctx.db, {
    token_hash: hashSecret(token),
    subscriber_id: subscriber.id,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  const chosen = (await componentIdsOfSubscribers(ctx.db, [subscriber.id])).get(subscriber.id) ?? [];
  try {
    const outcome = await deliverMail(settings.relayUrl, {
      ...subscriptionConfirmationMail({
        confirmUrl: confirmationUrl(settings.publicUrl, token),
        expiresAt,
        components: await componentNames(ctx.db, chosen),
      }),
      messageId: newMessageId(settings.mailFrom),
      from: settings.mailFrom,
      to: { name: "", address: subscriber.email },
    });
    await recordSubscriberDelivery(ctx.db, subscriber.id, ctx.clock.now().toISOString(), outcome.answer);
    ctx.logger.info(
      { subscriberId, state: outcome.state },
      "status subscription confirmation handed to the relay",
    );
  } catch (error) {
    await recordSubscriberDelivery(
      ctx.db,
      subscriber.id,
      ctx.clock.now().toISOString(),
      failureAnswer(error),
    );
    throw error;
  }
}

export const confirmationRefusals = {
  invalid: "This confirmation link is not valid. Subscribe again from the status page.",
  used: "This confirmation link was used already: each one works once. The subscription stands.",
  expired: "This confirmation link has expired (links last 48 hours). Subscribe again from the status page.",
};

/** Spends a confirmation link and confirms its address; answers the components it is for (none: all). */
export async function confirmSubscription(
  ctx: Context,
  token: string,
): Promise<Array<{ id: string; name: string }>> {
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const tokenHash = hashSecret(token);
    const row = await findConfirmationToken(tx.db, tokenHash);
    if (!row) throw ValidationError.field("token", confirmationRefusals.invalid);
    if (row.used_at !== null) throw ValidationError.field("token", confirmationRefusals.used);
    if (row.expires_at <= now) throw ValidationError.field("token", confirmationRefusals.expired);
    if (!(await spendConfirmationToken(tx.db, tokenHash, now)))
      throw ValidationError.field("token", confirmationRefusals.used);
    await confirmSubscriber(tx.db, row.subscriber_id, now);
    const chosen = (await componentIdsOfSubscribers(tx.db, [row.subscriber_id])).get(row.subscriber_id) ?? [];
    return componentNames(tx.db, chosen);
  });
}

/**
 * RFC 8058 one-click unsubscribe: the token from any announcement mail removes its subscriber. A token that
 * names nobody (unsubscribed already) is answered the same, since a mail client posting it cannot act on a refusal.
 */
export async function unsubscribe(ctx: Context, token: string): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const found = await findSubscriberByUnsubscribeToken(tx.db, hashSecret(token));
    if (!found) return false;
    const removed = await deleteSubscriber(tx.db, found.subscriber_id);
    if (removed) tx.logger.info({ subscriberId: found.subscriber_id }, "status subscriber unsubscribed");
    return removed;
  });
}

// --- The admin API: staff read, admins change, audited.

export interface StatusSubscriberView {
  id: string;
  kind: SubscriberKind;
  /** Email subscribers only. */
  email: string | null;
  /** Webhook subscribers only: the host it posts to; the URL may carry a credential of its own. */
  webhookHost: string | null;
  allComponents: boolean;
  componentIds: string[];
  confirmedAt: string | null;
  lastDeliveryAt: string | null;
  lastDeliveryAnswer: string | null;
  createdAt: string;
}

function presentSubscriber(row: StatusSubscriberRow, componentIds: string[], webhookUrl: string | null) {
  return {
    id: row.id,
    kind: row.kind as SubscriberKind,
    email: row.email,
    webhookHost: webhookUrl ? new URL(webhookUrl).host : null,
    allComponents: row.all_components === 1,
    componentIds,
    confirmedAt: row.confirmed_at,
    lastDeliveryAt: row.last_delivery_at,
    lastDeliveryAnswer: row.last_delivery_answer,
    createdAt: row.created_at,
  } satisfies StatusSubscriberView;
}

const webhookBinding = (subscriberId: string) => `status-subscriber:${subscriberId}`;

/** The subscriber's webhook URL and signing secret, opened for the delivery job. */
export function openWebhook(ctx: Context, row: StatusSubscriberRow): { url: string; secret: string } {
  if (!row.webhook_url || !row.webhook_secret) throw new Error(`status subscriber ${row.id} has no webhook`);
  const open = (stored: string) => {
    if (!stored.startsWith("v1.")) return stored;
    if (!ctx.secretBox) throw new Error("a sealed status webhook needs TEND_SECRET_KEY to be read");
    return ctx.secretBox.open(stored, webhookBinding(row.id));
  };
  return { url: open(row.webhook_url), secret: open(row.webhook_secret) };
}

async function present(ctx: Context, rows: StatusSubscriberRow[]): Promise<StatusSubscriberView[]> {
  const chosen = await componentIdsOfSubscribers(
    ctx.db,
    rows.map((row) => row.id),
  );
  return rows.map((row) =>
    presentSubscriber(row, chosen.get(row.id) ?? [], row.webhook_url ? openWebhook(ctx, row).url : null),
  );
}

export async function listStatusSubscribers(
  ctx: Context,
  query: { kind?: SubscriberKind; limit?: number; cursor?: string },
): Promise<Page<StatusSubscriberView>> {
  requireStaff(ctx.actor);
  const limit = query.limit ?? 50;
  const position = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listSubscriberRows(ctx.db, {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(position ? { after: { createdAt: String(position.value), id: position.id } } : {}),
    limit: limit + 1,
  });
  const items = await present(ctx, rows.slice(0, limit));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, nextCursor: last ? encodeCursor({ value: last.created_at, id: last.id }) : null };
}

function checkedWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ValidationError.field("url", "must be an absolute http or https URL");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw ValidationError.field("url", "must be an http or https URL");
  return parsed.toString();
}

export async function createWebhookSubscriber({
  ctx,
  input,
}: {
  ctx: Context;
  input: { url: string; componentIds?: string[] };
}): Promise<{ subscriber: StatusSubscriberView; secret: string }> {
  requireAdmin(ctx.actor);
  const url = checkedWebhookUrl(input.url);
  const componentIds = await checkedComponentIds(ctx, "componentIds", input.componentIds ?? []);
  const secret = newWebhookSecret();
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    const now = tx.clock.now().toISOString();
    const seal = (plain: string) => (tx.secretBox ? tx.secretBox.seal(plain, webhookBinding(id)) : plain);
    const row: StatusSubscriberRow = {
      id,
      kind: "webhook",
      email: null,
      webhook_url: seal(url),
      webhook_secret: seal(secret),
      all_components: componentIds.length === 0 ? 1 : 0,
      // An admin's own endpoint needs no opt-in.
      confirmed_at: now,
      created_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      last_delivery_at: null,
      last_delivery_answer: null,
      created_at: now,
    };
    await insertSubscriber(tx.db, row, componentIds);
    await recordAudit(tx, {
      action: "status_subscriber.created",
      targetType: "status_subscriber",
      targetId: id,
      after: { kind: "webhook", host: new URL(url).host, componentIds },
    });
    return { subscriber: presentSubscriber(row, componentIds, url), secret };
  });
}

export async function deleteStatusSubscriber({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const row = await findSubscriberById(tx.db, id);
    if (!row) throw new NotFoundError(`No status subscriber ${id}.`);
    await deleteSubscriber(tx.db, id);
    await recordAudit(tx, {
      action: "status_subscriber.deleted",
      targetType: "status_subscriber",
      targetId: id,
      before: { kind: row.kind, confirmed: row.confirmed_at !== null },
    });
  });
}

/** Mails an unconfirmed address a fresh confirmation link (the earlier ones keep working until they expire). */
export async function resendSubscriptionConfirmation({
  ctx,
  id,
}: {
  ctx: Context;
  id: string;
}): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const row = await findSubscriberById(tx.db, id);
    if (!row) throw new NotFoundError(`No status subscriber ${id}.`);
    if (row.kind !== "email") throw new ConflictError("A webhook subscriber has nothing to confirm.");
    if (row.confirmed_at) throw new ConflictError("This address has confirmed its subscription already.");
    await enqueueJob(tx, sendSubscriptionConfirmationJob, { subscriberId: id });
    await recordAudit(tx, {
      action: "status_subscriber.confirmation_resent",
      targetType: "status_subscriber",
      targetId: id,
    });
  });
}
