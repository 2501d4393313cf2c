import { NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { HOUR } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import {
  type DomainEventKind,
  domainEventKinds,
  setDomainEventSubscriptions,
} from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { isSealed } from "../../shared/secret-box.js";
import { newWebhookSecret } from "../../shared/signed-webhook.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { endpointKinds, presentEndpoint, type WebhookEndpointView } from "./webhook-presenter.js";
import {
  deleteEndpoint,
  enabledEndpoints,
  findEndpoint,
  insertEndpoint,
  listEndpointRows,
  updateEndpoint,
  type WebhookEndpointRow,
} from "./webhook-repository.js";
import { checkedEndpointUrl, type WebhookTargetPolicy } from "./webhook-target.js";

/** The job every domain event an enabled endpoint hears is handed to (`deliver-webhooks.ts`). */
export const fanOutWebhooksJob = "webhooks.fan-out";

/** How long a rotated-out secret keeps signing, so receivers can switch without losing a delivery. */
export const previousSecretLifetimeMs = 24 * HOUR;

const binding = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/** The secrets a delivery at `now` is signed with: the current one, and the replaced one while it lasts. */
export function signingSecrets(ctx: Context, row: WebhookEndpointRow, now: Date): string[] {
  const open = (stored: string) => {
    if (!isSealed(stored)) return stored;
    if (!ctx.secretBox) throw new Error("a sealed webhook secret needs TEND_SECRET_KEY to be read");
    return ctx.secretBox.open(stored, binding(row.id));
  };
  const secrets = [open(row.secret)];
  if (
    row.previous_secret &&
    row.previous_secret_expires_at &&
    Date.parse(row.previous_secret_expires_at) > now.getTime()
  )
    secrets.push(open(row.previous_secret));
  return secrets;
}

function sealed(ctx: Context, endpointId: string, secret: string): string {
  return ctx.secretBox ? ctx.secretBox.seal(secret, binding(endpointId)) : secret;
}

/** Event kinds as an admin chose them: each one Tend publishes, or `*` for every one. */
function checkedEventKinds(kinds: readonly string[]): string[] {
  const unique = [...new Set(kinds.map((k) => k.trim()))];
  if (unique.length === 0) throw ValidationError.field("eventKinds", "choose at least one event kind, or *");
  unique.forEach((kind, index) => {
    if (kind !== "*" && !(kind in domainEventKinds))
      throw UnprocessableContentError.field(`eventKinds/${index}`, `Tend publishes no event "${kind}"`);
  });
  return unique.includes("*") ? ["*"] : unique.sort();
}

function checkedDescription(description: string | undefined): string {
  return (description ?? "").trim();
}

/**
 * Keeps the outbox's subscription for the fan-out job in step with the enabled endpoints, in the
 * transaction that changed them: events are queued for webhooks only while some endpoint hears them.
 */
export async function syncWebhookSubscriptions(ctx: Context): Promise<void> {
  const kinds = (await enabledEndpoints(ctx.db)).flatMap(endpointKinds) as Array<DomainEventKind | "*">;
  await setDomainEventSubscriptions(ctx.db, fanOutWebhooksJob, kinds.includes("*") ? ["*"] : kinds);
}

/** What the audit trail keeps of an endpoint: never its secret, which `redactSecrets` would miss by name. */
function audited(row: WebhookEndpointRow) {
  return {
    url: row.url,
    description: row.description,
    eventKinds: endpointKinds(row),
    enabled: row.enabled === 1,
  };
}

async function existing(ctx: Context, id: string): Promise<WebhookEndpointRow> {
  const row = await findEndpoint(ctx.db, id);
  if (!row) throw new NotFoundError(`No webhook endpoint ${id}.`);
  return row;
}

export async function listWebhookEndpoints(
  ctx: Context,
  query: { limit?: number; cursor?: string },
): Promise<Page<WebhookEndpointView>> {
  requireAdmin(ctx.actor);
  const limit = query.limit ?? 50;
  const position = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listEndpointRows(ctx.db, {
    ...(position ? { after: { createdAt: String(position.value), id: position.id } } : {}),
    limit: limit + 1,
  });
  const now = ctx.clock.now();
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map((row) => presentEndpoint(row, now)),
    nextCursor: last ? encodeCursor({ value: last.created_at, id: last.id }) : null,
  };
}

export async function getWebhookEndpoint(ctx: Context, id: string): Promise<WebhookEndpointView> {
  requireAdmin(ctx.actor);
  return presentEndpoint(await existing(ctx, id), ctx.clock.now());
}

export interface EndpointInput {
  url: string;
  description?: string;
  eventKinds: string[];
  enabled?: boolean;
}

