import type { Kysely } from "kysely";

// Files uploaded through the API (the portal, the agent composer) waiting for the comment that will
// carry them. An upload is its uploader's alone until a new ticket or comment claims it: claiming
// turns the row into an `attachments` row and deletes this one in the comment's transaction, so a
// row here is always unclaimed. Its bytes are in the attachment store like any attachment's.
// Unclaimed uploads expire after a day (`attachments.sweep-orphans`); `uploads_by_created_at`
// serves that sweep, `uploads_by_sha256` the question whether a stored file is still named.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("uploads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("uploader_id", "text", (c) => c.notNull().references("people.id").onDelete("cascade"))
    // Sanitized like an attachment's: no path, no control characters, length-capped.
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("content_type", "text", (c) => c.notNull())
    .addColumn("size_bytes", "integer", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("uploads_by_uploader").on("uploads").column("uploader_id").execute();
  await db.schema.createIndex("uploads_by_created_at").on("uploads").column("created_at").execute();
  await db.schema.createIndex("uploads_by_sha256").on("uploads").column("sha256").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("uploads").execute();
}
