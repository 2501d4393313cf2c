import { type FormEvent, useEffect, useState } from "react";
import type { TicketEngineeringView } from "../../../src/modules/engineering/engineering-presenter.js";
import { api } from "../api.js";

type Mode = "closed" | "create" | "link";

const stateNames = { open: "Open", closed: "Closed" } as const;

/**
 * The side panel's "Escalate to engineering": the needs-engineering flag with the objectives' prompt,
 * a GitHub issue opened from the ticket (title and summary editable, the summary drafted without the
 * customer's contact details) or an existing one linked, and the linked issue's state. Read again
 * when the ticket's version moves, so a webhook's news shows on the next change.
 */
export function EngineeringPanel({ number, version }: { number: number; version: number }) {
  const [view, setView] = useState<TicketEngineeringView | null>(null);
  const [mode, setMode] = useState<Mode>("closed");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [title, setTitle] = useState("");
  const [summary, setSummary] = useState("");
  const [repository, setRepository] = useState("");
  const [labels, setLabels] = useState("");
  const [keepContactDetails, setKeepContactDetails] = useState(false);
  const [reference, setReference] = useState("");

  useEffect(() => {
    let current = true;
    // The version is the refresh trigger: the issue's state may have moved with the ticket.
    void version;
    api<TicketEngineeringView>("GET", `/tickets/${number}/engineering`)
      .then((loaded) => current && setView(loaded))
      .catch((error: Error) => current && setProblem(error.message));
    return () => {
      current = false;
    };
  }, [number, version]);

  if (!view) return problem ? <p className="error">{problem}</p> : null;

  async function act(method: "PUT" | "POST" | "DELETE", path: string, body?: unknown): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    try {
      setView(await api<TicketEngineeringView>(method, path, body));
      return true;
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "GitHub could not be reached.");
      return false;
    } finally {
      setBusy(false);
    }
  }

  // Shown at once, not after the server answers: a controlled box that waits looks as if the click
  // was lost; it flips back with the problem shown when the change is refused.
  async function flagNeedsEngineering(needsEngineering: boolean) {
    setView((shown) => shown && { ...shown, needsEngineering });
    const saved = await act("PUT", `/tickets/${number}/engineering`, { needsEngineering });
    if (!saved) setView((shown) => shown && { ...shown, needsEngineering: !needsEngineering });
  }

  function open(next: Mode) {
    if (!view) return;
    setMode(next);
    setProblem(null);
    setTitle(view.draft.title);
    setSummary(view.draft.summary);
    setRepository(view.github.repositories[0] ?? "");
    setLabels(view.github.defaultLabels.join(", "));
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    const done = await act("POST", `/tickets/${number}/engineering-issue`, {
      title,
      summary,
      repository,
      labels: labels
        .split(",")
        .map((label) => label.trim())
        .filter(Boolean),
      keepContactDetails,
    });
    if (done) setMode("closed");
  }

  async function link(event: FormEvent) {
    event.preventDefault();
    if (await act("POST", `/tickets/${number}/engineering-issue/link`, { issue: reference.trim() })) {
      setMode("closed");
      setReference("");
    }
  }

  const { issue } = view;
  return (
    <section aria-labelledby="engineering-title" className="engineering-panel">
      <h2 id="engineering-title">Engineering</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={view.needsEngineering}
          disabled={busy}
          onChange={(event) => void flagNeedsEngineering(event.target.checked)}
        />{" "}
        Needs engineering
      </label>
      {view.prompt && view.github.connected && mode === "closed" && (
        <p role="note" className="engineering-prompt">
          {view.prompt}
        </p>
      )}
      {issue ? (
        <p className="linked-issue" data-state={issue.state}>
          <a href={issue.url} target="_blank" rel="noreferrer">
            {issue.repository}#{issue.number}
          </a>{" "}
          <span className={`issue-state state-${issue.state}`}>{stateNames[issue.state]}</span> {issue.title}{" "}
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => void act("DELETE", `/tickets/${number}/engineering-issue`)}
          >
            Unlink
          </button>
        </p>
      ) : !view.github.connected ? (
        <p className="muted">GitHub is not connected: an admin sets it up under Admin → GitHub.</p>
      ) : mode === "closed" ? (
        <div className="actions">
          <button type="button" onClick={() => open("create")}>
            Escalate to engineering
          </button>
          <button type="button" onClick={() => open("link")}>
            Link an existing issue
          </button>
        </div>
      ) : mode === "create" ? (
        <form className="engineering-form" onSubmit={create} aria-label="Open a GitHub issue">
          <label htmlFor="engineering-issue-title">Issue title</label>
          <input
            id="engineering-issue-title"
            required
            maxLength={256}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <label htmlFor="engineering-issue-summary">
            Summary (goes to GitHub; contact details are removed)
          </label>
          <textarea
            id="engineering-issue-summary"
            rows={6}
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
          />
          <label htmlFor="engineering-issue-repository">Repository</label>
          <select
            id="engineering-issue-repository"
            value={repository}
            onChange={(e) => setRepository(e.target.value)}
          >
            {view.github.repositories.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <label htmlFor="engineering-issue-labels">Labels (comma-separated)</label>
          <input id="engineering-issue-labels" value={labels} onChange={(e) => setLabels(e.target.value)} />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={keepContactDetails}
              onChange={(e) => setKeepContactDetails(e.target.checked)}
            />{" "}
            Keep email addresses and @mentions as written
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || title.trim() === ""}>
              Open GitHub issue
            </button>
            <button type="button" onClick={() => setMode("closed")}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <form className="engineering-form" onSubmit={link} aria-label="Link a GitHub issue">
          <label htmlFor="engineering-issue-reference">Issue address, owner/name#number or #number</label>
          <input
            id="engineering-issue-reference"
            required
            value={reference}
            onChange={(e) => setReference(e.target.value)}
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || reference.trim() === ""}>
              Link issue
            </button>
            <button type="button" onClick={() => setMode("closed")}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
