import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  KnowledgeArticleRevisionsTable,
  KnowledgeArticlesTable,
  KnowledgeCategoriesTable,
  KnowledgeDeflectionsTable,
} from "../../db/tables.js";
import type { ArticleState, ArticleVisibility } from "./article-rules.js";

/** The only knowledge-base SQL, but for the search index (`article-search.ts`). */

export type CategoryRow = KnowledgeCategoriesTable;
export type ArticleRow = KnowledgeArticlesTable;
export type RevisionRow = KnowledgeArticleRevisionsTable;
export type DeflectionRow = KnowledgeDeflectionsTable;

export async function insertCategory(db: DbExecutor, row: CategoryRow): Promise<void> {
  await db.insertInto("knowledge_categories").values(row).execute();
}

export async function updateCategoryRow(db: DbExecutor, row: CategoryRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("knowledge_categories").set(changes).where("id", "=", id).execute();
}

export async function deleteCategoryRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("knowledge_categories").where("id", "=", id).execute();
}

export async function findCategory(db: DbExecutor, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom("knowledge_categories").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listCategoryRows(db: DbExecutor): Promise<CategoryRow[]> {
  return db.selectFrom("knowledge_categories").selectAll().orderBy("position").orderBy("name").execute();
}

export async function categorySlugTaken(
  db: DbExecutor,
  slug: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("knowledge_categories").select("id").where("slug", "=", slug);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function categoryHasArticles(db: DbExecutor, categoryId: string): Promise<boolean> {
  const row = await db
    .selectFrom("knowledge_articles")
    .select("id")
    .where("category_id", "=", categoryId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertArticle(db: DbExecutor, row: ArticleRow): Promise<void> {
  await db.insertInto("knowledge_articles").values(row).execute();
}

/** Saves the article only if nobody saved it since `expectedVersion` was read; false when someone did. */
export async function updateArticleIfVersion(
  db: DbExecutor,
  row: ArticleRow,
  expectedVersion: number,
): Promise<boolean> {
  const { id, view_count: _views, deflection_count: _deflections, ...changes } = row;
  const result = await db
    .updateTable("knowledge_articles")
    .set(changes)
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteArticleRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("knowledge_articles").where("id", "=", id).execute();
}

export async function findArticle(db: DbExecutor, id: string): Promise<ArticleRow | undefined> {
  return db.selectFrom("knowledge_articles").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findArticleBySlug(db: DbExecutor, slug: string): Promise<ArticleRow | undefined> {
  return db.selectFrom("knowledge_articles").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export async function findArticles(db: DbExecutor, ids: string[]): Promise<ArticleRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("knowledge_articles").selectAll().where("id", "in", ids).execute();
}

export async function articleSlugTaken(
  db: DbExecutor,
  slug: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("knowledge_articles").select("id").where("slug", "=", slug);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface ArticleListFilter {
  visible: ArticleVisibility[];
  states: ArticleState[];
  categoryId?: string;
  limit: number;
}

export async function listArticleRows(db: DbExecutor, filter: ArticleListFilter): Promise<ArticleRow[]> {
  let query = db
    .selectFrom("knowledge_articles")
    .selectAll()
    .where("visibility", "in", filter.visible)
    .where("state", "in", filter.states);
  if (filter.categoryId) query = query.where("category_id", "=", filter.categoryId);
  return query.orderBy("updated_at", "desc").orderBy("id").limit(filter.limit).execute();
}

/** What /help lists: public published articles with their category, by category position then title. */
export async function listPublicArticleRows(db: DbExecutor): Promise<ArticleRow[]> {
  return db
    .selectFrom("knowledge_articles")
    .selectAll()
    .where("visibility", "=", "public")
    .where("state", "=", "published")
    .orderBy("title")
    .orderBy("id")
    .execute();
}

export async function countArticleView(db: DbExecutor, id: string): Promise<void> {
  await db
    .updateTable("knowledge_articles")
    .set({ view_count: sql`view_count + 1` })
    .where("id", "=", id)
    .execute();
}

export async function insertDeflection(db: DbExecutor, row: DeflectionRow): Promise<void> {
  await db.insertInto("knowledge_deflections").values(row).execute();
  await db
    .updateTable("knowledge_articles")
    .set({ deflection_count: sql`deflection_count + 1` })
    .where("id", "=", row.article_id)
    .execute();
}

export async function insertRevision(db: DbExecutor, row: RevisionRow): Promise<void> {
  await db.insertInto("knowledge_article_revisions").values(row).execute();
}

export async function listRevisionRows(db: DbExecutor, articleId: string): Promise<RevisionRow[]> {
  return db
    .selectFrom("knowledge_article_revisions")
    .selectAll()
    .where("article_id", "=", articleId)
    .orderBy("version", "desc")
    .execute();
}

export async function findRevision(
  db: DbExecutor,
  articleId: string,
  revisionId: string,
): Promise<RevisionRow | undefined> {
  return db
    .selectFrom("knowledge_article_revisions")
    .selectAll()
    .where("article_id", "=", articleId)
    .where("id", "=", revisionId)
    .executeTakeFirst();
}

/** Every article, a page at a time by id, for rebuilding the search index after a restore. */
export async function articlesAfter(db: DbExecutor, afterId: string, limit: number): Promise<ArticleRow[]> {
  return db
    .selectFrom("knowledge_articles")
    .selectAll()
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function countDeflectionsBy(db: DbExecutor, personId: string): Promise<number> {
  const row = await db
    .selectFrom("knowledge_deflections")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** The words the person typed go; the article keeps its count of requests it answered. */
export async function forgetDeflectionsBy(db: DbExecutor, personId: string): Promise<void> {
  await db
    .updateTable("knowledge_deflections")
    .set({ query: "", person_id: null })
    .where("person_id", "=", personId)
    .execute();
}
