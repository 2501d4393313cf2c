import type { DbExecutor } from "../../db/database.js";
import type { Context } from "../../shared/context.js";
import type { HelpCategory } from "./help-center-html.js";
import { presentArticleSummary, presentCategory } from "./knowledge-presenter.js";
import {
  countArticleView,
  findArticleBySlug,
  findCategory,
  listCategoryRows,
  listPublicArticleRows,
} from "./knowledge-repository.js";
import type { ArticleSummaryView, CategoryView, SearchResultView } from "./knowledge-schemas.js";
import { renderArticleHtml } from "./render-markdown.js";
import { searchPublished } from "./suggest-articles.js";

/**
 * What /help shows, read for nobody in particular: public published articles only, whoever's cookie
 * came along, so a page is the same for every reader and can be cached by anyone.
 */

export async function readHelpHome(db: DbExecutor): Promise<HelpCategory[]> {
  const [categories, articles] = await Promise.all([listCategoryRows(db), listPublicArticleRows(db)]);
  return categories.map((category) => ({
    category: presentCategory(category),
    articles: articles.filter((a) => a.category_id === category.id).map(presentArticleSummary),
  }));
}

export async function readHelpArticle(
  db: DbExecutor,
  slug: string,
): Promise<{ article: ArticleSummaryView; html: string; category: CategoryView | undefined } | null> {
  const row = await findArticleBySlug(db, slug);
  if (row?.state !== "published" || row.visibility !== "public") return null;
  await countArticleView(db, row.id);
  const category = await findCategory(db, row.category_id);
  return {
    article: presentArticleSummary(row),
    html: renderArticleHtml(row.body),
    category: category ? presentCategory(category) : undefined,
  };
}

/** Null when the query has no word to search for. */
export async function searchHelp(ctx: Context, query: string): Promise<SearchResultView[] | null> {
  if (!/[\p{L}\p{N}_]/u.test(query)) return null;
  return searchPublished(ctx, query, ["public"]);
}
