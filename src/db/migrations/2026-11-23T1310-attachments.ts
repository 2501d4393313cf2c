import type { Kysely } from "kysely";

// Files that came with a message (inbound mail attachments and inline images). The bytes live on
// disk, content-addressed under `$TEND_DATA_DIR/attachments/<aa>/<sha256>` (the folder a backup
// carries), written before the row that names them commits; a row is what makes a file visible.
// Several rows may share one file (the same PDF sent twice): a file goes when its last row goes.
//
// `raw_emails_by_sender` serves the SMTP listener's flood stop, which counts a sender's recent
// messages in the database so that every listener process sees the same count.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("comment_id", "text", (c) => c.notNull().references("comments.id").onDelete("cascade"))
    // Sanitized: no path separators, no control characters, length-capped.
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    // 1 for an inline image the HTML refers to by its Content-ID, 0 for an attachment.
    .addColumn("inline", "integer", (c) => c.notNull())
    .addColumn("content_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attachments_by_comment").on("attachments").column("comment_id").execute();
  await db.schema.createIndex("attachments_by_ticket").on("attachments").column("ticket_id").execute();
  await db.schema.createIndex("attachments_by_sha256").on("attachments").column("sha256").execute();
  await db.schema
    .createIndex("raw_emails_by_sender")
    .on("raw_emails")
    .columns(["mail_from", "received_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("raw_emails_by_sender").execute();
  await db.schema.dropTable("attachments").execute();
}