/** Adds an endpoint (admins); its `whsec_` secret is in this answer and in no other. */
export async function createWebhookEndpoint({
  ctx,
  input,
  policy,
}: {
  ctx: Context;
  input: EndpointInput;
  policy: WebhookTargetPolicy;
}): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  requireAdmin(ctx.actor);
  const url = await checkedEndpointUrl(input.url, policy);
  const eventKinds = checkedEventKinds(input.eventKinds);
  const secret = newWebhookSecret();
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    const now = tx.clock.now().toISOString();
    const row: WebhookEndpointRow = {
      id,
      url,
      description: checkedDescription(input.description),
      event_kinds: JSON.stringify(eventKinds),
      enabled: input.enabled === false ? 0 : 1,
      secret: sealed(tx, id, secret),
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
      consecutive_failures: 0,
      disabled_at: null,
      disabled_reason: null,
      created_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      created_at: now,
      updated_at: now,
    };
    await insertEndpoint(tx.db, row);
    await syncWebhookSubscriptions(tx);
    await recordAudit(tx, {
      action: "webhook_endpoint.created",
      targetType: "webhook_endpoint",
      targetId: id,
      after: audited(row),
    });
    return { endpoint: presentEndpoint(row, tx.clock.now()), secret };
  });
}

/**
 * Changes an endpoint (admins): only the fields given. Enabling one — after an automatic disabling or
 * not — starts its failure count afresh.
 */
export async function updateWebhookEndpoint({
  ctx,
  id,
  input,
  policy,
}: {
  ctx: Context;
  id: string;
  input: Partial<EndpointInput>;
  policy: WebhookTargetPolicy;
}): Promise<WebhookEndpointView> {
  requireAdmin(ctx.actor);
  const url = input.url === undefined ? undefined : await checkedEndpointUrl(input.url, policy);
  const eventKinds = input.eventKinds === undefined ? undefined : checkedEventKinds(input.eventKinds);
  return inTransaction(ctx, async (tx) => {
    const before = await existing(tx, id);
    const now = tx.clock.now().toISOString();
    const enabling = input.enabled === true && before.enabled === 0;
    const disabling = input.enabled === false && before.enabled === 1;
    await updateEndpoint(tx.db, id, {
      ...(url !== undefined ? { url } : {}),
      ...(input.description !== undefined ? { description: checkedDescription(input.description) } : {}),
      ...(eventKinds !== undefined ? { event_kinds: JSON.stringify(eventKinds) } : {}),
      ...(enabling
        ? {
            enabled: 1,
            failing_since: null,
            consecutive_failures: 0,
            disabled_at: null,
            disabled_reason: null,
          }
        : {}),
      ...(disabling ? { enabled: 0, disabled_at: now, disabled_reason: "disabled by an admin" } : {}),
      updated_at: now,
    });
    const after = await existing(tx, id);
    await syncWebhookSubscriptions(tx);
    await recordAudit(tx, {
      action: "webhook_endpoint.updated",
      targetType: "webhook_endpoint",
      targetId: id,
      before: audited(before),
      after: audited(after),
    });
    return presentEndpoint(after, tx.clock.now());
  });
}

export async function deleteWebhookEndpoint({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const before = await existing(tx, id);
    await deleteEndpoint(tx.db, id);
    await syncWebhookSubscriptions(tx);
    await recordAudit(tx, {
      action: "webhook_endpoint.deleted",
      targetType: "webhook_endpoint",
      targetId: id,
      before: audited(before),
    });
  });
}

/**
 * A new secret (admins), shown in this answer only. The replaced one keeps signing for 24 hours —
 * each delivery carries both signatures, as the Standard Webhooks spec allows — so receivers switch
 * without refusing a delivery in between.
 */
export async function rotateWebhookSecret({
  ctx,
  id,
}: {
  ctx: Context;
  id: string;
}): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  requireAdmin(ctx.actor);
  const secret = newWebhookSecret();
  return inTransaction(ctx, async (tx) => {
    const before = await existing(tx, id);
    const now = tx.clock.now();
    await updateEndpoint(tx.db, id, {
      secret: sealed(tx, id, secret),
      previous_secret: before.secret,
      previous_secret_expires_at: new Date(now.getTime() + previousSecretLifetimeMs).toISOString(),
      updated_at: now.toISOString(),
    });
    await recordAudit(tx, {
      action: "webhook_endpoint.secret_rotated",
      targetType: "webhook_endpoint",
      targetId: id,
      after: { previousSecretValidFor: "24h" },
    });
    return { endpoint: presentEndpoint(await existing(tx, id), now), secret };
  });
}
