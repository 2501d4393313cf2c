import { sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { RetentionPoliciesTable } from "../../db/tables.js";
import type { Logger } from "../../shared/logger.js";

/** The only SQL of erasure and retention, apart from what the audit and search modules own. */

export type RetentionPolicyRow = RetentionPoliciesTable;

const chunkSize = 500;

async function inChunks(ids: string[], work: (chunk: string[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < ids.length; i += chunkSize) await work(ids.slice(i, i + chunkSize));
}

export interface TicketRef {
  id: string;
  number: number;
}

export async function ticketsRequestedBy(db: DbExecutor, personId: string): Promise<TicketRef[]> {
  return db
    .selectFrom("tickets")
    .select(["id", "number"])
    .where("requester_id", "=", personId)
    .orderBy("number")
    .execute();
}

/**
 * The comments a person wrote that an erasure removes: on tickets they requested, all of theirs;
 * elsewhere, all of theirs unless they wrote them as staff (`keepElsewhere`), for those are the
 * desk's answers to other customers.
 */
export async function commentsToErase(
  db: DbExecutor,
  personId: string,
  keepElsewhere: boolean,
): Promise<{ id: string; ticket_id: string }[]> {
  let query = db
    .selectFrom("comments")
    .innerJoin("tickets", "tickets.id", "comments.ticket_id")
    .select(["comments.id", "comments.ticket_id"])
    .where("comments.author_id", "=", personId);
  if (keepElsewhere) query = query.where("tickets.requester_id", "=", personId);
  return query.orderBy("comments.id").execute();
}

export async function commentsOfTickets(db: DbExecutor, ticketIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  await inChunks(ticketIds, async (chunk) => {
    const rows = await db.selectFrom("comments").select("id").where("ticket_id", "in", chunk).execute();
    ids.push(...rows.map((row) => row.id));
  });
  return ids;
}

// Only a subject change carries a requester's words in a ticket event today; status, tags and
// assignees are the desk's structure and stay.
const contentEventFields = ["subject"];

export async function contentEventsOfTickets(db: DbExecutor, ticketIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  await inChunks(ticketIds, async (chunk) => {
    const rows = await db
      .selectFrom("ticket_events")
      .select("id")
      .where("ticket_id", "in", chunk)
      .where("field", "in", contentEventFields)
      .execute();
    ids.push(...rows.map((row) => row.id));
  });
  return ids;
}

export async function tombstoneTicketSubjects(db: DbExecutor, ticketIds: string[], tombstone: string) {
  await inChunks(ticketIds, (chunk) =>
    db.updateTable("tickets").set({ subject: tombstone }).where("id", "in", chunk).execute(),
  );
}

export async function tombstoneComments(
  db: DbExecutor,
  commentIds: string[],
  tombstone: { text: string; html: string },
) {
  await inChunks(commentIds, (chunk) =>
    db
      .updateTable("comments")
      .set({ body_text: tombstone.text, body_html: tombstone.html, summary: null, next_steps: null })
      .where("id", "in", chunk)
      .execute(),
  );
}

export async function tombstoneTicketEvents(db: DbExecutor, eventIds: string[], tombstone: string) {
  await inChunks(eventIds, (chunk) =>
    db
      .updateTable("ticket_events")
      .set((eb) => ({
        from_value: eb.case().when("from_value", "is", null).then(null).else(tombstone).end(),
        to_value: eb.case().when("to_value", "is", null).then(null).else(tombstone).end(),
      }))
      .where("id", "in", chunk)
      .execute(),
  );
}

export async function markTicketsErased(db: DbExecutor, ticketIds: string[], at: string, cause: string) {
  await inChunks(ticketIds, async (chunk) => {
    const known = new Set(
      (
        await db.selectFrom("ticket_erasures").select("ticket_id").where("ticket_id", "in", chunk).execute()
      ).map((row) => row.ticket_id),
    );
    const fresh = chunk.filter((id) => !known.has(id));
    if (fresh.length > 0) {
      await db
        .insertInto("ticket_erasures")
        .values(fresh.map((ticket_id) => ({ ticket_id, erased_at: at, cause })))
        .execute();
    }
  });
}

/** What the search index should hold for the tickets now: each subject and each comment. */
export async function searchDocumentsOf(
  db: DbExecutor,
  ticketIds: string[],
): Promise<{ ticketId: string; visibility: string; text: string }[]> {
  const documents: { ticketId: string; visibility: string; text: string }[] = [];
  await inChunks(ticketIds, async (chunk) => {
    const tickets = await db
      .selectFrom("tickets")
      .select(["id", "subject"])
      .where("id", "in", chunk)
      .execute();
    for (const ticket of tickets)
      documents.push({ ticketId: ticket.id, visibility: "public", text: ticket.subject });
    const comments = await db
      .selectFrom("comments")
      .select(["ticket_id", "visibility", "body_text"])
      .where("ticket_id", "in", chunk)
      .orderBy("id")
      .execute();
    for (const comment of comments) {
      documents.push({
        ticketId: comment.ticket_id,
        visibility: comment.visibility,
        text: comment.body_text,
      });
    }
  });
  return documents;
}

/** Revoked ones too: the audit records of their issue name the person's devices and integrations. */
export async function apiTokenIdsOf(db: DbExecutor, personId: string): Promise<string[]> {
  const rows = await db.selectFrom("api_tokens").select("id").where("person_id", "=", personId).execute();
  return rows.map((row) => row.id);
}

/** Every table holding a way to sign in or act as the person, by the kind the erasure report names. */
const personCredentialTables = {
  sessions: "sessions",
  apiTokens: "api_tokens",
  groupMemberships: "group_memberships",
  twoFactorCredentials: "two_factor_credentials",
  recoveryCodes: "recovery_codes",
  signInChallenges: "sign_in_challenges",
  unlockTokens: "unlock_tokens",
  singleSignOnIdentities: "sso_identities",
} as const;

export async function countPersonCredentials(
  db: DbExecutor,
  personId: string,
  throttleKey: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [kind, table] of Object.entries(personCredentialTables)) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .where("person_id", "=", personId)
      .executeTakeFirstOrThrow();
    counts[kind] = Number(row.n);
  }
  const throttles = await db
    .selectFrom("sign_in_throttles")
    .select("key")
    .where("key", "=", throttleKey)
    .execute();
  return { ...counts, signInThrottles: throttles.length };
}

