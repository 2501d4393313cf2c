import { ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { HOUR } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { unlockLink, unlockMail } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { findPersonById } from "./person-repository.js";
import { accountThrottleKey } from "./sign-in-throttle.js";
import { clearFailures } from "./sign-in-throttle-repository.js";
import { mailSingleUseLink, spendLinkToken } from "./single-use-links.js";

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

/** The `auth.send-unlock-email` job: the single-use unlock link, to a staff account's owner. */
export async function sendUnlockEmail(
  ctx: Context,
  personId: string,
  settings: OutboundEmailSettings,
): Promise<void> {
  const person = await findPersonById(ctx.db, personId);
  if (!person || person.role === "customer" || person.deactivated_at) return;
  await mailSingleUseLink(
    ctx,
    {
      table: "unlock_tokens",
      what: "unlock mail",
      lifetimeMs: unlockTokenLifetimeMs,
      person,
      compose: (token, expiresAt) =>
        unlockMail({ name: person.name, link: unlockLink(settings.publicUrl, token), expiresAt }),
    },
    settings,
  );
}

/**
 * Lifts the lockout of the account an unlock link was sent to — the account's, not the address's:
 * a client that sprayed many accounts stays held back. Single-use and for an hour; audited.
 */
export async function unlockAccount(ctx: Context, token: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await spendLinkToken(tx, "unlock_tokens", token, {
      invalid: "this unlock link is not valid",
      used: "this unlock link has already been used",
      expired:
        "this unlock link has expired; the lockout also ends by itself, or sign in again later for a new link",
    });
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
