import { ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { deliverMail, failureAnswer, newMessageId } from "../email/deliver-mail.js";
import type { RenderedMail } from "../email/notification-templates.js";
import type { OutboundEmailSettings } from "../email/send-outbound-email.js";
import { hashSecret, newSecret } from "./secrets.js";
import {
  findSingleUseLink,
  insertSingleUseLink,
  type SingleUseLinkRow,
  type SingleUseLinkTable,
  spendSingleUseLink,
  updateSingleUseLinkDelivery,
} from "./single-use-link-repository.js";

/**
 * Mails a person a single-use link (an outbox job's work). The token is made here, at sending, and
 * only its hash is stored: the plain token exists only in the mail, never in the database or the
 * job's payload. A retry after a transient failure makes a new token; the undelivered one was never
 * seen by anyone.
 */
export async function mailSingleUseLink(
  ctx: Context,
  link: {
    table: SingleUseLinkTable;
    /** What the log calls the mail: "unlock mail", "sign-in link". */
    what: string;
    lifetimeMs: number;
    person: { id: string; name: string; email: string };
    compose(token: string, expiresAt: Date): RenderedMail;
  },
  settings: OutboundEmailSettings,
): Promise<void> {
  const { person } = link;
  if (!settings.relayUrl) {
    ctx.logger.warn(
      { personId: person.id },
      `${link.what} not sent: no relay configured (TEND_SMTP_RELAY_URL)`,
    );
    return;
  }
  const token = newSecret("");
  const tokenHash = hashSecret(token);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + link.lifetimeMs);
  await insertSingleUseLink(ctx.db, link.table, {
    token_hash: tokenHash,
    person_id: person.id,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    used_at: null,
    delivery_state: "queued",
    delivery_answer: null,
  });
  try {
    const outcome = await deliverMail(settings.relayUrl, {
      ...link.compose(token, expiresAt),
      messageId: newMessageId(settings.mailFrom),
      from: settings.mailFrom,
      to: { name: person.name, address: person.email },
    });
    await updateSingleUseLinkDelivery(ctx.db, link.table, tokenHash, outcome);
    ctx.logger.info({ personId: person.id, state: outcome.state }, `${link.what} handed to the relay`);
  } catch (error) {
    await updateSingleUseLinkDelivery(ctx.db, link.table, tokenHash, {
      state: "queued",
      answer: failureAnswer(error),
    });
    throw error;
  }
}

/**
 * Spends the link a token names, in the caller's transaction, or refuses with the reason the
 * person can act on. The conditional update is the single-use check: of two racing requests, one wins.
 */
export async function spendLinkToken(
  ctx: Context,
  table: SingleUseLinkTable,
  token: string,
  refusals: { invalid: string; used: string; expired: string },
): Promise<SingleUseLinkRow> {
  const now = ctx.clock.now().toISOString();
  const row = await findSingleUseLink(ctx.db, table, hashSecret(token));
  if (!row) throw ValidationError.field("token", refusals.invalid);
  if (row.used_at !== null) throw ValidationError.field("token", refusals.used);
  if (row.expires_at <= now) throw ValidationError.field("token", refusals.expired);
  if (!(await spendSingleUseLink(ctx.db, table, row.token_hash, now))) {
    throw ValidationError.field("token", refusals.used);
  }
  return row;
}
