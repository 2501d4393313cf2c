import { useEffect, useState } from "react";
import type {
  SearchResultsView,
  SearchResultView,
} from "../../../src/modules/knowledge/knowledge-schemas.js";
import { api } from "../api.js";

export type SuggestedArticle = SearchResultView;

/** How long typing must pause before asking: one request per thought, not one per keystroke. */
export const suggestionDelayMs = 400;

/**
 * The articles most like a request as it is written (the portal's form, or a ticket in the agent's
 * side panel). The API scopes them by who asks; a failed lookup shows nothing rather than an error,
 * since suggestions are a help, never in the way of sending the request.
 */
export function useSuggestedArticles(subject: string, body: string): SuggestedArticle[] {
  const [items, setItems] = useState<SuggestedArticle[]>([]);
  useEffect(() => {
    if (`${subject}${body}`.trim().length < 3) {
      setItems([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api<SearchResultsView>("POST", "/knowledge/suggestions", { subject, body: body.slice(0, 20_000) })
        .then((result) => {
          if (current) setItems(result.items);
        })
        .catch(() => {
          if (current) setItems([]);
        });
    }, suggestionDelayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [subject, body]);
  return items;
}

/** The public help center's page for an article: readable by anyone, without the app. */
export const helpArticleUrl = (slug: string) => `/help/articles/${encodeURIComponent(slug)}`;
