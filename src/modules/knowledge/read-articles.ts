import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { isStaff, requireAuthenticated, requireStaff } from "../identity/identity-policy.js";
import { personNames } from "../status/incident-repository.js";
import { type ArticleState, canReadArticle, visibleTo } from "./article-rules.js";
import {
  presentArticle,
  presentArticleSummary,
  presentRevision,
  presentRevisionSummary,
} from "./knowledge-presenter.js";
import {
  countArticleView,
  findArticle,
  findRevision,
  listArticleRows,
  listRevisionRows,
} from "./knowledge-repository.js";
import type {
  ArticleSummaryView,
  ArticleView,
  RevisionSummaryView,
  RevisionView,
} from "./knowledge-schemas.js";
import { staffView } from "./manage-articles.js";
import { renderArticleHtml } from "./render-markdown.js";

/**
 * Reading articles. A draft or an internal article is, to a customer, an article that does not
 * exist: the same 404 as a missing id, so its existence does not leak.
 */

export async function getArticle({ ctx, id }: { ctx: Context; id: string }): Promise<ArticleView> {
  requireAuthenticated(ctx.actor);
  const row = await findArticle(ctx.db, id);
  if (!row || !canReadArticle(ctx.actor, row)) throw new NotFoundError(`No article ${id}.`);
  if (isStaff(ctx.actor)) return staffView(ctx, row);
  // Views count readers the article is written for; staff opening the editor are not among them.
  await countArticleView(ctx.db, id);
  return presentArticle(row, null);
}

export async function listArticles({
  ctx,
  filter,
}: {
  ctx: Context;
  filter: { categoryId?: string; state?: ArticleState };
}): Promise<ArticleSummaryView[]> {
  requireAuthenticated(ctx.actor);
  const staff = isStaff(ctx.actor);
  const states: ArticleState[] = staff
    ? filter.state
      ? [filter.state]
      : ["draft", "published"]
    : ["published"];
  if (!staff && filter.state === "draft") return [];
  const rows = await listArticleRows(ctx.db, {
    visible: visibleTo(ctx.actor),
    states,
    ...(filter.categoryId ? { categoryId: filter.categoryId } : {}),
    limit: 500,
  });
  return rows.map(presentArticleSummary);
}

export async function articleHistory({
  ctx,
  id,
}: {
  ctx: Context;
  id: string;
}): Promise<RevisionSummaryView[]> {
  requireStaff(ctx.actor);
  if (!(await findArticle(ctx.db, id))) throw new NotFoundError(`No article ${id}.`);
  const rows = await listRevisionRows(ctx.db, id);
  const names = await personNames(
    ctx.db,
    rows.flatMap((row) => [row.written_by, row.replaced_by]),
  );
  return rows.map((row) => presentRevisionSummary(row, names));
}

export async function articleRevision({
  ctx,
  id,
  revisionId,
}: {
  ctx: Context;
  id: string;
  revisionId: string;
}): Promise<RevisionView> {
  requireStaff(ctx.actor);
  const row = await findRevision(ctx.db, id, revisionId);
  if (!row) throw new NotFoundError(`No revision ${revisionId} of article ${id}.`);
  return presentRevision(row, await personNames(ctx.db, [row.written_by, row.replaced_by]));
}

/** The editor's preview goes through the very renderer readers get, so what staff see is what ships. */
export function previewArticle({ ctx, body }: { ctx: Context; body: string }): { html: string } {
  requireStaff(ctx.actor);
  return { html: renderArticleHtml(body) };
}
