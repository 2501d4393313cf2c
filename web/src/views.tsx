import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import type { ViewView } from "../../src/modules/views/view-presenter.js";
import { api } from "./api.js";
import { useLiveChanges } from "./live-updates.js";

/** A view's count as its badge reads: counting stops at 1000, shown "1000+". */
export function countText(view: ViewView): string {
  return view.countCapped ? `${view.count}+` : String(view.count);
}

interface Views {
  views: ViewView[] | null;
  error: string | null;
  refresh(): void;
}

const ViewsContext = createContext<Views | null>(null);

export function ViewsProvider({ children }: { children: ReactNode }) {
  const [views, setViews] = useState<ViewView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    api<{ views: ViewView[] }>("GET", "/views")
      .then((answer) => {
        setViews(answer.views);
        setError(null);
      })
      .catch((caught: Error) => setError(caught.message));
  }, []);
  useEffect(refresh, [refresh]);
  useLiveChanges(() => refresh());
  return <ViewsContext.Provider value={{ views, error, refresh }}>{children}</ViewsContext.Provider>;
}

export function useViews(): Views {
  const views = useContext(ViewsContext);
  if (!views) throw new Error("useViews outside ViewsProvider");
  return views;
}
