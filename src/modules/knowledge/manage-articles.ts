import { ConflictError, NotFoundError, UnprocessableContentError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import { personNames } from "../status/incident-repository.js";
import { type ArticleState, checkSlug, checkText, slugify } from "./article-rules.js";
import { indexArticle, removeArticleFromIndex } from "./article-search.js";
import { presentArticle } from "./knowledge-presenter.js";
import {
  type ArticleRow,
  articleSlugTaken,
  deleteArticleRow,
  findArticle,
  findCategory,
  insertArticle,
  insertRevision,
  updateArticleIfVersion,
} from "./knowledge-repository.js";
import type { ArticleCreateInput, ArticleUpdateInput, ArticleView } from "./knowledge-schemas.js";
import { articlePlainText } from "./render-markdown.js";

/**
 * Writing articles (staff; admins delete). Every save keeps the version it replaces as a revision,
 * takes the version the writer read (a stale one is a 409 with the article as it is now), and keeps
 * the search index in step in the same transaction.
 */

const personIdOf = (ctx: Context) => (ctx.actor.kind === "person" ? ctx.actor.personId : null);

async function assertCategory(ctx: Context, categoryId: string): Promise<void> {
  if (!(await findCategory(ctx.db, categoryId)))
    throw UnprocessableContentError.field("/categoryId", "no such category");
}

async function assertSlugFree(ctx: Context, slug: string, exceptId: string | null): Promise<void> {
  if (await articleSlugTaken(ctx.db, slug, exceptId))
    throw new ConflictError(`An article with the slug "${slug}" already exists.`);
}

async function reindex(ctx: Context, row: ArticleRow): Promise<void> {
  await indexArticle(ctx.db, ctx.dialect, {
    id: row.id,
    title: row.title,
    plainText: articlePlainText(row.body),
    published: row.state === "published",
  });
}

export async function staffView(ctx: Context, row: ArticleRow): Promise<ArticleView> {
  return presentArticle(row, await personNames(ctx.db, [row.author_id, row.updated_by]));
}

export async function createArticle({
  ctx,
  input,
}: {
  ctx: Context;
  input: ArticleCreateInput;
}): Promise<ArticleView> {
  requireStaff(ctx.actor);
  const title = checkText(input.title, "/title", 300);
  const slug = input.slug === undefined ? slugify(title) : checkSlug(input.slug, "/slug");
  const state: ArticleState = input.state ?? "draft";
  return inTransaction(ctx, async (tx) => {
    await assertCategory(tx, input.categoryId);
    await assertSlugFree(tx, slug, null);
    const now = tx.clock.now().toISOString();
    const row: ArticleRow = {
      id: newId(),
      title,
      slug,
      body: input.body,
      category_id: input.categoryId,
      visibility: input.visibility,
      state,
      author_id: personIdOf(tx),
      updated_by: personIdOf(tx),
      version: 1,
      view_count: 0,
      deflection_count: 0,
      created_at: now,
      updated_at: now,
      published_at: state === "published" ? now : null,
    };
    await insertArticle(tx.db, row);
    await reindex(tx, row);
    await recordAudit(tx, {
      action: "knowledge_article.created",
      targetType: "knowledge_article",
      targetId: row.id,
      after: { title, slug, categoryId: row.category_id, visibility: row.visibility, state },
    });
    return staffView(tx, row);
  });
}

export async function updateArticle({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: ArticleUpdateInput;
}): Promise<ArticleView> {
  requireStaff(ctx.actor);
  const title = input.title === undefined ? undefined : checkText(input.title, "/title", 300);
  const slug = input.slug === undefined ? undefined : checkSlug(input.slug, "/slug");
  return inTransaction(ctx, async (tx) => {
    const existing = await findArticle(tx.db, id);
    if (!existing) throw new NotFoundError(`No article ${id}.`);
    const stale = async () => {
      // Read again: after a lost race the row read above is not what the other writer saved.
      const current = (await findArticle(tx.db, id)) ?? existing;
      const names = await personNames(tx.db, [current.author_id, current.updated_by]);
      const by = current.updated_by
        ? { id: current.updated_by, name: names.get(current.updated_by) ?? "" }
        : null;
      return new ConflictError(
        `The article changed since version ${input.version}: it is at version ${current.version}.`,
        presentArticle(current, names),
        { by, at: current.updated_at },
      );
    };
    if (existing.version !== input.version) throw await stale();
    if (input.categoryId !== undefined) await assertCategory(tx, input.categoryId);
    if (slug !== undefined) await assertSlugFree(tx, slug, id);
    const now = tx.clock.now().toISOString();
    const state = input.state ?? (existing.state as ArticleState);
    const row: ArticleRow = {
      ...existing,
      title: title ?? existing.title,
      slug: slug ?? existing.slug,
      body: input.body ?? existing.body,
      category_id: input.categoryId ?? existing.category_id,
      visibility: input.visibility ?? existing.visibility,
      state,
      updated_by: personIdOf(tx),
      version: existing.version + 1,
      updated_at: now,
      published_at: state === "published" ? (existing.published_at ?? now) : null,
    };
    // Two writers who read the same version: the second waits on the first's row lock, then its
    // conditional update changes nothing, so it is refused before it writes a revision.
    if (!(await updateArticleIfVersion(tx.db, row, existing.version))) throw await stale();
    await insertRevision(tx.db, {
      id: newId(),
      article_id: id,
      version: existing.version,
      title: existing.title,
      body: existing.body,
      state: existing.state,
      visibility: existing.visibility,
      written_by: existing.updated_by,
      written_at: existing.updated_at,
      replaced_by: personIdOf(tx),
      replaced_at: now,
    });
    await reindex(tx, row);
    await recordAudit(tx, {
      action: "knowledge_article.updated",
      targetType: "knowledge_article",
      targetId: id,
      before: {
        title: existing.title,
        slug: existing.slug,
        body: existing.body,
        categoryId: existing.category_id,
        visibility: existing.visibility,
        state: existing.state,
      },
      after: {
        title: row.title,
        slug: row.slug,
        body: row.body,
        categoryId: row.category_id,
        visibility: row.visibility,
        state: row.state,
      },
    });
    return staffView(tx, row);
  });
}

export async function deleteArticle({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findArticle(tx.db, id);
    if (!existing) throw new NotFoundError(`No article ${id}.`);
    await removeArticleFromIndex(tx.db, id);
    await deleteArticleRow(tx.db, id);
    await recordAudit(tx, {
      action: "knowledge_article.deleted",
      targetType: "knowledge_article",
      targetId: id,
      before: {
        title: existing.title,
        slug: existing.slug,
        state: existing.state,
        visibility: existing.visibility,
      },
    });
  });
}
