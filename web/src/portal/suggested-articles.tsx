import { useState } from "react";
import { ApiError, api } from "../api.js";
import {
  helpArticleUrl,
  type SuggestedArticle,
  useSuggestedArticles,
} from "../knowledge/use-suggested-articles.js";

/**
 * Articles that may answer the request being written, under the form. "This solved my problem"
 * records a deflection and tells the form not to file the request.
 */
export function SuggestedArticles({
  subject,
  body,
  onSolved,
}: {
  subject: string;
  body: string;
  onSolved: (article: SuggestedArticle["article"]) => void;
}) {
  const suggestions = useSuggestedArticles(subject, body);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);

  async function solved(article: SuggestedArticle["article"]) {
    setBusyId(article.id);
    setError(null);
    try {
      await api("POST", "/knowledge/deflections", {
        articleId: article.id,
        query: `${subject}\n${body}`.slice(0, 2000),
      });
      onSolved(article);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "That could not be recorded. Try again.");
      setBusyId(null);
    }
  }

  if (suggestions.length === 0) return null;
  return (
    <section className="portal-suggestions" aria-labelledby="suggestions-title" aria-live="polite">
      <h2 id="suggestions-title">These articles may answer your question</h2>
      <ul>
        {suggestions.map(({ article, snippet }) => (
          <li key={article.id}>
            <a href={helpArticleUrl(article.slug)} target="_blank" rel="noopener">
              {article.title}
            </a>
            {snippet.length > 0 && (
              <p className="muted">
                {snippet.map((part, index) =>
                  part.match ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
                    <mark key={index}>{part.text}</mark>
                  ) : (
                    part.text
                  ),
                )}
              </p>
            )}
            <button type="button" onClick={() => void solved(article)} disabled={busyId !== null}>
              This solved my problem
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
