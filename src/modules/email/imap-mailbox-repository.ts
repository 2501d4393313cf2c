import type { DbExecutor } from "../../db/database.js";

export interface ImapMailboxPosition {
  uidValidity: string | null;
  lastUid: number;
}

/**
 * Takes the mailbox's poll lease for `owner` unless another poller holds an unexpired one, creating
 * the mailbox's row on its first poll. Returns where the previous poll stopped, or null when the
 * lease is someone else's. A conditional update, so two processes cannot both win it.
 */
export async function claimImapPollLease(
  db: DbExecutor,
  mailboxKey: string,
  owner: string,
  now: string,
  leaseUntil: string,
): Promise<ImapMailboxPosition | null> {
  await db
    .insertInto("imap_mailboxes")
    .values({
      mailbox_key: mailboxKey,
      uid_validity: null,
      last_uid: 0,
      lease_owner: null,
      lease_until: null,
      last_polled_at: null,
    })
    .onConflict((oc) => oc.column("mailbox_key").doNothing())
    .execute();
  const claimed = await db
    .updateTable("imap_mailboxes")
    .set({ lease_owner: owner, lease_until: leaseUntil })
    .where("mailbox_key", "=", mailboxKey)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", now)]))
    .returning(["uid_validity", "last_uid"])
    .executeTakeFirst();
  return claimed ? { uidValidity: claimed.uid_validity, lastUid: Number(claimed.last_uid) } : null;
}

/** Records progress, only while `owner` still holds the lease. */
export async function saveImapMailboxPosition(
  db: DbExecutor,
  mailboxKey: string,
  owner: string,
  position: ImapMailboxPosition,
): Promise<void> {
  await db
    .updateTable("imap_mailboxes")
    .set({ uid_validity: position.uidValidity, last_uid: position.lastUid })
    .where("mailbox_key", "=", mailboxKey)
    .where("lease_owner", "=", owner)
    .execute();
}

export async function releaseImapPollLease(
  db: DbExecutor,
  mailboxKey: string,
  owner: string,
  polledAt: string,
): Promise<void> {
  await db
    .updateTable("imap_mailboxes")
    .set({ lease_owner: null, lease_until: null, last_polled_at: polledAt })
    .where("mailbox_key", "=", mailboxKey)
    .where("lease_owner", "=", owner)
    .execute();
}

/** The mailbox's stored XOAUTH2 tokens, sealed as they are stored. */
export interface ImapOAuthTokens {
  origin: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  accessExpiresAt: string | null;
}

export async function findImapOAuthTokens(db: DbExecutor, mailboxKey: string): Promise<ImapOAuthTokens> {
  const row = await db
    .selectFrom("imap_mailboxes")
    .select(["oauth_origin", "oauth_refresh_token", "oauth_access_token", "oauth_access_expires_at"])
    .where("mailbox_key", "=", mailboxKey)
    .executeTakeFirst();
  return {
    origin: row?.oauth_origin ?? null,
    refreshToken: row?.oauth_refresh_token ?? null,
    accessToken: row?.oauth_access_token ?? null,
    accessExpiresAt: row?.oauth_access_expires_at ?? null,
  };
}

/** Stores refreshed tokens, only while `owner` holds the poll lease: one refresh at a time. */
export async function saveImapOAuthTokens(
  db: DbExecutor,
  mailboxKey: string,
  owner: string,
  tokens: ImapOAuthTokens,
): Promise<void> {
  await db
    .updateTable("imap_mailboxes")
    .set({
      oauth_origin: tokens.origin,
      oauth_refresh_token: tokens.refreshToken,
      oauth_access_token: tokens.accessToken,
      oauth_access_expires_at: tokens.accessExpiresAt,
    })
    .where("mailbox_key", "=", mailboxKey)
    .where("lease_owner", "=", owner)
    .execute();
}