/** Removes every way the person could sign in or act, and replaces their profile with the tombstone. */
export async function erasePersonProfile(
  db: DbExecutor,
  personId: string,
  throttleKey: string,
  tombstone: { name: string; email: string; updatedAt: string },
): Promise<void> {
  for (const table of Object.values(personCredentialTables)) {
    await db.deleteFrom(table).where("person_id", "=", personId).execute();
  }
  await db.deleteFrom("sign_in_throttles").where("key", "=", throttleKey).execute();
  await db
    .updateTable("people")
    .set({
      name: tombstone.name,
      email: tombstone.email,
      time_zone: "UTC",
      password_hash: null,
      updated_at: tombstone.updatedAt,
    })
    .where("id", "=", personId)
    .execute();
}

/**
 * The mail of a person: every message on their tickets or on a comment of theirs, sent from them
 * or to them, and the raw emails behind those or received from or for them.
 */
export async function emailsConcerning(
  db: DbExecutor,
  concern: { ticketIds: string[]; commentIds: string[]; email: string },
): Promise<{ messageIds: string[]; copiedMessageIds: string[]; rawEmailIds: string[] }> {
  const address = concern.email.toLowerCase();
  const pattern = likePattern(concern.email);
  const messages = await db
    .selectFrom("email_messages")
    .select(["id", "raw_email_id", "ticket_id", "comment_id", "from_address"])
    .where((eb) =>
      eb.or([
        ...(concern.ticketIds.length > 0 ? [eb("ticket_id", "in", concern.ticketIds)] : []),
        ...(concern.commentIds.length > 0 ? [eb("comment_id", "in", concern.commentIds)] : []),
        sql<boolean>`lower(from_address) = ${address}`,
        sql<boolean>`lower(to_addresses) LIKE ${pattern} ESCAPE '\\'`,
        sql<boolean>`lower(cc_addresses) LIKE ${pattern} ESCAPE '\\'`,
      ]),
    )
    .execute();
  const ticketIds = new Set(concern.ticketIds);
  const commentIds = new Set(concern.commentIds);
  // The person's own mail, and the mail of their tickets, is theirs; a reply on someone else's
  // ticket that only copied them belongs to that ticket's requester and keeps its content.
  const isTheirs = (message: (typeof messages)[number]) =>
    ticketIds.has(message.ticket_id) ||
    (message.comment_id !== null && commentIds.has(message.comment_id)) ||
    message.from_address?.toLowerCase() === address;
  const theirs = messages.filter(isTheirs);
  const linked = theirs.flatMap((message) => (message.raw_email_id ? [message.raw_email_id] : []));
  const raw = await db
    .selectFrom("raw_emails")
    .select("id")
    .where((eb) =>
      eb.or([
        ...(concern.ticketIds.length > 0 ? [eb("ticket_id", "in", concern.ticketIds)] : []),
        ...(linked.length > 0 ? [eb("id", "in", linked)] : []),
        sql<boolean>`lower(mail_from) = ${address}`,
        sql<boolean>`lower(rcpt_to) LIKE ${pattern} ESCAPE '\\'`,
      ]),
    )
    .execute();
  return {
    messageIds: theirs.map((message) => message.id),
    copiedMessageIds: messages.filter((message) => !isTheirs(message)).map((message) => message.id),
    rawEmailIds: raw.map((row) => row.id),
  };
}

