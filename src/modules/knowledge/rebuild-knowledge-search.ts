import type { Context } from "../../shared/context.js";
import { indexArticle } from "./article-search.js";
import { articlesAfter } from "./knowledge-repository.js";
import { articlePlainText } from "./render-markdown.js";

/** The articles' search index follows from the articles: a restore rebuilds it in its own dialect. */
export async function rebuildKnowledgeSearchIndex(ctx: Context): Promise<void> {
  let afterId = "";
  for (;;) {
    const page = await articlesAfter(ctx.db, afterId, 200);
    for (const row of page) {
      await indexArticle(ctx.db, ctx.dialect, {
        id: row.id,
        title: row.title,
        plainText: articlePlainText(row.body),
        published: row.state === "published",
      });
    }
    const last = page.at(-1);
    if (!last) break;
    afterId = last.id;
  }
}
