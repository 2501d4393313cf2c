import { sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import { ValidationError } from "../../errors.js";
import type { ArticleVisibility } from "./article-rules.js";

/**
 * Full-text search over published articles: SQLite FTS5 or PostgreSQL tsvector, one document per
 * article (its title weighted above its body), kept in step by every save. This file is the only
 * place the dialects differ, as `tickets/ticket-search.ts` is for tickets: both stem English words,
 * rank (bm25 / ts_rank_cd) and cut a snippet around the matches.
 *
 * Ranking and snippets are two steps: a snippet re-reads the whole article body, and a common word
 * matches most of a help center, so cutting one per match before the LIMIT cost 100–200 ms a search
 * on 450 articles. Only the page's top articles get one.
 */

/** Marks a matched term in a snippet; control characters never occur in the indexed text. */
export const matchStart = "\u0002";
export const matchEnd = "\u0003";

export interface ArticleSearchHit {
  articleId: string;
  /** Plain text with each matched term between `matchStart` and `matchEnd`. */
  snippet: string;
}

export interface ArticleSearchQuery {
  text: string;
  visible: ArticleVisibility[];
  /** Every word must match (a search box), or any may (suggestions from what a customer typed). */
  match: "all" | "any";
  limit: number;
}

export function searchWords(text: string): string[] {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) throw ValidationError.field("q", "must contain at least one word");
  return [...new Set(words.map((w) => w.toLowerCase()))].slice(0, 32);
}

/** Replaces the article's document: the published text is indexed, anything else leaves none. */
export async function indexArticle(
  db: DbExecutor,
  dialect: DialectKind,
  article: { id: string; title: string; plainText: string; published: boolean },
): Promise<void> {
  await removeArticleFromIndex(db, article.id);
  if (!article.published) return;
  if (dialect === "postgres") {
    await sql`INSERT INTO knowledge_search (article_id, title, body, document)
      VALUES (${article.id}, ${article.title}, ${article.plainText},
        setweight(to_tsvector('english', ${article.title}), 'A') ||
        setweight(to_tsvector('english', ${article.plainText}), 'B'))`.execute(db);
  } else {
    await sql`INSERT INTO knowledge_search (article_id, title, body)
      VALUES (${article.id}, ${article.title}, ${article.plainText})`.execute(db);
  }
}

export async function removeArticleFromIndex(db: DbExecutor, articleId: string): Promise<void> {
  await sql`DELETE FROM knowledge_search WHERE article_id = ${articleId}`.execute(db);
}

/** Published articles the reader may see, best first, each with a snippet of its body. */
export async function searchArticles(
  db: DbExecutor,
  dialect: DialectKind,
  query: ArticleSearchQuery,
): Promise<ArticleSearchHit[]> {
  const words = searchWords(query.text);
  if (dialect === "postgres") {
    const terms = words.map((w) => sql`plainto_tsquery('english', ${w})`);
    const tsquery =
      query.match === "all"
        ? sql`plainto_tsquery('english', ${words.join(" ")})`
        : sql`(${sql.join(terms, sql` || `)})`;
    const { rows } = await sql<{ article_id: string; snippet: string }>`
      WITH q AS (SELECT ${tsquery} AS query),
      ranked AS (
        SELECT s.article_id, s.body, a.title, ts_rank_cd(s.document, q.query) AS rank
        FROM knowledge_search s
        CROSS JOIN q
        JOIN knowledge_articles a ON a.id = s.article_id
        WHERE s.document @@ q.query
          AND a.state = 'published' AND a.visibility IN (${sql.join(query.visible)})
        ORDER BY rank DESC, a.title ASC
        LIMIT ${query.limit})
      SELECT ranked.article_id,
        ts_headline('english', ranked.body, q.query,
          ${`StartSel=${matchStart}, StopSel=${matchEnd}, MaxWords=30, MinWords=12, ShortWord=2`}) AS snippet
      FROM ranked CROSS JOIN q
      ORDER BY ranked.rank DESC, ranked.title ASC`.execute(db);
    return rows.map((row) => ({ articleId: row.article_id, snippet: row.snippet }));
  }
  // Each word is quoted so FTS5 reads it as a term, never as query syntax (NEAR, OR, column filters).
  const match = words.map((w) => `"${w}"`).join(query.match === "all" ? " " : " OR ");
  const { rows } = await sql<{ article_id: string; snippet: string }>`
    WITH ranked AS (
      SELECT knowledge_search.rowid AS document_id, a.title,
        bm25(knowledge_search, 0.0, 10.0, 1.0) AS rank
      FROM knowledge_search
      JOIN knowledge_articles a ON a.id = knowledge_search.article_id
      WHERE knowledge_search MATCH ${match}
        AND a.state = 'published' AND a.visibility IN (${sql.join(query.visible)})
      ORDER BY rank ASC, a.title ASC
      LIMIT ${query.limit})
    SELECT knowledge_search.article_id,
      snippet(knowledge_search, 2, ${matchStart}, ${matchEnd}, '…', 24) AS snippet
    FROM ranked
    JOIN knowledge_search ON knowledge_search.rowid = ranked.document_id
    WHERE knowledge_search MATCH ${match}
    ORDER BY ranked.rank ASC, ranked.title ASC`.execute(db);
  return rows.map((row) => ({ articleId: row.article_id, snippet: row.snippet }));
}
