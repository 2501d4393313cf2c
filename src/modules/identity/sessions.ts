import { createHmac } from "node:crypto";
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from "../../errors.js";
import { HOUR, MINUTE } from "../../shared/clock.js";
import { type Context, withActor } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Actor, PersonActor, Role } from "./actor.js";
import {
  deleteSession,
  deleteSessionsOfPerson,
  findSessionHolder,
  findTokenHolder,
  insertSession,
  touchApiToken,
  touchSession,
} from "./credential-repository.js";
import type { CustomerTicketVisibility } from "./organization.js";
import { spendVerificationTime, verifyPassword } from "./passwords.js";
import { findPersonByEmail } from "./person-repository.js";
import { hashSecret, newSecret } from "./secrets.js";
import { challengeSecondFactor, type SecondFactorRequired } from "./sign-in-challenge.js";
import { accountLimit, secondsUntil, throttleKeys } from "./sign-in-throttle.js";
import { activeLockouts, clearFailures, recordFailure } from "./sign-in-throttle-repository.js";
import { parseTokenScopes, roleThroughToken } from "./token-scopes.js";
import { type TwoFactorRequirement, twoFactorRequiredFor } from "./two-factor.js";
import { findTwoFactorStanding, hasTwoFactor } from "./two-factor-repository.js";
import { queueUnlockEmail } from "./unlock-by-email.js";

/** What opens a sign-in before any second factor: a password, or a customer's emailed link. */
export type FirstFactor = "password" | "email_link";

/** How a session was opened; recorded on the session and in its `auth.signed_in` audit record. */
export type SignInMethod = FirstFactor | `${FirstFactor}+totp` | `${FirstFactor}+recovery-code` | "oidc";

export const sessionCookieName = "tend_session";
export const sessionAbsoluteLifetimeMs = 12 * HOUR;
export const sessionIdleLifetimeMs = 2 * HOUR;
// Bookkeeping writes (last seen, last used) are throttled: one per minute is precise enough
// for idle timeouts and keeps every authenticated request from becoming a write.
const touchIntervalMs = MINUTE;

/**
 * The token a cookie-authenticated write must carry in `X-CSRF-Token` (src/http/csrf.ts): an HMAC
 * keyed with the session's own secret, so it is bound to one session, changes when the session
 * does, cannot be derived from the stored id hash, and needs no server key to manage. Only a page
 * that was handed it (the sign-in response, `GET /auth/session`) knows it; another site cannot read it.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac("sha256", sessionSecret).update("tend csrf token v1").digest("base64url");
}

/**
 * Signs in with email and password; returns the session secret for the cookie, or — for someone
 * with two-factor sign-in on — a challenge to finish with a code (`second-factor-sign-in.ts`).
 * Failures count against the email and the caller's address (`sign-in-throttle.ts`); while either
 * is locked out the attempt is refused before any password is checked, right or wrong.
 */
export async function signIn(
  ctx: Context,
  email: string,
  password: string,
  address?: string,
  policy: { agentsMustUseSingleSignOn: boolean } = { agentsMustUseSingleSignOn: false },
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor } | SecondFactorRequired> {
  const throttles = throttleKeys(email, address);
  const lockouts = await activeLockouts(
    ctx.db,
    throttles.map((t) => t.key),
    ctx.clock.now().toISOString(),
  );
  if (lockouts.length > 0) {
    ctx.logger.info({ reason: "locked out after repeated failures" }, "sign-in refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: null,
      after: { email: email.trim().toLowerCase(), reason: "locked out after repeated failures" },
    });
    throw new TooManyRequestsError(
      "Too many failed sign-ins for this account or address: try again later.",
      secondsUntil(lockouts, ctx.clock.now()),
    );
  }
  const person = await findPersonByEmail(ctx.db, email.trim());
  // A deactivated account is answered as an unknown one, in the same time: the password is not
  // checked, so a right one teaches nothing either.
  if (!person?.password_hash || person.deactivated_at) {
    await spendVerificationTime(password);
    const reason = person?.deactivated_at ? "account deactivated" : "unknown account or no password";
    ctx.logger.info({ reason }, "sign-in refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: person?.id ?? null,
      after: { email: email.trim().toLowerCase(), reason },
    });
    for (const throttle of throttles) await recordFailure(ctx.db, throttle, ctx.clock.now());
    throw new UnauthorizedError("Email or password is wrong.");
  }
  if (!(await verifyPassword(person.password_hash, password))) {
    ctx.logger.info({ personId: person.id, reason: "wrong password" }, "sign-in refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: person.id,
      after: { email: person.email, reason: "wrong password" },
    });
    for (const throttle of throttles) {
      const lockoutStarted = await recordFailure(ctx.db, throttle, ctx.clock.now());
      // The owner of a staff account just locked is mailed an unlock link, once per lockout. An
      // unknown email is counted the same (above) and answered the same, but nobody is mailed.
      if (lockoutStarted && throttle.limit === accountLimit) await queueUnlockEmail(ctx, person.id);
    }
    throw new UnauthorizedError("Email or password is wrong.");
  }
  // Checked after the password, so the refusal tells only someone who knows it that the account
  // is an agent's. Admins keep their password: the way in when the identity provider is down.
  if (policy.agentsMustUseSingleSignOn && person.role === "agent") {
    const reason = "agents must use single sign-on";
    ctx.logger.info({ personId: person.id, reason }, "sign-in refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: person.id,
      after: { email: person.email, reason },
    });
    throw new ForbiddenError("Agents sign in through single sign-on: GET /api/v1/auth/sso/start.");
  }
  // The password alone forgives nothing when a code must follow: otherwise each correct password
  // would reset the budget of someone guessing the code.
  if (await hasTwoFactor(ctx.db, person.id)) return challengeSecondFactor(ctx, person);
  // Success forgives the account's failures, not the address's: one valid account must not
  // reset the budget of a client guessing at others.
  await clearFailures(ctx.db, throttles[0]?.key ?? "");
  return startSession(ctx, person, "password");
}

