import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { api, type Page, type TicketView } from "./api.js";
import { useShortcuts } from "./keyboard.js";
import { useLiveChanges } from "./live-updates.js";
import { SlaBadge } from "./sla-badge.js";
import { metricNames, OrganizationLine, SeverityLabel, StatusLabel } from "./ticket-labels.js";
import { countText, useViews } from "./views.js";

const sortChoices = [
  { value: "", label: "View's order" },
  { value: "slaDueAt", label: "SLA due soonest" },
  { value: "createdAt", label: "Oldest first" },
  { value: "-createdAt", label: "Newest first" },
  { value: "-updatedAt", label: "Recently updated" },
  { value: "updatedAt", label: "Least recently updated" },
];
const pageSize = 50;
const enterKey = "Enter";

/** The agent's search, severity and sort refine the view's own query (and win over it). */
const refinements = ["text", "severity", "sort"] as const;

function listQuery(viewQuery: string, refine: URLSearchParams): string {
  const params = new URLSearchParams(viewQuery);
  for (const key of refinements) {
    const value = refine.get(key);
    if (value) params.set(key, value);
  }
  params.set("limit", String(pageSize));
  return `?${params}`;
}

function FilterBar() {
  const [search, setSearch] = useSearchParams();
  const [text, setText] = useState(search.get("text") ?? "");
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearch(next);
  };
  return (
    <form
      className="filters"
      aria-label="Filter tickets"
      onSubmit={(event) => {
        event.preventDefault();
        set("text", text.trim());
      }}
    >
      <label>
        Search
        <input type="search" value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <label>
        Severity
        <select
          value={search.get("severity") ?? ""}
          onChange={(event) => set("severity", event.target.value)}
        >
          <option value="">Any</option>
          <option value="sev1">Sev1</option>
          <option value="sev2">Sev2</option>
        </select>
      </label>
      <label>
        Sort
        <select value={search.get("sort") ?? ""} onChange={(event) => set("sort", event.target.value)}>
          {sortChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

/** A view's tickets, 50 a page with the API's cursors; j/k move, Enter opens; refreshed live. */
export function TicketListPage() {
  const { viewId } = useParams();
  const { views } = useViews();
  const view = views?.find((candidate) => candidate.id === viewId);
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<Page<TicketView> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const rowLinks = useRef<(HTMLAnchorElement | null)[]>([]);

  const cursor = cursors.at(-1);
  // Without the cursor: what decides which tickets the pages walk through.
  const filterKey = view ? listQuery(view.query, search) : null;

  // A new view or filter starts again from the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filterKey is the reason to run.
  useEffect(() => {
    setCursors([]);
    setSelected(0);
  }, [filterKey]);

  const load = useCallback(() => {
    if (!filterKey) return;
    api<Page<TicketView>>(
      "GET",
      `/tickets${filterKey}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    )
      .then((answer) => {
        setPage(answer);
        setError(null);
      })
      .catch((caught: Error) => setError(caught.message));
  }, [filterKey, cursor]);
  useEffect(load, [load]);
  useLiveChanges(() => load());

  const items = page?.items ?? [];
  const move = (by: number) => {
    const next = Math.min(Math.max(selected + by, 0), items.length - 1);
    setSelected(next);
    rowLinks.current[next]?.focus();
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    [enterKey]: () => {
      const ticket = items[selected];
      if (ticket) navigate(`/tickets/${ticket.number}`);
    },
  });

  if (views && !view) {
    return (
      <section className="empty">
        <h1>No such view</h1>
        <p>It may have been removed. Pick another view on the left.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="list-title">
      <title>{`${view?.name ?? "Tickets"} · Tend`}</title>
      <div className="list-head">
        <h1 id="list-title">
          {view?.name ?? "Loading…"} {view && <span className="muted">({countText(view)})</span>}
        </h1>
        <FilterBar />
      </div>
      {error && (
        <p className="error" role="alert">
          The tickets could not load: {error}
        </p>
      )}
      {page && items.length === 0 && (
        <p className="empty">Nothing here. Try another view, or clear the search and severity filters.</p>
      )}
      {items.length > 0 && (
        <table className="tickets">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Subject</th>
              <th scope="col">Requester</th>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
              <th scope="col">Assignee</th>
              <th scope="col">SLA</th>
            </tr>
          </thead>
          <tbody>
            {items.map((ticket, index) => (
              <tr
                key={ticket.id}
                className={index === selected ? "selected" : undefined}
                aria-current={index === selected ? "true" : undefined}
                data-ticket={ticket.number}
              >
                <td>{ticket.number}</td>
                <td>
                  <Link
                    to={`/tickets/${ticket.number}`}
                    ref={(element) => {
                      rowLinks.current[index] = element;
                    }}
                    onFocus={() => setSelected(index)}
                  >
                    {ticket.subject}
                  </Link>
                </td>
                <td>
                  {ticket.requester.name}
                  <OrganizationLine organization={ticket.organization} />
                </td>
                <td>
                  <StatusLabel status={ticket.status} />
                </td>
                <td>
                  <SeverityLabel severity={ticket.severity} />
                </td>
                <td>{ticket.assignee?.name ?? <span className="muted">Unassigned</span>}</td>
                <td>
                  <SlaBadge
                    dueAt={ticket.slaClock?.dueAt ?? null}
                    warnAt={ticket.slaClock?.warningAt}
                    label={ticket.slaClock ? metricNames[ticket.slaClock.metric] : undefined}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
