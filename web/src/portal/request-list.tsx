import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { ApiError, api, type Page, type TicketView } from "../api.js";
import { useMe } from "../session.js";
import { shortDateTime, statusWords } from "./portal-words.js";

const pageSize = 25;

/** The requests this customer may see: the organization's, or only their own, as it decided. */
export function RequestList() {
  const me = useMe();
  const [tickets, setTickets] = useState<TicketView[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (cursor: string | null) => {
    try {
      const query = `/tickets?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await api<Page<TicketView>>("GET", query);
      setTickets((shown) => (cursor && shown ? [...shown, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.problem.detail : "The requests could not be loaded.");
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section>
      <div className="portal-title">
        <h1>Requests</h1>
        <Link className="portal-button" to="/portal/new">
          New request
        </Link>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {tickets === null && !error && <p className="muted">Loading requests…</p>}
      {tickets?.length === 0 && (
        <div className="portal-empty">
          <p>No requests yet.</p>
          <p>
            When something needs our attention, <Link to="/portal/new">send us a request</Link>: you will see
            when we will answer before you send it.
          </p>
        </div>
      )}
      {tickets && tickets.length > 0 && (
        <ul className="portal-requests">
          {tickets.map((ticket) => (
            <li key={ticket.id}>
              <Link to={`/portal/requests/${ticket.number}`}>
                <span className="portal-request-subject">{ticket.subject}</span>
                <span className="portal-request-meta">
                  <span className={`portal-status status-${ticket.status}`}>
                    {statusWords[ticket.status]}
                  </span>
                  <span>#{ticket.number}</span>
                  {ticket.requester.id !== me.id && <span>from {ticket.requester.name}</span>}
                  <span>updated {new Date(ticket.updatedAt).toLocaleString(undefined, shortDateTime)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)}>
          Show older requests
        </button>
      )}
    </section>
  );
}
