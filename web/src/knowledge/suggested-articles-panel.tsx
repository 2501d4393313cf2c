import { Link } from "react-router";
import { helpArticleUrl, useSuggestedArticles } from "./use-suggested-articles.js";

/**
 * The ticket side panel's suggested articles. Only a public article's link is offered for a reply:
 * an internal one would be a 404 to the requester.
 */
export function SuggestedArticlesPanel({
  subject,
  onInsertLink,
}: {
  subject: string;
  onInsertLink: (text: string) => void;
}) {
  const suggestions = useSuggestedArticles(subject, "");
  return (
    <section aria-labelledby="kb-suggestions-title">
      <h2 id="kb-suggestions-title">Suggested articles</h2>
      {suggestions.length === 0 ? (
        <p className="muted">No article matches this ticket yet.</p>
      ) : (
        <ul className="kb-suggestions">
          {suggestions.map(({ article }) => (
            <li key={article.id}>
              <Link to={`/knowledge/articles/${article.id}`}>{article.title}</Link>{" "}
              {article.visibility === "internal" ? (
                <span className="muted">(internal)</span>
              ) : (
                <button
                  type="button"
                  className="link"
                  aria-label={`Insert a link to “${article.title}” into the reply`}
                  onClick={() =>
                    onInsertLink(`${article.title}: ${window.location.origin}${helpArticleUrl(article.slug)}`)
                  }
                >
                  Insert link
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