/**
 * Opens a new session for a person who has proven who they are (password, second factor, single
 * sign-on). Always a fresh secret: a session is never carried across a sign-in, so a secret
 * planted before it (session fixation) is worthless after.
 */
export async function startSession(
  ctx: Context,
  person: { id: string; email: string; role: string; organization_id: string | null },
  method: SignInMethod,
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor }> {
  const now = ctx.clock.now();
  const sessionSecret = newSecret("");
  const expiresAt = new Date(now.getTime() + sessionAbsoluteLifetimeMs);
  await insertSession(ctx.db, {
    id_hash: hashSecret(sessionSecret),
    person_id: person.id,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    sign_in_method: method,
  });
  ctx.logger.info({ personId: person.id, method }, "signed in");
  await recordAudit(withActor(ctx, personActor(person)), {
    action: "auth.signed_in",
    targetType: "person",
    targetId: person.id,
    after: { email: person.email, method },
  });
  return { sessionSecret, expiresAt, actor: personActor(person) };
}

/**
 * Ends every session a person has, in the caller's transaction: after their role or password
 * changes (or they are deactivated) a browser signed in before must sign in again rather than
 * keep acting on what it was granted. API tokens are kept here: they read the person's role on every
 * request (`actorForApiToken`), so they act with the new role at once, within their scopes; a
 * deactivation revokes them itself (`deactivate-person.ts`).
 */
export async function endSessionsOf(ctx: Context, personId: string, reason: string): Promise<void> {
  const ended = await deleteSessionsOfPerson(ctx.db, personId);
  if (ended === 0) return;
  ctx.logger.info({ personId, sessions: ended, reason }, "sessions ended");
  await recordAudit(ctx, {
    action: "auth.sessions_ended",
    targetType: "person",
    targetId: personId,
    after: { sessions: ended, reason },
  });
}

export async function signOut(ctx: Context, sessionSecret: string): Promise<void> {
  await deleteSession(ctx.db, hashSecret(sessionSecret));
  await recordAudit(ctx, {
    action: "auth.signed_out",
    targetType: "person",
    targetId: ctx.actor.kind === "person" ? ctx.actor.personId : null,
  });
}

function personActor(holder: {
  id: string;
  role: string;
  organization_id: string | null;
  customer_ticket_visibility?: string | null;
}): PersonActor {
  return {
    kind: "person",
    personId: holder.id,
    role: holder.role as Role,
    organizationId: holder.organization_id,
    ...ticketVisibilityOf(holder),
  };
}

function ticketVisibilityOf(holder: { customer_ticket_visibility?: string | null }) {
  return holder.customer_ticket_visibility
    ? { ticketVisibility: holder.customer_ticket_visibility as CustomerTicketVisibility }
    : {};
}

/**
 * The actor behind a bearer token, acting with the role its scopes allow. An expired token is
 * treated exactly like a revoked or unknown one: the caller learns nothing about which it was.
 */
export async function actorForApiToken(ctx: Context, token: string): Promise<Actor | undefined> {
  const holder = await findTokenHolder(ctx.db, hashSecret(token));
  if (!holder) return undefined;
  const now = ctx.clock.now();
  if (holder.expires_at && now.getTime() >= Date.parse(holder.expires_at)) return undefined;
  if (!holder.last_used_at || now.getTime() - Date.parse(holder.last_used_at) >= touchIntervalMs) {
    await touchApiToken(ctx.db, holder.token_id, now.toISOString());
  }
  const scopes = parseTokenScopes(holder.scopes);
  return {
    kind: "person",
    personId: holder.id,
    role: roleThroughToken(holder.role as Role, scopes),
    organizationId: holder.organization_id,
    ...ticketVisibilityOf(holder),
    token: { id: holder.token_id, scopes },
  };
}

export async function actorForSession(ctx: Context, sessionSecret: string): Promise<Actor | undefined> {
  const idHash = hashSecret(sessionSecret);
  const holder = await findSessionHolder(ctx.db, idHash);
  if (!holder) return undefined;
  const now = ctx.clock.now().getTime();
  const idleFor = now - Date.parse(holder.last_seen_at);
  if (now >= Date.parse(holder.expires_at) || idleFor >= sessionIdleLifetimeMs) {
    await deleteSession(ctx.db, idHash);
    return undefined;
  }
  if (idleFor > touchIntervalMs) await touchSession(ctx.db, idHash, new Date(now).toISOString());
  // The identity provider authenticated a single sign-on session, under its own MFA policy: Tend's
  // TOTP requirement is for the accounts whose password Tend checks.
  if (holder.sign_in_method === "oidc") return personActor(holder);
  // Read on every request, so a requirement an admin sets binds sessions already open.
  const standing = await findTwoFactorStanding(ctx.db, holder.id);
  const requirement = standing.requirement as TwoFactorRequirement;
  if (!standing.enrolled && twoFactorRequiredFor(requirement, holder.role as Role)) {
    return { ...personActor(holder), mustEnrollTwoFactor: true };
  }
  return personActor(holder);
}
