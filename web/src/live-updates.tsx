import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from "react";

/** What the stream says changed: a ticket, by number, and who changed it (null: Tend itself). */
export interface LiveChange {
  ticketNumber: number;
  version: number;
  changedBy: { id: string; name: string } | null;
}

type Listener = (change: LiveChange) => void;

interface LiveUpdates {
  subscribe(listener: Listener): () => void;
  connected: boolean;
}

const LiveContext = createContext<LiveUpdates | null>(null);

function changeOf(event: MessageEvent<string>): LiveChange {
  const data = JSON.parse(event.data) as {
    number: number;
    version: number;
    changedBy: LiveChange["changedBy"];
  };
  return { ticketNumber: data.number, version: data.version, changedBy: data.changedBy };
}

/**
 * One EventSource for the whole workspace (GET /api/v1/stream, the session cookie goes with it);
 * pages subscribe and refetch what they show. EventSource reconnects by itself after a drop.
 */
export function LiveUpdatesProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  const [value] = useState<Omit<LiveUpdates, "connected">>(() => ({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  }));

  useEffect(() => {
    const source = new EventSource("/api/v1/stream");
    const deliver = (event: MessageEvent<string>) => {
      const change = changeOf(event);
      for (const listener of listeners.current) listener(change);
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    // `event: ticket` lines: a ticket was created or changed, by anyone, through any channel.
    source.addEventListener("ticket", deliver);
    return () => source.close();
  }, []);

  return <LiveContext.Provider value={{ ...value, connected }}>{children}</LiveContext.Provider>;
}

/**
 * Calls `onChange` with the latest change `matches` accepts, 250 ms after the first of a burst: a
 * busy desk refetches four times a second at most, and never starves (a debounce would).
 */
export function useLiveChanges(
  onChange: (change: LiveChange) => void,
  matches: (change: LiveChange) => boolean = () => true,
) {
  const live = useContext(LiveContext);
  const latest = useRef({ onChange, matches });
  latest.current = { onChange, matches };
  useEffect(() => {
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latestChange: LiveChange | undefined;
    const unsubscribe = live.subscribe((change) => {
      if (!latest.current.matches(change)) return;
      latestChange = change;
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (latestChange) latest.current.onChange(latestChange);
      }, 250);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [live]);
}

export function useLiveConnected(): boolean {
  return useContext(LiveContext)?.connected ?? false;
}
