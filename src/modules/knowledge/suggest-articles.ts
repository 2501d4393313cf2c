import { NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { requireAuthenticated } from "../identity/identity-policy.js";
import { canReadArticle, snippetParts, suggestionTerms, visibleTo } from "./article-rules.js";
import { type ArticleSearchHit, matchEnd, matchStart, searchArticles } from "./article-search.js";
import { presentArticleSummary, presentSearchResult } from "./knowledge-presenter.js";
import { findArticle, findArticles, insertDeflection, listArticleRows } from "./knowledge-repository.js";
import type { SearchResultsView, SearchResultView } from "./knowledge-schemas.js";

/**
 * Search and suggested answers, scoped by who asks: customers and the public find public published
 * articles, staff internal ones too. A deflection is a customer saying a suggestion answered them.
 */

export const searchResultLimit = 20;
export const suggestionLimit = 5;

async function withArticles(ctx: Context, hits: ArticleSearchHit[]): Promise<SearchResultView[]> {
  const rows = new Map(
    (
      await findArticles(
        ctx.db,
        hits.map((hit) => hit.articleId),
      )
    ).map((r) => [r.id, r]),
  );
  return hits.flatMap((hit) => {
    const row = rows.get(hit.articleId);
    return row ? [presentSearchResult(row, snippetParts(hit.snippet, matchStart, matchEnd))] : [];
  });
}

/** Every word must match; without a query, the latest published articles the reader may see. */
export async function searchKnowledge({
  ctx,
  q,
}: {
  ctx: Context;
  q: string | undefined;
}): Promise<SearchResultsView> {
  requireAuthenticated(ctx.actor);
  return { items: await searchPublished(ctx, q, visibleTo(ctx.actor)), nextCursor: null };
}

/** Shared by the API and /help (whose reader is anonymous, so sees public articles only). */
export async function searchPublished(
  ctx: Context,
  q: string | undefined,
  visible: ReturnType<typeof visibleTo>,
): Promise<SearchResultView[]> {
  if (q === undefined || q.trim() === "") {
    const rows = await listArticleRows(ctx.db, { visible, states: ["published"], limit: searchResultLimit });
    return rows.map((row) => ({ article: presentArticleSummary(row), snippet: [] }));
  }
  const hits = await searchArticles(ctx.db, ctx.dialect, {
    text: q,
    visible,
    match: "all",
    limit: searchResultLimit,
  });
  return withArticles(ctx, hits);
}

/** The articles most like a request being written: any of its telling words, best match first. */
export async function suggestArticles({
  ctx,
  input,
}: {
  ctx: Context;
  input: { subject: string; body: string };
}): Promise<SearchResultsView> {
  requireAuthenticated(ctx.actor);
  const terms = suggestionTerms(input.subject, input.body);
  // Someone still typing the first words gets no suggestions rather than an error.
  if (terms.length === 0) return { items: [], nextCursor: null };
  const hits = await searchArticles(ctx.db, ctx.dialect, {
    text: terms.join(" "),
    visible: visibleTo(ctx.actor),
    match: "any",
    limit: suggestionLimit,
  });
  return { items: await withArticles(ctx, hits), nextCursor: null };
}

export async function recordDeflection({
  ctx,
  input,
}: {
  ctx: Context;
  input: { articleId: string; query: string };
}): Promise<{ articleId: string; deflections: number }> {
  requireAuthenticated(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const article = await findArticle(tx.db, input.articleId);
    // Only an article the reader could have been shown can have answered them.
    if (article?.state !== "published" || !canReadArticle(tx.actor, article))
      throw new NotFoundError(`No article ${input.articleId}.`);
    await insertDeflection(tx.db, {
      id: newId(),
      article_id: article.id,
      query: input.query.trim(),
      person_id: tx.actor.kind === "person" ? tx.actor.personId : null,
      created_at: tx.clock.now().toISOString(),
    });
    return { articleId: article.id, deflections: article.deflection_count + 1 };
  });
}
