import { useEffect, useRef, useState } from "react";
import { api, type Page } from "./api.js";

export interface PagedList<T> {
  /** null while the first page is on its way (again, after `key` changed). */
  list: Page<T> | null;
  /** Why the first page, or the last "More", could not load. */
  error: string | null;
  loadingMore: boolean;
  /** Appends the next page, when there is one. */
  loadMore(): void;
  /** Loads the first page again (after a change the list shows). */
  reload(): void;
}

/**
 * A list the API serves a cursor page at a time (`Page<T>`): the first page whenever `key` (the
 * filter, as a comparable string) changes, then more on request. `pathOf` gives the address of the
 * page after `cursor` (null: the first).
 */
export function usePagedList<T>(pathOf: (cursor: string | null) => string, key: string): PagedList<T> {
  const [list, setList] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [revision, setRevision] = useState(0);
  const latestPathOf = useRef(pathOf);
  latestPathOf.current = pathOf;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names the list; `revision` reloads it
  useEffect(() => {
    let current = true;
    setError(null);
    api<Page<T>>("GET", latestPathOf.current(null))
      .then((page) => current && setList(page))
      .catch((caught: Error) => current && setError(caught.message));
    return () => {
      current = false;
    };
  }, [key, revision]);
  // A new filter's first page replaces the old list; a reload keeps it shown until the answer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new `key` empties the list
  useEffect(() => setList(null), [key]);

  return {
    list,
    error,
    loadingMore,
    loadMore() {
      if (!list?.nextCursor) return;
      setLoadingMore(true);
      api<Page<T>>("GET", latestPathOf.current(list.nextCursor))
        .then((page) => setList({ items: [...list.items, ...page.items], nextCursor: page.nextCursor }))
        .catch((caught: Error) => setError(caught.message))
        .finally(() => setLoadingMore(false));
    },
    reload: () => setRevision((n) => n + 1),
  };
}
