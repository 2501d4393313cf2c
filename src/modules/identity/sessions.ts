import { TooManyRequestsError, UnauthorizedError } from "../../errors.js";
import { HOUR, MINUTE } from "../../shared/clock.js";
import { type Context, withActor } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Actor, Role } from "./actor.js";
import {
  deleteSession,
  findSessionHolder,
  findTokenHolder,
  insertSession,
  touchApiToken,
  touchSession,
} from "./credential-repository.js";
import { spendVerificationTime, verifyPassword } from "./passwords.js";
import { findPersonByEmail } from "./person-repository.js";
import { hashSecret, newSecret } from "./secrets.js";
import { secondsUntil, throttleKeys } from "./sign-in-throttle.js";
import { activeLockouts, clearFailures, recordFailure } from "./sign-in-throttle-repository.js";
import { parseTokenScopes, roleThroughToken } from "./token-scopes.js";

export const sessionCookieName = "tend_session";
export const sessionAbsoluteLifetimeMs = 12 * HOUR;
export const sessionIdleLifetimeMs = 2 * HOUR;
// Bookkeeping writes (last seen, last used) are throttled: one per minute is precise enough
// for idle timeouts and keeps every authenticated request from becoming a write.
const touchIntervalMs = MINUTE;

/**
 * Signs in with email and password; returns the session secret for the cookie. Failures count
 * against the email and the caller's address (`sign-in-throttle.ts`); while either is locked out
 * the attempt is refused before any password is checked, right or wrong.
 */
export async function signIn(
  ctx: Context,
  email: string,
  password: string,
  address?: string,
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor }> {
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
  if (!person?.password_hash || person.role === "customer") {
    await spendVerificationTime(password);
    ctx.logger.info({ reason: "unknown account or no password" }, "sign-in refused");
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "person",
      targetId: person?.id ?? null,
      after: { email: email.trim().toLowerCase(), reason: "unknown account or no password" },
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
    for (const throttle of throttles) await recordFailure(ctx.db, throttle, ctx.clock.now());
    throw new UnauthorizedError("Email or password is wrong.");
  }
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
  method: string,
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

export async function signOut(ctx: Context, sessionSecret: string): Promise<void> {
  await deleteSession(ctx.db, hashSecret(sessionSecret));
  await recordAudit(ctx, {
    action: "auth.signed_out",
    targetType: "person",
    targetId: ctx.actor.kind === "person" ? ctx.actor.personId : null,
  });
}

function personActor(holder: { id: string; role: string; organization_id: string | null }): Actor {
  return {
    kind: "person",
    personId: holder.id,
    role: holder.role as Role,
    organizationId: holder.organization_id,
  };
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
  return personActor(holder);
}
