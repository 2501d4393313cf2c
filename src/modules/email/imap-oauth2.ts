import { createHash } from "node:crypto";
import type { ImapOAuth2Config } from "../../config.js";
import type { Context } from "../../shared/context.js";
import { findImapOAuthTokens, saveImapOAuthTokens } from "./imap-mailbox-repository.js";

// An access token this close to its expiry is renewed first: the sign-in must not race it.
const renewBeforeMs = 60_000;
const timeoutMs = 30_000;

function originOf(refreshToken: string): string {
  return createHash("sha256").update(refreshToken).digest("hex");
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * The access token the poll signs in with (XOAUTH2), called while the poll lease is held so one
 * process refreshes at a time. A stored one serves until a minute before it expires; then the
 * refresh token (RFC 6749 §6) buys a new one. The provider may rotate the refresh token (Microsoft
 * does on every refresh): the new one replaces the stored one, sealed with TEND_SECRET_KEY like
 * the access token, so a copy of the database alone yields neither.
 */
export async function imapAccessToken(
  ctx: Context,
  mailbox: { key: string; leaseOwner: string },
  settings: ImapOAuth2Config,
): Promise<string> {
  const box = ctx.secretBox;
  if (!box) throw new Error("IMAP OAuth2 needs TEND_SECRET_KEY to keep its tokens");
  const binding = `imap-oauth2:${mailbox.key}`;
  const origin = originOf(settings.refreshToken);
  const stored = await findImapOAuthTokens(ctx.db, mailbox.key);
  // Tokens descending from another configured refresh token belong to an earlier consent.
  const current = stored.origin === origin ? stored : null;
  const now = ctx.clock.now().getTime();
  if (
    current?.accessToken &&
    current.accessExpiresAt &&
    Date.parse(current.accessExpiresAt) - renewBeforeMs > now
  )
    return box.open(current.accessToken, binding);

  const refreshToken = current?.refreshToken
    ? box.open(current.refreshToken, binding)
    : settings.refreshToken;
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: settings.clientId,
  });
  if (settings.clientSecret) form.set("client_secret", settings.clientSecret);
  if (settings.scope) form.set("scope", settings.scope);
  const response = await fetch(settings.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: form,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
  if (!response.ok || typeof answer.access_token !== "string") {
    const reason = [answer.error, answer.error_description]
      .filter((part) => typeof part === "string")
      .join(": ");
    throw new Error(`IMAP OAuth2 token refresh refused (${response.status}${reason ? ` ${reason}` : ""})`);
  }
  const expiresInSeconds = typeof answer.expires_in === "number" ? answer.expires_in : 0;
  await saveImapOAuthTokens(ctx.db, mailbox.key, mailbox.leaseOwner, {
    origin,
    refreshToken: box.seal(
      typeof answer.refresh_token === "string" ? answer.refresh_token : refreshToken,
      binding,
    ),
    accessToken: box.seal(answer.access_token, binding),
    accessExpiresAt: new Date(now + expiresInSeconds * 1000).toISOString(),
  });
  return answer.access_token;
}
