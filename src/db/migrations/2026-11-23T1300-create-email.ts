import { type Kysely, PostgresAdapter } from "kysely";

// The email channel. `raw_emails` holds every inbound message exactly as it arrived, bytes and
// envelope, before anything parses it: the SMTP listener answers 250 only once this row is
// committed, so an accepted message survives any later failure and can be processed again after a
// fix. The bytes live in the database (blob / bytea) rather than in files so that storing the message
// and its envelope is one transaction on both dialects, and backups hold everything. `sha256` is
// unique: the same bytes delivered twice are stored once.
//
// `email_messages` is the thread: one row per mail on a ticket, inbound or outbound, with its
// unique Message-ID. It is the map from a Message-ID to its ticket that threading consults, the
// reason the same message delivered twice adds nothing, and for outbound mail its delivery state.

export async function up(db: Kysely<any>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? "bytea" : "blob";
  await db.schema
    .createTable("raw_emails")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("sha256", "text", (c) => c.notNull().unique())
    .addColumn("raw", bytes, (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    // The SMTP envelope: null MAIL FROM is `<>` (bounces); recipients a JSON array.
    .addColumn("mail_from", "text")
    .addColumn("rcpt_to", "text", (c) => c.notNull())
    .addColumn("remote_address", "text")
    .addColumn("received_at", "text", (c) => c.notNull())
    // received → processed | failed | ignored, with the reason for the last two.
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_reason", "text")
    .addColumn("message_id", "text")
    .addColumn("ticket_id", "text", (c) => c.references("tickets.id"))
    .addColumn("processed_at", "text")
    .execute();
  await db.schema
    .createIndex("raw_emails_by_status")
    .on("raw_emails")
    .columns(["status", "received_at", "id"])
    .execute();

  await db.schema
    .createTable("email_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("direction", "text", (c) => c.notNull())
    // Unique; null only while an outbound mail waits for its first attempt, which assigns it
    // before sending so that every retry carries the same Message-ID.
    .addColumn("message_id", "text", (c) => c.unique())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("comment_id", "text", (c) => c.references("comments.id").onDelete("cascade"))
    .addColumn("raw_email_id", "text", (c) => c.references("raw_emails.id"))
    .addColumn("from_address", "text", (c) => c.notNull())
    .addColumn("from_name", "text")
    // JSON arrays of lower-case addresses.
    .addColumn("to_addresses", "text", (c) => c.notNull())
    .addColumn("cc_addresses", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("in_reply_to", "text")
    // JSON array of Message-IDs, oldest first, as the References header carries them.
    .addColumn("reference_ids", "text", (c) => c.notNull())
    // The whole message as text and sanitized HTML; the ticket's comment shows only the new reply.
    .addColumn("body_text", "text", (c) => c.notNull())
    .addColumn("body_html", "text", (c) => c.notNull())
    // Outbound only: queued → sent | failed, with the relay's answer.
    .addColumn("delivery_state", "text")
    .addColumn("delivery_answer", "text")
    .addColumn("sent_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("email_messages_by_ticket")
    .on("email_messages")
    .columns(["ticket_id", "created_at"])
    .execute();
  await db.schema
    .createIndex("email_messages_by_comment")
    .on("email_messages")
    .column("comment_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("email_messages").execute();
  await db.schema.dropTable("raw_emails").execute();
}
