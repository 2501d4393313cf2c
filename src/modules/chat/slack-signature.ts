import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack's request signing, v0 (api.slack.com/authentication/verifying-requests-from-slack): the
 * signature is `v0=` + hex HMAC-SHA256, under the app's signing secret, of `v0:<timestamp>:<body>`,
 * where the body is the bytes as sent — re-encoding the parsed form would change `+` and `%20`
 * and break the match. Pure: the caller passes the clock's instant.
 */

/** Slack's own advice: a request older (or newer) than five minutes may be a replay. */
export const slackSignatureToleranceSeconds = 5 * 60;

export type SlackSignatureCheck = { valid: true } | { valid: false; reason: string };

export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

export function checkSlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
  nowMs: number;
}): SlackSignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { valid: false, reason: "X-Slack-Request-Timestamp is missing or not a Unix time" };
  if (!signature) return { valid: false, reason: "X-Slack-Signature is missing" };
  const age = Math.abs(input.nowMs / 1000 - Number(timestamp));
  if (age > slackSignatureToleranceSeconds)
    return { valid: false, reason: "the request's timestamp is more than five minutes away: a replay?" };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  // timingSafeEqual throws on unequal lengths; the length of a hex digest is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: "X-Slack-Signature does not match the body" };
  return { valid: true };
}
