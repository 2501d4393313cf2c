import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * GitHub's webhook signature (docs.github.com, "Validating webhook deliveries"): `X-Hub-Signature-256`
 * is `sha256=` + hex HMAC-SHA256 of the body as sent, under the webhook's secret. The body must be
 * the raw bytes: re-serialising the parsed JSON changes spacing and escapes and breaks the match.
 * Pure.
 */

export type GithubSignatureCheck = { valid: true } | { valid: false; reason: string };

export function githubSignature(secret: string, rawBody: Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

export function checkGithubSignature(input: {
  secret: string;
  signature: string | undefined;
  rawBody: Buffer;
}): GithubSignatureCheck {
  if (!input.signature) return { valid: false, reason: "X-Hub-Signature-256 is missing" };
  const expected = Buffer.from(githubSignature(input.secret, input.rawBody));
  const given = Buffer.from(input.signature);
  // timingSafeEqual throws on unequal lengths; the length of a hex digest is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: "X-Hub-Signature-256 does not match the body" };
  return { valid: true };
}
