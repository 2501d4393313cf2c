import type { ArticleState, ArticleVisibility, SnippetPart } from "./article-rules.js";
import type { ArticleRow, CategoryRow, RevisionRow } from "./knowledge-repository.js";
import type {
  ArticleSummaryView,
  ArticleView,
  CategoryView,
  RevisionSummaryView,
  RevisionView,
} from "./knowledge-schemas.js";
import { renderArticleHtml } from "./render-markdown.js";

export function presentCategory(row: CategoryRow): CategoryView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    position: row.position,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentArticleSummary(row: ArticleRow): ArticleSummaryView {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    categoryId: row.category_id,
    visibility: row.visibility as ArticleVisibility,
    state: row.state as ArticleState,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}

type Names = Map<string, string>;
const personRef = (id: string | null, names: Names) => (id ? { id, name: names.get(id) ?? "" } : null);

/** Who wrote it and how often it helped are for staff: `names` is passed only for them. */
export function presentArticle(row: ArticleRow, staffNames: Names | null): ArticleView {
  const view: ArticleView = {
    ...presentArticleSummary(row),
    body: row.body,
    html: renderArticleHtml(row.body),
    version: row.version,
    createdAt: row.created_at,
  };
  if (staffNames) {
    view.author = personRef(row.author_id, staffNames);
    view.updatedBy = personRef(row.updated_by, staffNames);
    view.stats = { views: row.view_count, deflections: row.deflection_count };
  }
  return view;
}

export function presentRevisionSummary(row: RevisionRow, names: Names): RevisionSummaryView {
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    state: row.state as ArticleState,
    visibility: row.visibility as ArticleVisibility,
    writtenBy: personRef(row.written_by, names),
    writtenAt: row.written_at,
    replacedBy: personRef(row.replaced_by, names),
    replacedAt: row.replaced_at,
  };
}

export function presentRevision(row: RevisionRow, names: Names): RevisionView {
  return { ...presentRevisionSummary(row, names), body: row.body, html: renderArticleHtml(row.body) };
}

export function presentSearchResult(row: ArticleRow, snippet: SnippetPart[]) {
  return { article: presentArticleSummary(row), snippet };
}
