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
