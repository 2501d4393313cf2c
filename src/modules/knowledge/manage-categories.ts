import { ConflictError, NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin, requireAuthenticated, requireStaff } from "../identity/identity-policy.js";
import { checkSlug, checkText, slugify } from "./article-rules.js";
import { presentCategory } from "./knowledge-presenter.js";
import {
  type CategoryRow,
  categoryHasArticles,
  categorySlugTaken,
  deleteCategoryRow,
  findCategory,
  insertCategory,
  listCategoryRows,
  updateCategoryRow,
} from "./knowledge-repository.js";
import type { CategoryView } from "./knowledge-schemas.js";

/** Categories order the help center. Anyone signed in reads them; staff write; admins delete. */

export interface CategoryInput {
  name: string;
  slug?: string;
  position?: number;
  description?: string;
}

async function assertSlugFree(ctx: Context, slug: string, exceptId: string | null): Promise<void> {
  if (await categorySlugTaken(ctx.db, slug, exceptId))
    throw new ConflictError(`A category with the slug "${slug}" already exists.`);
}

export async function listCategories({ ctx }: { ctx: Context }): Promise<CategoryView[]> {
  requireAuthenticated(ctx.actor);
  return (await listCategoryRows(ctx.db)).map(presentCategory);
}

export async function getCategory({ ctx, id }: { ctx: Context; id: string }): Promise<CategoryView> {
  requireAuthenticated(ctx.actor);
  const row = await findCategory(ctx.db, id);
  if (!row) throw new NotFoundError(`No category ${id}.`);
  return presentCategory(row);
}

export async function createCategory({
  ctx,
  input,
}: {
  ctx: Context;
  input: CategoryInput;
}): Promise<CategoryView> {
  requireStaff(ctx.actor);
  const name = checkText(input.name, "/name", 200);
  const slug = input.slug === undefined ? slugify(name) : checkSlug(input.slug, "/slug");
  return inTransaction(ctx, async (tx) => {
    await assertSlugFree(tx, slug, null);
    const now = tx.clock.now().toISOString();
    const row: CategoryRow = {
      id: newId(),
      name,
      slug,
      position: input.position ?? 0,
      description: input.description?.trim() ?? "",
      created_at: now,
      updated_at: now,
    };
    await insertCategory(tx.db, row);
    await recordAudit(tx, {
      action: "knowledge_category.created",
      targetType: "knowledge_category",
      targetId: row.id,
      after: row,
    });
    return presentCategory(row);
  });
}

export async function updateCategory({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<CategoryInput>;
}): Promise<CategoryView> {
  requireStaff(ctx.actor);
  const name = input.name === undefined ? undefined : checkText(input.name, "/name", 200);
  const slug = input.slug === undefined ? undefined : checkSlug(input.slug, "/slug");
  return inTransaction(ctx, async (tx) => {
    const existing = await findCategory(tx.db, id);
    if (!existing) throw new NotFoundError(`No category ${id}.`);
    if (slug !== undefined) await assertSlugFree(tx, slug, id);
    const row: CategoryRow = {
      ...existing,
      name: name ?? existing.name,
      slug: slug ?? existing.slug,
      position: input.position ?? existing.position,
      description: input.description?.trim() ?? existing.description,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateCategoryRow(tx.db, row);
    await recordAudit(tx, {
      action: "knowledge_category.updated",
      targetType: "knowledge_category",
      targetId: id,
      before: existing,
      after: row,
    });
    return presentCategory(row);
  });
}

/** A category with articles stays: deleting it would leave them nowhere on /help. */
export async function deleteCategory({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findCategory(tx.db, id);
    if (!existing) throw new NotFoundError(`No category ${id}.`);
    if (await categoryHasArticles(tx.db, id))
      throw new ConflictError("The category still has articles: move or delete them first.");
    await deleteCategoryRow(tx.db, id);
    await recordAudit(tx, {
      action: "knowledge_category.deleted",
      targetType: "knowledge_category",
      targetId: id,
      before: existing,
    });
  });
}
