import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "./webhook-repository.js";

/** An endpoint as admins see it: never its secret, which is shown once, on creation and rotation. */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  eventKinds: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  consecutiveFailures: number;
  /** Until when the secret a rotation replaced still signs deliveries; null when none does. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookAttemptView {
  attempt: number;
  manual: boolean;
  at: string;
  statusCode: number | null;
  responseBody: string;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventKind: string;
  state: string;
  attempts: WebhookAttemptView[];
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export function endpointKinds(row: WebhookEndpointRow): string[] {
  return JSON.parse(row.event_kinds) as string[];
}

export function presentEndpoint(row: WebhookEndpointRow, now: Date): WebhookEndpointView {
  const previousLive =
    row.previous_secret_expires_at !== null && Date.parse(row.previous_secret_expires_at) > now.getTime();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventKinds: endpointKinds(row),
    enabled: row.enabled === 1,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    consecutiveFailures: row.consecutive_failures,
    previousSecretExpiresAt: previousLive ? row.previous_secret_expires_at : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentDelivery(
  row: WebhookDeliveryRow,
  attempts: readonly WebhookAttemptRow[],
): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventKind: row.event_kind,
    state: row.state,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      manual: a.manual === 1,
      at: a.at,
      statusCode: a.status_code,
      responseBody: a.response_body,
      error: a.error,
      durationMs: a.duration_ms,
    })),
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}
