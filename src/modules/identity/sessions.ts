import { UnauthorizedError } from "../../errors.js";
import { HOUR, MINUTE } from "../../shared/clock.js";
import type { Context } from "../../shared/context.js";
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

export const sessionCookieName = "tend_session";
export const sessionAbsoluteLifetimeMs = 12 * HOUR;
export const sessionIdleLifetimeMs = 2 * HOUR;
// Bookkeeping writes (last seen, last used) are throttled: one per minute is precise enough
// for idle timeouts and keeps every authenticated request from becoming a write.
const touchIntervalMs = MINUTE;

/** Signs in with email and password; returns the session secret for the cookie. */
export async function signIn(
  ctx: Context,
  email: string,
  password: string,
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor }> {
  const person = await findPersonByEmail(ctx.db, email.trim());
  if (!person?.password_hash || person.role === "customer") {
    await spendVerificationTime(password);
    ctx.logger.info({ reason: "unknown account or no password" }, "sign-in refused");
    throw new UnauthorizedError("Email or password is wrong.");
  }
  if (!(await verifyPassword(person.password_hash, password))) {
    ctx.logger.info({ personId: person.id, reason: "wrong password" }, "sign-in refused");
    throw new UnauthorizedError("Email or password is wrong.");
  }
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
  ctx.logger.info({ personId: person.id }, "signed in");
  return { sessionSecret, expiresAt, actor: personActor(person) };
}

export async function signOut(ctx: Context, sessionSecret: string): Promise<void> {
  await deleteSession(ctx.db, hashSecret(sessionSecret));
}

function personActor(holder: { id: string; role: string; organization_id: string | null }): Actor {
  return {
    kind: "person",
    personId: holder.id,
    role: holder.role as Role,
    organizationId: holder.organization_id,
  };
}

export async function actorForApiToken(ctx: Context, token: string): Promise<Actor | undefined> {
  const holder = await findTokenHolder(ctx.db, hashSecret(token));
  if (!holder) return undefined;
  const now = ctx.clock.now();
  if (!holder.last_used_at || now.getTime() - Date.parse(holder.last_used_at) > touchIntervalMs) {
    await touchApiToken(ctx.db, holder.token_id, now.toISOString());
  }
  return personActor(holder);
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
