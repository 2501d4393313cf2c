import type { Kysely } from "kysely";

// Where the IMAP poller stands in each mailbox it polls: the mailbox's UIDVALIDITY and the highest
// UID already stored, so a poll fetches only newer UIDs. When the server announces another
// UIDVALIDITY the UIDs mean nothing any more and the poller starts from 0 again; storing is
// idempotent on the message's sha256, so the rescan adds nothing twice. The lease keeps a second
// process from polling the same mailbox while a long poll is still running.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("imap_mailboxes")
    // user@host:port/mailbox — never the password.
    .addColumn("mailbox_key", "text", (c) => c.primaryKey())
    // A 32-bit unsigned number as text: it does not fit PostgreSQL's integer.
    .addColumn("uid_validity", "text")
    .addColumn("last_uid", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "text")
    .addColumn("last_polled_at", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("imap_mailboxes").execute();
}
