import { escapeHtml, formatWhen } from "../status/status-page-html.js";
import type { ArticleSummaryView, CategoryView, SearchResultView } from "./knowledge-schemas.js";

/**
 * The public help center (`/help`) as HTML (pure): server-rendered, no script, styles only from
 * /help/assets/help.css (the CSP allows nothing inline). Every value is escaped here, once; an
 * article's body arrives already rendered and sanitized by `render-markdown.ts`.
 */

export const helpStylesheetPath = "/help/assets/help.css";

export interface HelpCategory {
  category: CategoryView;
  articles: ArticleSummaryView[];
}

const articleHref = (slug: string) => `/help/articles/${encodeURIComponent(slug)}`;

function time(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatWhen(iso))}</time>`;
}

function layout(input: { title: string; body: string; query?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" href="${helpStylesheetPath}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body class="hc">
<header class="hc-header">
<p class="hc-site"><a href="/help">Help center</a></p>
<form class="hc-search" action="/help/search" method="get" role="search">
<label for="hc-q">Search the help center</label>
<input id="hc-q" name="q" type="search" maxlength="500" value="${escapeHtml(input.query ?? "")}">
<button type="submit">Search</button>
</form>
</header>
<main class="hc-main">
${input.body}
</main>
<footer class="hc-footer"><p><a href="/portal">Still stuck? Ask us in the portal</a></p></footer>
</body>
</html>`;
}

function articleList(articles: ArticleSummaryView[]): string {
  return `<ul class="hc-articles">${articles
    .map((a) => `<li><a href="${articleHref(a.slug)}">${escapeHtml(a.title)}</a></li>`)
    .join("")}</ul>`;
}

/** Categories in their order, each with its public articles; a category with none is left out. */
export function renderHelpHome(categories: HelpCategory[]): string {
  const shown = categories.filter((c) => c.articles.length > 0);
  const body =
    shown.length === 0
      ? `<h1>Help center</h1><p>There are no articles yet.</p>`
      : `<h1>Help center</h1>${shown
          .map(
            ({ category, articles }) => `<section class="hc-category" id="${escapeHtml(category.slug)}">
<h2>${escapeHtml(category.name)}</h2>
${category.description ? `<p class="hc-meta">${escapeHtml(category.description)}</p>` : ""}
${articleList(articles)}
</section>`,
          )
          .join("\n")}`;
  return layout({ title: "Help center", body });
}

export function renderHelpArticle(input: {
  article: ArticleSummaryView;
  html: string;
  category: CategoryView | undefined;
}): string {
  const { article, category } = input;
  const trail = category
    ? `<p class="hc-meta"><a href="/help#${escapeHtml(category.slug)}">${escapeHtml(category.name)}</a></p>`
    : "";
  const body = `<article class="hc-article">
${trail}
<h1>${escapeHtml(article.title)}</h1>
<p class="hc-meta">Updated ${time(article.updatedAt)}</p>
<div class="hc-body">${input.html}</div>
</article>`;
  return layout({ title: `${article.title} · Help center`, body });
}

function snippet(result: SearchResultView): string {
  if (result.snippet.length === 0) return "";
  const parts = result.snippet
    .map((part) => (part.match ? `<mark>${escapeHtml(part.text)}</mark>` : escapeHtml(part.text)))
    .join("");
  return `<p class="hc-snippet">${parts}</p>`;
}

/** `results` null: no words to search for yet, so the page asks for some rather than saying "none". */
export function renderHelpSearch(query: string, results: SearchResultView[] | null): string {
  let body: string;
  if (results === null) body = `<h1>Search</h1><p>Type a word or two about your question.</p>`;
  else if (results.length === 0)
    body = `<h1>Search</h1><p>No articles match “${escapeHtml(query)}”. Try fewer or other words.</p>`;
  else
    body = `<h1>Search</h1><p class="hc-meta">${results.length} ${results.length === 1 ? "article matches" : "articles match"} “${escapeHtml(query)}”.</p>
<ol class="hc-results">${results
      .map(
        (r) =>
          `<li><a href="${articleHref(r.article.slug)}">${escapeHtml(r.article.title)}</a>${snippet(r)}</li>`,
      )
      .join("")}</ol>`;
  return layout({ title: `Search: ${query} · Help center`, body, query });
}

export function renderHelpNotFound(): string {
  return layout({
    title: "Not found · Help center",
    body: `<h1>Not found</h1><p>There is no such article in the help center. <a href="/help">See every article</a>.</p>`,
  });
}
