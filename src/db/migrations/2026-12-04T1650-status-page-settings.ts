import type { Kysely } from "kysely";

// The public status page's own settings (issue 8): one row, id "page". Absent, the page uses its defaults
// (the title "Status" and no public error budget), so a fresh desk needs no seed.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("status_page_settings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("show_error_budget", "integer", (c) => c.notNull())
    .addColumn("updated_by", "text", (c) => c.references("people.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}
