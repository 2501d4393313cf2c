import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { EmailMessagesTable, RawEmailsTable } from "../../db/tables.js";
import type { JobRow } from "../../jobs/job-repository.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";

export type RawEmailRow = RawEmailsTable;
export type EmailMessageRow = EmailMessagesTable;
export type RawEmailStatus = "received" | "processed" | "failed" | "ignored";

/** Stores the message unless the same bytes are already stored; true when this call stored it. */
export async function insertRawEmail(db: DbExecutor, row: RawEmailRow): Promise<boolean> {
  const result = await db
    .insertInto("raw_emails")
    .values(row)
    .onConflict((oc) => oc.column("sha256").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * PostgreSQL only (a writing CTE): the messages not stored already, and the jobs whose payload names
 * one of them, in one statement. Returns the ids of the messages it stored.
 */
export async function insertRawEmailsWithJobs(
  db: DbExecutor,
  rows: readonly RawEmailRow[],
  jobs: ReadonlyArray<Omit<JobRow, "attempts">>,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const jobColumns = Object.keys(jobs[0] ?? {}) as Array<keyof (typeof jobs)[number]>;
  const stored = await db
    .with("stored", (cte) =>
      cte
        .insertInto("raw_emails")
        .values([...rows])
        .onConflict((oc) => oc.column("sha256").doNothing())
        .returning("id"),
    )
    .with("queued", (cte) =>
      cte
        .insertInto("jobs")
        .columns(jobColumns)
        .expression(
          sql`SELECT ${sql.join(jobColumns.map((column) => sql.ref(column)))}
            FROM json_populate_recordset(null::jobs, ${JSON.stringify(jobs)}::json) AS planned
            WHERE planned.payload::json ->> 'rawEmailId' IN (SELECT id FROM stored)`,
        ),
    )
    .selectFrom("stored")
    .select("id")
    .execute();
  return new Set(stored.map((row) => row.id));
}

/** Whether these bytes are stored already (the same message delivered again). */
export async function rawEmailExists(db: DbExecutor, sha256: string): Promise<boolean> {
  const row = await db.selectFrom("raw_emails").select("id").where("sha256", "=", sha256).executeTakeFirst();
  return row !== undefined;
}

/** Which of these ids `raw_emails` holds. */
export async function findExistingRawEmailIds(db: DbExecutor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("raw_emails").select("id").where("id", "in", ids).execute();
  return rows.map((row) => row.id);
}

export async function findRawEmails(db: DbExecutor, ids: readonly string[]): Promise<RawEmailRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("raw_emails").selectAll().where("id", "in", ids).execute();
}

export type RawEmailSummaryRow = Omit<RawEmailRow, "raw"> & { ticket_number: number | null };

function selectSummaries(db: DbExecutor) {
  return db
    .selectFrom("raw_emails")
    .leftJoin("tickets", "tickets.id", "raw_emails.ticket_id")
    .select([
      "raw_emails.id",
      "raw_emails.sha256",
      "raw_emails.size_bytes",
      "raw_emails.mail_from",
      "raw_emails.rcpt_to",
      "raw_emails.remote_address",
      "raw_emails.received_at",
      "raw_emails.status",
      "raw_emails.status_reason",
      "raw_emails.message_id",
      "raw_emails.ticket_id",
      "raw_emails.processed_at",
      "tickets.number as ticket_number",
    ]);
}

export async function findRawEmailSummary(
  db: DbExecutor,
  id: string,
): Promise<RawEmailSummaryRow | undefined> {
  return selectSummaries(db).where("raw_emails.id", "=", id).executeTakeFirst();
}

/** Newest first, keyset-paged on (received_at, id). */
export async function listRawEmailSummaries(
  db: DbExecutor,
  query: { statuses?: RawEmailStatus[]; limit: number; after?: CursorPosition },
): Promise<RawEmailSummaryRow[]> {
  let select = selectSummaries(db);
  if (query.statuses) select = select.where("raw_emails.status", "in", query.statuses);
  const after = query.after;
  if (after) {
    select = select.where((eb) =>
      eb.or([
        eb("raw_emails.received_at", "<", String(after.value)),
        eb.and([eb("raw_emails.received_at", "=", String(after.value)), eb("raw_emails.id", "<", after.id)]),
      ]),
    );
  }
  return select
    .orderBy("raw_emails.received_at", "desc")
    .orderBy("raw_emails.id", "desc")
    .limit(query.limit)
    .execute();
}

export async function updateRawEmailStatus(
  db: DbExecutor,
  id: string,
  change: {
    status: RawEmailStatus;
    reason: string | null;
    at: string | null;
    messageId?: string | null;
    ticketId?: string | null;
  },
): Promise<void> {
  await db
    .updateTable("raw_emails")
    .set({
      status: change.status,
      status_reason: change.reason,
      processed_at: change.at,
      ...(change.messageId !== undefined ? { message_id: change.messageId } : {}),
      ...(change.ticketId !== undefined ? { ticket_id: change.ticketId } : {}),
    })
    .where("id", "=", id)
    .execute();
}

export async function insertEmailMessage(db: DbExecutor, row: EmailMessageRow): Promise<void> {
  await db.insertInto("email_messages").values(row).execute();
}

export async function findEmailMessageByMessageId(
  db: DbExecutor,
  messageId: string,
): Promise<EmailMessageRow | undefined> {
  return db.selectFrom("email_messages").selectAll().where("message_id", "=", messageId).executeTakeFirst();
}

/** The ticket of the most recent known mail among `messageIds` (a thread's References, newest last). */
export async function findTicketIdOfMessages(
  db: DbExecutor,
  messageIds: string[],
): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const row = await db
    .selectFrom("email_messages")
    .select("ticket_id")
    .where("message_id", "in", messageIds)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.ticket_id;
}