/** Takes the address off the To and Cc of mail that only copied the person; the rest of it stays. */
export async function removeRecipient(db: DbExecutor, messageIds: string[], email: string): Promise<void> {
  const address = email.toLowerCase();
  // Entries are bare addresses or `Name <address>`.
  const addressOf = (entry: string) => (/<([^<>]+)>/.exec(entry)?.[1] ?? entry).trim().toLowerCase();
  const without = (list: string) =>
    JSON.stringify((JSON.parse(list) as string[]).filter((entry) => addressOf(entry) !== address));
  await inChunks(messageIds, async (chunk) => {
    const rows = await db
      .selectFrom("email_messages")
      .select(["id", "to_addresses", "cc_addresses"])
      .where("id", "in", chunk)
      .execute();
    for (const row of rows) {
      await db
        .updateTable("email_messages")
        .set({ to_addresses: without(row.to_addresses), cc_addresses: without(row.cc_addresses) })
        .where("id", "=", row.id)
        .execute();
    }
  });
}

/**
 * Keeps the messages' ids and Message-IDs, so a later reply still threads onto its ticket; their
 * subject, body and addresses become the tombstone, the person's own address the erased one.
 */
export async function tombstoneEmailMessages(
  db: DbExecutor,
  messageIds: string[],
  tombstone: { text: string; html: string; email: string; erasedEmail: string },
): Promise<void> {
  await inChunks(messageIds, (chunk) =>
    db
      .updateTable("email_messages")
      .set((eb) => ({
        subject: tombstone.text,
        body_text: tombstone.text,
        body_html: tombstone.html,
        from_name: null,
        from_address: eb
          .case()
          .when(sql<boolean>`lower(from_address) = ${tombstone.email.toLowerCase()}`)
          .then(tombstone.erasedEmail)
          .else(eb.ref("from_address"))
          .end(),
        to_addresses: "[]",
        cc_addresses: "[]",
        delivery_answer: null,
      }))
      .where("id", "in", chunk)
      .execute(),
  );
}

/**
 * The mail copies of anonymized tickets go whole: a reply to one of them then opens a new ticket
 * rather than a follow-up, which is fine for tickets closed months ago. Raw emails are unlinked and
 * follow their own retention.
 */
export async function deleteEmailMessagesOfTickets(db: DbExecutor, ticketIds: string[]): Promise<void> {
  await inChunks(ticketIds, async (chunk) => {
    await db.deleteFrom("email_messages").where("ticket_id", "in", chunk).execute();
    await db.updateTable("raw_emails").set({ ticket_id: null }).where("ticket_id", "in", chunk).execute();
  });
}

/** Raw emails hold every header and word as received: they go whole. */
export async function deleteRawEmails(db: DbExecutor, rawEmailIds: string[]): Promise<void> {
  await inChunks(rawEmailIds, async (chunk) => {
    await db
      .updateTable("email_messages")
      .set({ raw_email_id: null })
      .where("raw_email_id", "in", chunk)
      .execute();
    await db.deleteFrom("raw_emails").where("id", "in", chunk).execute();
  });
}

/**
 * Raw emails whose handling ended (processed into a ticket, or ignored with a reason) before the
 * cutoff, oldest first. Failed and waiting messages are never due: their bytes are all there is.
 */
