import { type Kysely, PostgresAdapter, sql } from "kysely";

// The knowledge base (issue 9): categories, articles with their change history, deflections, and
// the articles' full-text index. The index holds published articles only, one document each, kept in
// step by every save; as with ticket_search, it is where the dialects truly differ.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("knowledge_categories")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("knowledge_articles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("category_id", "text", (c) => c.notNull().references("knowledge_categories.id"))
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.references("people.id"))
    .addColumn("updated_by", "text", (c) => c.references("people.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("view_count", "integer", (c) => c.notNull())
    .addColumn("deflection_count", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("published_at", "text")
    .execute();
  await db.schema
    .createIndex("knowledge_articles_by_category")
    .on("knowledge_articles")
    .columns(["category_id", "state", "visibility"])
    .execute();

  // Each row is a version an article had before a save replaced it: who wrote it, and when.
  await db.schema
    .createTable("knowledge_article_revisions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("article_id", "text", (c) =>
      c.notNull().references("knowledge_articles.id").onDelete("cascade"),
    )
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("written_by", "text", (c) => c.references("people.id"))
    .addColumn("written_at", "text", (c) => c.notNull())
    .addColumn("replaced_by", "text", (c) => c.references("people.id"))
    .addColumn("replaced_at", "text", (c) => c.notNull())
    .addUniqueConstraint("knowledge_article_revisions_version", ["article_id", "version"])
    .execute();

  await db.schema
    .createTable("knowledge_deflections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("article_id", "text", (c) =>
      c.notNull().references("knowledge_articles.id").onDelete("cascade"),
    )
    .addColumn("query", "text", (c) => c.notNull())
    .addColumn("person_id", "text", (c) => c.references("people.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("knowledge_deflections_by_article")
    .on("knowledge_deflections")
    .column("article_id")
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`CREATE TABLE knowledge_search (
      article_id text PRIMARY KEY REFERENCES knowledge_articles(id) ON DELETE CASCADE,
      title text NOT NULL,
      body text NOT NULL,
      document tsvector NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX knowledge_search_document ON knowledge_search USING gin (document)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE knowledge_search USING fts5(
      article_id UNINDEXED, title, body,
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`.execute(db);
  }
}