/** The newest follow-up opened for a closed ticket, where its conversation continues. */
export async function findLatestFollowUpId(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<string | undefined> {
  const row = await ticketsIn(db, scope)
    .select("id")
    .where("follow_up_of_id", "=", ticketId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

export async function findEmailMessageById(db: DbExecutor, id: string): Promise<EmailMessageRow | undefined> {
  return db.selectFrom("email_messages").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A ticket's mail, oldest first: the thread an outbound reply's References carry. */
export async function listTicketEmailMessages(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<EmailMessageRow[]> {
  return db
    .selectFrom("email_messages")
    .selectAll("email_messages")
    .where(
      "email_messages.ticket_id",
      "in",
      ticketsIn(db, scope).select("tickets.id").where("tickets.id", "=", ticketId),
    )
    .orderBy("email_messages.created_at")
    .orderBy("email_messages.id")
    .execute();
}

/** Gives an outbound mail its Message-ID once; a retry finds it already set and keeps it. */
export async function assignOutboundMessageId(db: DbExecutor, id: string, messageId: string): Promise<void> {
  await db
    .updateTable("email_messages")
    .set({ message_id: messageId })
    .where("id", "=", id)
    .where("message_id", "is", null)
    .execute();
}

export async function updateOutboundDelivery(
  db: DbExecutor,
  id: string,
  change: {
    state: "queued" | "sent" | "failed";
    answer: string | null;
    sentAt?: string;
    fromAddress?: string;
    inReplyTo?: string | null;
    referenceIds?: string[];
  },
): Promise<void> {
  await db
    .updateTable("email_messages")
    .set({
      delivery_state: change.state,
      delivery_answer: change.answer,
      ...(change.sentAt !== undefined ? { sent_at: change.sentAt } : {}),
      ...(change.fromAddress !== undefined ? { from_address: change.fromAddress } : {}),
      ...(change.inReplyTo !== undefined ? { in_reply_to: change.inReplyTo } : {}),
      ...(change.referenceIds !== undefined ? { reference_ids: JSON.stringify(change.referenceIds) } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** The outbound mail carrying each of these comments, for their delivery state. */
export async function outboundMailOfComments(
  db: DbExecutor,
  scope: TenantScope,
  commentIds: string[],
): Promise<EmailMessageRow[]> {
  if (commentIds.length === 0) return [];
  return db
    .selectFrom("email_messages")
    .selectAll()
    .where("direction", "=", "outbound")
    .where("comment_id", "in", commentIds)
    .where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id"))
    .execute();
}

/**
 * How many messages from this envelope sender were stored since `since`, counted no further than
 * `upTo`: the flood stop's count, which only asks whether the limit is reached, so a flood costs each
 * of its messages the limit's rows rather than every message of the flood so far.
 */
export async function countMessagesFromSender(
  db: DbExecutor,
  mailFrom: string,
  since: string,
  upTo: number,
): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom("raw_emails")
        .select("id")
        .where("mail_from", "=", mailFrom)
        .where("received_at", ">=", since)
        .limit(upTo)
        .as("recent"),
    )
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Our own sent mail among these Message-IDs: what a bounce may report on. */
export async function findOutboundMessages(db: DbExecutor, messageIds: string[]): Promise<EmailMessageRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom("email_messages")
    .selectAll()
    .where("direction", "=", "outbound")
    .where("message_id", "in", messageIds)
    .execute();
}

/**
 * The first of `messageIds` that names a message received before `before` and not yet processed:
 * a reply must not be threaded ahead of the message it answers.
 */
export async function findEarlierUnprocessedMessage(
  db: DbExecutor,
  before: Pick<RawEmailRow, "id" | "received_at">,
  messageIds: string[],
): Promise<string | undefined> {
  if (messageIds.length === 0) return undefined;
  const row = await db
    .selectFrom("raw_emails")
    .select("message_id")
    .where("status", "=", "received")
    .where("message_id", "in", messageIds)
    .where((eb) =>
      eb.or([
        eb("received_at", "<", before.received_at),
        eb.and([eb("received_at", "=", before.received_at), eb("id", "<", before.id)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row?.message_id ?? undefined;
}