export async function handledRawEmailsDue(
  db: DbExecutor,
  handledBefore: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom("raw_emails")
    .select("id")
    .where("status", "in", ["processed", "ignored"])
    .where("processed_at", "<", handledBefore)
    .orderBy("processed_at")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Outbox events and jobs whose payload names the address: what later capabilities may have queued. */
export async function queuedPayloadsMentioning(
  db: DbExecutor,
  text: string,
): Promise<{ domainEventIds: string[]; jobIds: string[] }> {
  const pattern = likePattern(text);
  const events = await db
    .selectFrom("domain_events")
    .select("id")
    .where(sql<boolean>`lower(payload) LIKE ${pattern} ESCAPE '\\'`)
    .execute();
  const jobs = await db
    .selectFrom("jobs")
    .select("id")
    .where(sql<boolean>`lower(payload) LIKE ${pattern} ESCAPE '\\'`)
    .execute();
  return { domainEventIds: events.map((row) => row.id), jobIds: jobs.map((row) => row.id) };
}

export async function tombstoneDomainEventPayloads(db: DbExecutor, ids: string[], payload: string) {
  await inChunks(ids, (chunk) =>
    db.updateTable("domain_events").set({ payload }).where("id", "in", chunk).execute(),
  );
}

/** The outbox events about tickets whose content was replaced: they copied a subject or a name. */
export async function tombstoneDomainEventsOfTickets(db: DbExecutor, ticketIds: string[], payload: string) {
  await inChunks(ticketIds, (chunk) =>
    db.updateTable("domain_events").set({ payload }).where("ticket_id", "in", chunk).execute(),
  );
}

export async function deleteJobs(db: DbExecutor, ids: string[]) {
  await inChunks(ids, (chunk) => db.deleteFrom("jobs").where("id", "in", chunk).execute());
}

/**
 * Deletes tickets with everything hanging off them. Comments, events, tags, clocks, flags and (on
 * PostgreSQL) search rows and email messages cascade; the outbox has no foreign key, and a
 * follow-up keeps standing without the ticket it followed.
 */
export async function deleteTickets(db: DbExecutor, ticketIds: string[]): Promise<void> {
  await inChunks(ticketIds, async (chunk) => {
    await db
      .updateTable("tickets")
      .set({ follow_up_of_id: null })
      .where("follow_up_of_id", "in", chunk)
      .execute();
    // Raw emails follow their own retention, not their ticket's.
    await db.updateTable("raw_emails").set({ ticket_id: null }).where("ticket_id", "in", chunk).execute();
    await db.deleteFrom("domain_events").where("ticket_id", "in", chunk).execute();
    await db.deleteFrom("tickets").where("id", "in", chunk).execute();
  });
}

// Every table an erasure or a retention run may have touched: PostgreSQL's VACUUM list.
const touchedTables = [
  "people",
  "sessions",
  "api_tokens",
  "sign_in_throttles",
  "group_memberships",
  "tickets",
  "comments",
  "ticket_events",
  "ticket_tags",
  "ticket_search",
  "sla_clocks",
  "ticket_health_flags",
  "domain_events",
  "jobs",
  "email_messages",
  "raw_emails",
  "audit_log",
];

/**
 * After the erasure committed: SQLite moves the WAL into the database file and truncates it, so
 * the old pages' bytes leave the -wal file (secure_delete already zeroed them in the file);
 * PostgreSQL's VACUUM removes the dead row versions that still hold the old values. VACUUM cannot
 * run in a transaction, so this runs on the database itself.
 */
export async function compactAfterErasure(
  db: DbExecutor,
  dialect: DialectKind,
  logger: Logger,
): Promise<void> {
  if (dialect === "sqlite") {
    const result = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    if (result.rows[0]?.busy)
      logger.warn({}, "a reader held the WAL: erased bytes stay in it until the next checkpoint");
    return;
  }
  for (const table of touchedTables) await sql`VACUUM ${sql.table(table)}`.execute(db);
}

export async function listRetentionPolicyRows(db: DbExecutor): Promise<RetentionPolicyRow[]> {
  return db.selectFrom("retention_policies").selectAll().orderBy("id").execute();
}

export async function upsertRetentionPolicyRow(db: DbExecutor, row: RetentionPolicyRow): Promise<void> {
  await db
    .insertInto("retention_policies")
    .values(row)
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        closed_ticket_months: row.closed_ticket_months,
        closed_ticket_action: row.closed_ticket_action,
        raw_email_days: row.raw_email_days,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteRetentionPolicyRow(db: DbExecutor, id: string): Promise<boolean> {
  const result = await db.deleteFrom("retention_policies").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Closed tickets past a policy's cutoff, oldest first. `organizationId` null is the desk's policy:
 * tickets without an organization and those of organizations with no policy of their own.
 * Anonymized tickets are skipped, so each run only sees what is left to do.
 */
export async function closedTicketsDue(
  db: DbExecutor,
  scope: { organizationId: string | null; closedBefore: string; skipErased: boolean },
  limit: number,
): Promise<TicketRef[]> {
  let query = db
    .selectFrom("tickets")
    .select(["tickets.id", "tickets.number"])
    .where("tickets.status", "=", "closed")
    .where("tickets.closed_at", "<", scope.closedBefore);
  if (scope.organizationId) query = query.where("tickets.organization_id", "=", scope.organizationId);
  else {
    query = query.where((eb) =>
      eb.or([
        eb("tickets.organization_id", "is", null),
        eb(
          "tickets.organization_id",
          "not in",
          eb
            .selectFrom("retention_policies")
            .select("organization_id")
            .where("organization_id", "is not", null),
        ),
      ]),
    );
  }
  if (scope.skipErased) {
    query = query.where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("ticket_erasures")
            .select("ticket_id")
            .whereRef("ticket_erasures.ticket_id", "=", "tickets.id"),
        ),
      ),
    );
  }
  return query.orderBy("tickets.closed_at").limit(limit).execute();
}
