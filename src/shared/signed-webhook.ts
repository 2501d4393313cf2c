import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A receiver that does not answer in this long is treated as down: the caller's job tries again. */
export const webhookTimeoutMs = 10_000;

/** How much of a receiver's answer is kept for the record: enough to read an error, never a page. */
export const keptResponseChars = 1000;

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** What a receiver made of one post: its status and the start of its body, or why there was no answer. */
export interface WebhookAnswer {
  ok: boolean;
  /** null when no answer came: refused connection, timeout, DNS failure. */
  status: number | null;
  body: string;
  error: string | null;
  durationMs: number;
}

/** The answer in one line for a record: `503 try later`, `200`, or the failure's message. */
export function describeAnswer(answer: WebhookAnswer, bodyChars = 200): string {
  if (answer.status === null) return answer.error ?? "no answer";
  const body = answer.body.slice(0, bodyChars);
  return `${answer.status}${body ? ` ${body}` : ""}`;
}

/**
 * Posts JSON to a webhook, signed the Standard Webhooks way when `signing` is given (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, so any of its libraries verifies it). Several secrets give
 * several space-separated signatures, as the spec allows while a rotated secret is still honoured. A
 * redirect is an answer, not followed: a receiver must not bounce Tend's post to an address nobody
 * checked. Never throws: a refused connection or a timeout is an answer without a status.
 */
export async function postWebhook(input: {
  url: string;
  body: string;
  signing?: { secrets: readonly string[]; messageId: string; at: Date };
}): Promise<WebhookAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (input.signing) {
    const { secrets, messageId, at } = input.signing;
    headers["webhook-id"] = messageId;
    headers["webhook-timestamp"] = String(Math.floor(at.getTime() / 1000));
    headers["webhook-signature"] = secrets
      .map((secret) => new Webhook(secret).sign(messageId, at, input.body))
      .join(" ");
  }
  // Measured, not domain time: how long the receiver took is a fact of this post.
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(input.url, {
      method: "POST",
      headers,
      body: input.body,
      redirect: "manual",
      signal: AbortSignal.timeout(webhookTimeoutMs),
    });
    const body = (await response.text().catch(() => "")).slice(0, keptResponseChars);
    return { ok: response.ok, status: response.status, body, error: null, durationMs: elapsed() };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      status: null,
      body: "",
      error: cause ? `${message}: ${cause}` : message,
      durationMs: elapsed(),
    };
  }
}
