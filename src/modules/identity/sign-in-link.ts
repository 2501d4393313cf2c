import { TooManyRequestsError, ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { MINUTE } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { signInLink, signInMail } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import type { Actor } from "./actor.js";
import { findPersonByEmail, findPersonById } from "./person-repository.js";
import { startSession } from "./sessions.js";
import { challengeSecondFactor, type SecondFactorRequired } from "./sign-in-challenge.js";
import { deleteExpiredSignInLinks } from "./sign-in-link-repository.js";
import { secondsUntil, type ThrottleKey, type ThrottleLimit } from "./sign-in-throttle.js";
import { activeLockouts, recordFailure } from "./sign-in-throttle-repository.js";
import { mailSingleUseLink, spendLinkToken } from "./single-use-links.js";
import { hasTwoFactor } from "./two-factor-repository.js";

export const sendSignInLinkJob = "auth.send-sign-in-link";
export const signInLinkLifetimeMs = 15 * MINUTE;

// Each request mails someone, so requests are counted, not failures: a few links an hour for one
// address is plenty for a person, and a budget per caller stops one client mailing many addresses.
// The counters live with the sign-in throttles, under keys of their own: asking for links never
// locks anyone's password sign-in.
export const linkRequestsPerAddress: ThrottleLimit = {
  maxFailures: 5,
  windowMs: 15 * MINUTE,
  lockoutMs: 15 * MINUTE,
};
export const linkRequestsPerCaller: ThrottleLimit = {
  maxFailures: 20,
  windowMs: 15 * MINUTE,
  lockoutMs: 15 * MINUTE,
};

export function signInLinkThrottleKey(email: string): string {
  return `sign-in-link:account:${email.trim().toLowerCase()}`;
}

function linkRequestThrottles(email: string, caller: string | undefined): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: signInLinkThrottleKey(email), limit: linkRequestsPerAddress }];
  if (caller) keys.push({ key: `sign-in-link:ip:${caller}`, limit: linkRequestsPerCaller });
  return keys;
}

const linkGone = "this sign-in link is not valid: ask for a new one on the portal's sign-in page";

/**
 * A customer asks for a sign-in link. The answer is the same whoever the address belongs to, or
 * nobody (no account enumeration): only a customer's address gets a mail, queued through the outbox
 * so the request never waits on the relay. Staff sign in with a password or single sign-on. An
 * earlier link still valid keeps working: mail arrives out of order, and the one clicked may be
 * either; each is single-use and lives 15 minutes, and the request budget bounds how many exist.
 */
export async function requestSignInLink(ctx: Context, email: string, caller?: string): Promise<void> {
  const now = ctx.clock.now();
  const throttles = linkRequestThrottles(email, caller);
  const lockouts = await activeLockouts(
    ctx.db,
    throttles.map((t) => t.key),
    now.toISOString(),
  );
  if (lockouts.length > 0) {
    ctx.logger.info({ reason: "too many sign-in link requests" }, "sign-in link refused");
    throw new TooManyRequestsError(
      "Too many sign-in links asked for this address or from this network: try again later.",
      secondsUntil(lockouts, now),
    );
  }
  for (const throttle of throttles) await recordFailure(ctx.db, throttle, now);
  const person = await findPersonByEmail(ctx.db, email.trim());
  if (person?.role !== "customer" || person.deactivated_at) {
    ctx.logger.info(
      {
        staff: person?.role !== "customer" && person !== undefined,
        deactivated: Boolean(person?.deactivated_at),
      },
      "sign-in link not sent: no active customer has this address",
    );
    return;
  }
  await inTransaction(ctx, async (tx) => {
    await enqueueJob(tx, sendSignInLinkJob, { personId: person.id });
    await recordAudit(tx, {
      action: "auth.sign_in_link_requested",
      targetType: "person",
      targetId: person.id,
      after: { email: person.email },
    });
  });
}

/** The `auth.send-sign-in-link` job: the single-use sign-in link, to a customer. */
export async function sendSignInLink(
  ctx: Context,
  personId: string,
  settings: OutboundEmailSettings,
): Promise<void> {
  const person = await findPersonById(ctx.db, personId);
  if (person?.role !== "customer" || person.deactivated_at) return;
  await mailSingleUseLink(
    ctx,
    {
      table: "sign_in_links",
      what: "sign-in link",
      lifetimeMs: signInLinkLifetimeMs,
      person,
      compose: (token, expiresAt) =>
        signInMail({ name: person.name, link: signInLink(settings.publicUrl, token), expiresAt }),
    },
    settings,
  );
}

/**
 * Signs in with the token of a sign-in link: spends it (the conditional update is the single-use
 * check, so of two racing requests one signs in) and opens a session as password sign-in does, or
 * — for a customer with two-factor sign-in on — a challenge to finish with a code. A token is 256
 * random bits, so a wrong one is a stale mail, not a guess worth throttling.
 */
export async function redeemSignInLink(
  ctx: Context,
  token: string,
): Promise<{ sessionSecret: string; expiresAt: Date; actor: Actor } | SecondFactorRequired> {
  return inTransaction(ctx, async (tx) => {
    const row = await spendLinkToken(tx, "sign_in_links", token, {
      invalid: linkGone,
      used: "this sign-in link has already been used: ask for a new one",
      expired: "this sign-in link has expired (links last 15 minutes): ask for a new one",
    });
    // Sent to a customer; if the person became staff or was deactivated since (a link mailed while
    // the deactivation committed), the link is not their way in any more.
    const person = await findPersonById(tx.db, row.person_id);
    if (person?.role !== "customer" || person.deactivated_at) throw ValidationError.field("token", linkGone);
    if (await hasTwoFactor(tx.db, person.id)) return challengeSecondFactor(tx, person, "email_link");
    return startSession(tx, person, "email_link");
  });
}

/** The daily retention run's share: links past their lifetime, used or not, open nothing any more. */
export async function sweepExpiredSignInLinks(ctx: Context): Promise<number> {
  return deleteExpiredSignInLinks(ctx.db, ctx.clock.now().toISOString());
}
