import type { DbExecutor } from "../../db/database.js";
import type { AttachmentsTable } from "../../db/tables.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import type { Visibility } from "../tickets/ticket.js";
import { ticketsIn } from "../tickets/ticket-repository.js";

export type AttachmentRow = AttachmentsTable;

export async function insertAttachments(db: DbExecutor, rows: AttachmentRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("attachments").values(rows).execute();
}

/** One attachment of a ticket in scope, on a comment of a visibility the reader may see. */
export async function findVisibleAttachment(
  db: DbExecutor,
  scope: TenantScope,
  query: { ticketId: string; attachmentId: string; visibilities: Visibility[] },
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom("attachments")
    .innerJoin("comments", "comments.id", "attachments.comment_id")
    .selectAll("attachments")
    .where("attachments.id", "=", query.attachmentId)
    .where("attachments.ticket_id", "=", query.ticketId)
    .where("attachments.ticket_id", "in", ticketsIn(db, scope).select("tickets.id"))
    .where("comments.ticket_id", "=", query.ticketId)
    .where("comments.visibility", "in", query.visibilities)
    .executeTakeFirst();
}

/** The attachments of these comments, by comment, oldest first. */
export async function attachmentsOfComments(
  db: DbExecutor,
  scope: TenantScope,
  commentIds: string[],
): Promise<Map<string, AttachmentRow[]>> {
  const byComment = new Map<string, AttachmentRow[]>();
  if (commentIds.length === 0) return byComment;
  const rows = await db
    .selectFrom("attachments")
    .selectAll()
    .where("comment_id", "in", commentIds)
    .where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id"))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const row of rows) byComment.set(row.comment_id, [...(byComment.get(row.comment_id) ?? []), row]);
  return byComment;
}

/** Deletes the rows on these comments or tickets and returns the files they named. */
export async function deleteAttachmentRows(
  db: DbExecutor,
  where: { commentIds?: string[]; ticketIds?: string[] },
): Promise<string[]> {
  const sha256s = new Set<string>();
  for (const [column, ids] of [
    ["comment_id", where.commentIds ?? []],
    ["ticket_id", where.ticketIds ?? []],
  ] as const) {
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = await db
        .deleteFrom("attachments")
        .where(column, "in", chunk)
        .returning("sha256")
        .execute();
      for (const row of rows) sha256s.add(row.sha256);
    }
  }
  return [...sha256s];
}

export async function countAttachmentRows(db: DbExecutor, where: { commentIds: string[] }): Promise<number> {
  if (where.commentIds.length === 0) return 0;
  const row = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("comment_id", "in", where.commentIds)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Of these files, the ones no attachment or pending upload names any more: safe to delete from the store. */
export async function unreferencedFiles(db: DbExecutor, sha256s: string[]): Promise<string[]> {
  if (sha256s.length === 0) return [];
  const referenced = new Set(
    (
      await db
        .selectFrom("attachments")
        .select("sha256")
        .where("sha256", "in", sha256s)
        .union(db.selectFrom("uploads").select("sha256").where("sha256", "in", sha256s))
        .execute()
    ).map((row) => row.sha256),
  );
  return sha256s.filter((sha256) => !referenced.has(sha256));
}
