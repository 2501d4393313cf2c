import type { ImapConfig, ImapOAuth2Config } from "../../config.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { imapEnvelope } from "./imap-envelope.js";
import {
  claimImapPollLease,
  releaseImapPollLease,
  saveImapMailboxPosition,
} from "./imap-mailbox-repository.js";
import { imapAccessToken } from "./imap-oauth2.js";
import { storeInboundEmail } from "./store-inbound-email.js";

export const pollImapMailboxJob = "email.poll-imap";

/** The mailbox as configured (`TEND_IMAP_URL`), less the interval the schedule owns. */
export type ImapMailboxSettings = Omit<ImapConfig, "pollSeconds" | "oauth2"> & {
  /** XOAUTH2 instead of the password; absent or null: the password. */
  oauth2?: ImapOAuth2Config | null;
  /** Larger messages are left in the mailbox, as the SMTP listener would refuse them. */
  maxMessageBytes: number;
};

/** Marks mail Tend has stored, so that a rescan (UIDVALIDITY changed) skips it without downloading it. */
export const storedKeyword = "$TendStored";
// Longer than any poll should take; a poller that dies mid-poll holds the mailbox no longer.
const leaseMs = 10 * 60_000;
const timeoutMs = 30_000;

export interface ImapPollResult {
  /** false: another process holds the mailbox's poll lease. */
  polled: boolean;
  stored: number;
  duplicates: number;
  tooLarge: number;
}

/**
 * The `email.poll-imap` job: stores every message newer than the last stored UID through the same
 * raw-first path as the SMTP listener, and only then flags or moves it. A crash between the two
 * leaves the message unflagged; the next poll fetches it again, `storeInboundEmail` finds its sha256
 * and stores nothing, and the flag follows — no loss, no duplicate. Connection failures throw (the
 * job records them) and the next interval tries again.
 */
export async function pollImapMailbox(ctx: Context, settings: ImapMailboxSettings): Promise<ImapPollResult> {
  const mailboxKey = `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
  const owner = newId();
  const now = ctx.clock.now();
  const position = await claimImapPollLease(
    ctx.db,
    mailboxKey,
    owner,
    now.toISOString(),
    new Date(now.getTime() + leaseMs).toISOString(),
  );
  const result: ImapPollResult = { polled: position !== null, stored: 0, duplicates: 0, tooLarge: 0 };
  if (!position) return result;
  const { oauth2 } = settings;
  const auth = oauth2
    ? {
        user: settings.user,
        accessToken: await imapAccessToken(ctx, { key: mailboxKey, leaseOwner: owner }, oauth2).catch(
          async (error: unknown) => {
            await releaseImapPollLease(ctx.db, mailboxKey, owner, ctx.clock.now().toISOString());
            throw error;
          },
        ),
      }
    : { user: settings.user, pass: settings.password };
  // Loaded by the first poll: a process with no mailbox to poll does without its 10 MB.
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth,
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  // Without a listener a dropped socket would be an unhandled 'error' event and end the process.
  client.on("error", (error: unknown) =>
    ctx.logger.warn({ err: error, mailboxKey }, "IMAP connection error"),
  );
  try {
    await client.connect();
    if (settings.processedMailbox) await client.mailboxCreate(settings.processedMailbox);
    const lock = await client.getMailboxLock(settings.mailbox);
    try {
      const opened = client.mailbox;
      if (!opened) throw new Error(`IMAP mailbox ${settings.mailbox} did not open`);
      const uidValidity = opened.uidValidity.toString();
      // Another UIDVALIDITY means the old UIDs name nothing: start over; storing is idempotent.
      let lastUid = position.uidValidity === uidValidity ? position.lastUid : 0;
      if (position.uidValidity !== null && position.uidValidity !== uidValidity)
        ctx.logger.warn(
          { mailboxKey, was: position.uidValidity, now: uidValidity },
          "IMAP UIDVALIDITY changed; rescanning",
        );
      // Listed first, fetched one by one: imapflow cannot run commands inside a running FETCH, and
      // one message at a time bounds the memory a large mailbox takes.
      const pending = [];
      // An empty mailbox has no message set to fetch.
      const listed =
        opened.exists > 0
          ? client.fetch(`${lastUid + 1}:*`, { uid: true, flags: true, size: true }, { uid: true })
          : [];
      for await (const message of listed) {
        // `n:*` always returns the highest UID, even one below n.
        if (message.uid > lastUid) pending.push(message);
      }
      pending.sort((a, b) => a.uid - b.uid);
      for (const message of pending) {
        if ((message.size ?? 0) > settings.maxMessageBytes) {
          result.tooLarge += 1;
          ctx.logger.warn(
            { mailboxKey, uid: message.uid, size: message.size },
            "IMAP message too large; left in the mailbox",
          );
        } else if (!message.flags?.has(storedKeyword)) {
          const fetched = await client.fetchOne(
            String(message.uid),
            { source: true, envelope: true, headers: ["return-path", "delivered-to", "x-original-to"] },
            { uid: true },
          );
          if (fetched === false || !fetched.source)
            throw new Error(`IMAP message ${message.uid} vanished while fetching`);
          const envelope = imapEnvelope(
            fetched.headers?.toString("latin1") ?? "",
            fetched.envelope?.from?.[0]?.address ?? null,
          );
          const { duplicate } = await storeInboundEmail(ctx, fetched.source, {
            ...envelope,
            remoteAddress: null,
          });
          if (duplicate) result.duplicates += 1;
          else result.stored += 1;
          // Only now, with the message committed, may it leave the set of mail still to store.
          if (settings.processedMailbox)
            await client.messageMove(String(message.uid), settings.processedMailbox, { uid: true });
          else await client.messageFlagsAdd(String(message.uid), ["\\Seen", storedKeyword], { uid: true });
        }
        lastUid = message.uid;
        await saveImapMailboxPosition(ctx.db, mailboxKey, owner, { uidValidity, lastUid });
      }
      await saveImapMailboxPosition(ctx.db, mailboxKey, owner, { uidValidity, lastUid });
    } finally {
      lock.release();
    }
    await client.logout();
  } finally {
    client.close();
    await releaseImapPollLease(ctx.db, mailboxKey, owner, ctx.clock.now().toISOString());
  }
  if (result.stored + result.duplicates + result.tooLarge > 0)
    ctx.logger.info({ mailboxKey, ...result }, "IMAP mailbox polled");
  return result;
}
