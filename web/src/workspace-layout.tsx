import { useEffect, useRef, useState } from "react";
import { NavLink, Outlet } from "react-router";
import { shortcutList, useShortcuts } from "./keyboard.js";
import { LiveUpdatesProvider, useLiveConnected } from "./live-updates.js";
import { useMe, useSession } from "./session.js";
import { countText, useViews, ViewsProvider } from "./views.js";

function ShortcutDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="shortcuts-title" className="shortcuts">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {shortcutList.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{shortcut.does}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}

function ViewNavigation() {
  const { views, error } = useViews();
  return (
    <nav className="views" aria-label="Views">
      <h2>Views</h2>
      {error && (
        <p className="error" role="alert">
          Views could not load: {error}
        </p>
      )}
      {views === null && !error && <p className="muted">Loading…</p>}
      <ul>
        {views?.map((view) => (
          <li key={view.id}>
            <NavLink to={`/views/${view.id}`}>
              <span>{view.name}</span>
              <span className="count">
                {countText(view)}
                <span className="visually-hidden"> tickets</span>
              </span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Header({ onShowShortcuts }: { onShowShortcuts: () => void }) {
  const me = useMe();
  const session = useSession();
  const connected = useLiveConnected();
  return (
    <header className="top">
      <a className="brand" href="/">
        Tend
      </a>
      <span className={connected ? "live on" : "live off"}>{connected ? "Live" : "Reconnecting…"}</span>
      <button type="button" className="link" onClick={onShowShortcuts} aria-keyshortcuts="?">
        Shortcuts <kbd>?</kbd>
      </button>
      <nav aria-label="On call">
        <NavLink to="/oncall">On call</NavLink>
      </nav>
      <nav aria-label="Status page">
        <NavLink to="/statuspage">Status page</NavLink>
      </nav>
      <nav aria-label="Knowledge base">
        <NavLink to="/knowledge">Knowledge base</NavLink>
      </nav>
      <nav aria-label="Case reviews">
        <NavLink to="/reviews">Reviews</NavLink>
      </nav>
      <nav aria-label="Reports">
        <NavLink to="/reports">Reports</NavLink>
      </nav>
      {me.role === "admin" && (
        <nav aria-label="Admin">
          <NavLink to="/admin">Admin</NavLink>
          <NavLink to="/chat">Chat</NavLink>
        </nav>
      )}
      <NavLink className="who" to="/account" title="Your account: notifications and sign-in">
        {me.name}
      </NavLink>
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </header>
  );
}

/** The signed-in workspace: views on the left, the list or ticket in the middle. */
export function WorkspaceLayout() {
  const [showShortcuts, setShowShortcuts] = useState(false);
  useShortcuts({ "?": () => setShowShortcuts(true) });
  return (
    <LiveUpdatesProvider>
      <ViewsProvider>
        <a className="skip" href="#content">
          Skip to content
        </a>
        <Header onShowShortcuts={() => setShowShortcuts(true)} />
        <div className="workspace">
          <ViewNavigation />
          <main id="content" tabIndex={-1}>
            <Outlet />
          </main>
        </div>
        <ShortcutDialog open={showShortcuts} onClose={() => setShowShortcuts(false)} />
      </ViewsProvider>
    </LiveUpdatesProvider>
  );
}
