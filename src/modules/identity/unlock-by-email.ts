import { ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { HOUR } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { deliverMail, failureAnswer, newMessageId } from "../email/deliver-mail.js";
import { unlockLink, unlockMail } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "./person-repository.js";
import { hashSecret, newSecret } from "./secrets.js";
import { accountThrottleKey } from "./sign-in-throttle.js";
import { clearFailures } from "./sign-in-throttle-repository.js";
import {
  findUnlockToken,
  insertUnlockToken,
  spendUnlockToken,
  updateUnlockDelivery,
} from "./unlock-token-repository.js";

export const sendUnlockEmailJob = "auth.send-unlock-email";
export const unlockTokenLifetimeMs = HOUR;

/**
 * Called by sign-in when a failure has just locked a staff account: the unlock mail goes through
 * the outbox (a job), never in the sign-in request, so the failed sign-in's answer and timing are
 * the same whether or not the email belongs to an account.
 */
export async function queueUnlockEmail(ctx: Context, personId: string): Promise<void> {
  await enqueueJob(ctx, sendUnlockEmailJob, { personId });
}

/**
 * The `auth.send-unlock-email` job. The token is made here, at sending, and only its hash is
 * stored: the plain token exists only in the mail, never in the database or the job's payload. A
 * retry after a transient failure makes a new token; the undelivered one was never seen by anyone.
 */
export async function sendUnlockEmail(
  ctx: Context,
  personId: string,
  settings: OutboundEmailSettings,
): Promise<void> {
  const person = await findPersonById(ctx.db, personId);
  if (!person || person.role === "customer") return;
  if (!settings.relayUrl) {
    ctx.logger.warn({ personId }, "unlock mail not sent: no relay configured (TEND_SMTP_RELAY_URL)");
    return;
  }
  const token = newSecret("");
  const tokenHash = hashSecret(token);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + unlockTokenLifetimeMs);
  await insertUnlockToken(ctx.db, {
    token_hash: tokenHash,
    person_id: person.id,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    used_at: null,
    delivery_state: "queued",
    delivery_answer: null,
  });
  const mail = unlockMail({ name: person.name, link: unlockLink(settings.publicUrl, token), expiresAt });
  try {
    const outcome = await deliverMail(settings.relayUrl, {
      ...mail,
      messageId: newMessageId(settings.mailFrom),
      from: settings.mailFrom,
      to: { name: person.name, address: person.email },
    });
    await updateUnlockDelivery(ctx.db, tokenHash, outcome);
    ctx.logger.info({ personId, state: outcome.state }, "unlock mail handed to the relay");
  } catch (error) {
    await updateUnlockDelivery(ctx.db, tokenHash, { state: "queued", answer: failureAnswer(error) });
    throw error;
  }
}

/**
 * Lifts the lockout of the account an unlock link was sent to — the account's, not the address's:
 * a client that sprayed many accounts stays held back. Single-use and for an hour; audited.
 */
export async function unlockAccount(ctx: Context, token: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const now = tx.clock.now().toISOString();
    const row = await findUnlockToken(tx.db, hashSecret(token));
    if (!row) throw ValidationError.field("token", "this unlock link is not valid");
    if (row.used_at !== null) throw ValidationError.field("token", "this unlock link has already been used");
    if (row.expires_at <= now) {
      throw ValidationError.field(
        "token",
        "this unlock link has expired; the lockout also ends by itself, or sign in again later for a new link",
      );
    }
    if (!(await spendUnlockToken(tx.db, row.token_hash, now))) {
      throw ValidationError.field("token", "this unlock link has already been used");
    }
    const person = await findPersonById(tx.db, row.person_id);
    if (!person) throw ValidationError.field("token", "this unlock link is not valid");
    await clearFailures(tx.db, accountThrottleKey(person.email));
    tx.logger.info({ personId: person.id }, "account unlocked by email");
    await recordAudit(tx, {
      action: "auth.unlocked",
      targetType: "person",
      targetId: person.id,
      after: { email: person.email },
    });
  });
}
