import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import type {
  DraftFromGroupView,
  FrequentQuestionGroupView,
  FrequentQuestionsView,
} from "../../../src/modules/knowledge/frequent-question-schemas.js";
import { api } from "../api.js";

/**
 * `/knowledge/frequent-questions`: the latest grouping of recent tickets by question (the daily
 * job's stored result), the groups no article covers first, each with "Write article", which drafts
 * one from the group's best agent answer and opens it in the editor.
 */
export function FrequentQuestionsPage() {
  const navigate = useNavigate();
  const [view, setView] = useState<FrequentQuestionsView | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyGroup, setBusyGroup] = useState<string | null>(null);
  const load = useCallback(() => {
    api<FrequentQuestionsView>("GET", "/knowledge/frequent-questions")
      .then(setView)
      .catch((caught: Error) => setError(caught.message));
  }, []);
  useEffect(load, [load]);

  async function regroup() {
    setError(null);
    try {
      await api("POST", "/knowledge/frequent-questions/refresh", {});
      setMessage("Regrouping queued: the list updates when the job has run (about a minute).");
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  async function writeArticle(group: FrequentQuestionGroupView) {
    setError(null);
    setBusyGroup(group.id);
    try {
      const draft = await api<DraftFromGroupView>("POST", "/knowledge/frequent-questions/drafts", {
        groupId: group.id,
      });
      navigate(`/knowledge/articles/${draft.article.id}`);
    } catch (caught) {
      setError((caught as Error).message);
      setBusyGroup(null);
    }
  }

  const toWrite = view?.groups.filter((group) => group.coverage === "uncovered") ?? [];
  const covered = view?.groups.filter((group) => group.coverage !== "uncovered") ?? [];
  return (
    <section>
      <h1>Frequent questions</h1>
      <p>
        <Link to="/knowledge">Articles</Link>{" "}
        <button type="button" onClick={regroup}>
          Regroup now
        </button>
      </p>
      {message && <p role="status">{message}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {view === null ? (
        <p className="muted">Loading…</p>
      ) : view.run === null ? (
        <p className="muted">Tickets have not been grouped yet.</p>
      ) : (
        <>
          <p className="muted">
            {view.run.ticketCount} tickets since {new Date(view.run.windowStart).toLocaleDateString()},
            grouped {new Date(view.run.createdAt).toLocaleString()}.
          </p>
          <h2>Articles to write</h2>
          {toWrite.length === 0 ? (
            <p className="muted">Every frequent question has an article.</p>
          ) : (
            <table aria-label="Articles to write">
              <thead>
                <tr>
                  <th scope="col">Tickets</th>
                  <th scope="col">Question</th>
                  <th scope="col">Examples</th>
                  <th scope="col">
                    <span className="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {toWrite.map((group) => (
                  <tr key={group.id}>
                    <td>{group.size}</td>
                    <td>
                      {group.label}
                      <div className="muted">{group.topTerms.join(", ")}</div>
                    </td>
                    <td>
                      <ul>
                        {group.examples.map((example) => (
                          <li key={example.number}>
                            <Link to={`/tickets/${example.number}`}>
                              #{example.number} {example.subject}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="primary"
                        disabled={busyGroup !== null}
                        onClick={() => writeArticle(group)}
                      >
                        Write article
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {covered.length > 0 && (
            <>
              <h2>Covered</h2>
              <ul aria-label="Covered questions">
                {covered.map((group) => (
                  <li key={group.id}>
                    {group.label} ({group.size} tickets):{" "}
                    {group.article && (
                      <Link to={`/knowledge/articles/${group.article.id}`}>
                        {group.article.title}
                        {group.article.state === "draft" ? " (draft)" : ""}
                      </Link>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
