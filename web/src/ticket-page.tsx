import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  ApiError,
  api,
  type CommentView,
  type TicketEventView,
  type TicketSlaView,
  type TicketView,
} from "./api.js";
import { Composer, type ComposerTab } from "./composer.js";
import { useShortcuts } from "./keyboard.js";
import { useLiveChanges } from "./live-updates.js";
import { useMe } from "./session.js";
import { useStaffDirectory } from "./staff-directory.js";
import { categoryNames, SeverityLabel, StatusLabel, severityNames, statusNames } from "./ticket-labels.js";
import { type TicketChanges, TicketSidePanel } from "./ticket-side-panel.js";
import { Timeline } from "./ticket-timeline.js";

interface TicketPageData {
  ticket: TicketView;
  comments: CommentView[];
  events: TicketEventView[];
}

/** A change refused because someone else changed the ticket first: what they changed, and ours. */
interface Conflict {
  differences: { field: string; mine: string; theirs: string }[];
  /** Who made the change that won (the 409's `lastChange.by`); null for Tend's own rules. */
  changedBy: string | null;
  /** The field changes to try again; null for an escalation, which the agent re-sends from its form. */
  attempted: TicketChanges | null;
}

function fieldValues(ticket: TicketView): Record<string, string> {
  return {
    Status: statusNames[ticket.status],
    Severity: severityNames[ticket.severity],
    Group: ticket.group?.name ?? "No group",
    Assignee: ticket.assignee?.name ?? "Unassigned",
    Category: categoryNames[ticket.category],
    Tags: ticket.tags.join(", ") || "none",
  };
}

function differences(mine: TicketView, theirs: TicketView): Conflict["differences"] {
  const before = fieldValues(mine);
  const after = fieldValues(theirs);
  return Object.keys(before)
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ field, mine: before[field] ?? "", theirs: after[field] ?? "" }));
}

function ConflictNotice({
  conflict,
  onRetry,
  onDismiss,
}: {
  conflict: Conflict;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">{conflict.changedBy ?? "Someone else"} changed this ticket first</h2>
      <p>Your change was not saved, so theirs was not overwritten. The ticket now reads:</p>
      {conflict.differences.length > 0 ? (
        <ul>
          {conflict.differences.map((difference) => (
            <li key={difference.field}>
              {difference.field}: {difference.mine} → <strong>{difference.theirs}</strong>
            </li>
          ))}
        </ul>
      ) : (
        <p>(A reply or note was added; the fields are as you saw them.)</p>
      )}
      <div className="actions">
        {conflict.attempted && (
          <button type="button" className="primary" onClick={onRetry}>
            Apply my change again
          </button>
        )}
        <button type="button" onClick={onDismiss}>
          {conflict.attempted ? "Keep theirs" : "Dismiss"}
        </button>
      </div>
    </section>
  );
}

/** Keyed by number: another ticket starts with fresh state (no notice or draft carried over). */
export function TicketPage() {
  const { number } = useParams();
  return <TicketScreen key={number} number={Number(number)} />;
}

/** One ticket: conversation, composer and side panel; refreshed live when anyone changes it. */
function TicketScreen({ number }: { number: number }) {
  const me = useMe();
  const navigate = useNavigate();
  const directory = useStaffDirectory();
  const [data, setData] = useState<TicketPageData | null>(null);
  const [sla, setSla] = useState<TicketSlaView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [tab, setTab] = useState<ComposerTab>("public");
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [insertion, setInsertion] = useState<{ id: number; text: string } | null>(null);

  const load = useCallback(() => {
    Promise.all([
      api<TicketView>("GET", `/tickets/${number}`),
      api<CommentView[]>("GET", `/tickets/${number}/comments`),
      api<TicketEventView[]>("GET", `/tickets/${number}/events`),
      api<TicketSlaView>("GET", `/tickets/${number}/sla`),
    ])
      .then(([ticket, comments, events, clocks]) => {
        setData({ ticket, comments, events });
        setSla(clocks);
        setError(null);
      })
      .catch((caught: Error) => setError(caught.message));
  }, [number]);
  useEffect(load, [load]);
  const [changedBy, setChangedBy] = useState<string | null>(null);
  const shownVersion = useRef<number | undefined>(undefined);
  shownVersion.current = data?.ticket.version;
  useLiveChanges(
    (change) => {
      // Say who changed it, unless it was this agent (their own writes come back through the stream too).
      if (change.changedBy?.id !== me.id) setChangedBy(change.changedBy?.name ?? "Tend");
      load();
    },
    // This page's own writes come back too, at a version it already shows.
    (change) => change.ticketNumber === number && change.version > (shownVersion.current ?? 0),
  );

  const write = (next: ComposerTab) => {
    setTab(next);
    // After the tab's panel renders, so the focus lands in the visible composer.
    requestAnimationFrame(() => bodyRef.current?.focus());
  };
  useShortcuts({ r: () => write("public"), n: () => write("internal") });

  const refuse = (caught: unknown, attempted: TicketChanges | null) => {
    if (caught instanceof ApiError && caught.status === 409 && data && caught.problem.current) {
      const current = caught.problem.current as TicketView;
      const { lastChange } = caught.problem as { lastChange?: { by: { name: string } | null } };
      setConflict({
        differences: differences(data.ticket, current),
        changedBy: lastChange?.by?.name ?? null,
        attempted,
      });
      setData({ ...data, ticket: current });
      load();
      return;
    }
    setError(caught instanceof Error ? caught.message : String(caught));
  };

  const change = async (changes: TicketChanges) => {
    if (!data) return;
    setConflict(null);
    try {
      const ticket = await api<TicketView>("PATCH", `/tickets/${number}`, {
        version: data.ticket.version,
        ...changes,
      });
      setData({ ...data, ticket });
      load();
    } catch (caught) {
      refuse(caught, changes);
    }
  };

  const escalate = async (note: string): Promise<boolean> => {
    if (!data) return false;
    try {
      await api<TicketView>("POST", `/tickets/${number}/escalation`, { note, version: data.ticket.version });
      load();
      return true;
    } catch (caught) {
      refuse(caught, null);
      return false;
    }
  };

  if (error && !data) {
    return (
      <section className="empty">
        <h1>Ticket #{number} could not open</h1>
        <p className="error" role="alert">
          {error}
        </p>
        <p>
          <Link to="/">Back to your views</Link>
        </p>
      </section>
    );
  }
  if (!data) return <p className="muted">Loading ticket #{number}…</p>;
  const { ticket } = data;
  return (
    <div className="ticket-page">
      <title>{`#${ticket.number} ${ticket.subject} · Tend`}</title>
      <div className="ticket-main">
        <header className="ticket-head">
          <p className="crumbs">
            <button type="button" className="link" onClick={() => navigate(-1)}>
              ← Back to the list
            </button>
          </p>
          <h1>
            <span className="muted">#{ticket.number}</span> {ticket.subject}
          </h1>
          <p className="ticket-meta">
            <StatusLabel status={ticket.status} /> <SeverityLabel severity={ticket.severity} />{" "}
            <span>{ticket.group?.name ?? "No group"}</span> ·{" "}
            <span>{ticket.assignee ? `Assigned to ${ticket.assignee.name}` : "Unassigned"}</span>
          </p>
        </header>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {changedBy && (
          <p className="live-notice" role="status">
            {changedBy} changed this ticket just now; the page shows their change.{" "}
            <button type="button" className="link" onClick={() => setChangedBy(null)}>
              Dismiss
            </button>
          </p>
        )}
        {conflict && (
          <ConflictNotice
            conflict={conflict}
            onRetry={() => conflict.attempted && void change(conflict.attempted)}
            onDismiss={() => setConflict(null)}
          />
        )}
        <Timeline
          ticketNumber={ticket.number}
          comments={data.comments}
          events={data.events}
          directory={directory}
        />
        <Composer
          ticketNumber={ticket.number}
          tab={tab}
          onTab={setTab}
          bodyRef={bodyRef}
          insertion={insertion}
          onSent={(result) => {
            if (result.ticket.number !== number) navigate(`/tickets/${result.ticket.number}`);
            else load();
          }}
        />
      </div>
      <TicketSidePanel
        ticket={ticket}
        sla={sla}
        directory={directory}
        meId={me.id}
        onChange={(changes) => void change(changes)}
        onEscalate={escalate}
        onInsertLink={(text) => {
          setTab("public");
          setInsertion((previous) => ({ id: (previous?.id ?? 0) + 1, text }));
          requestAnimationFrame(() => bodyRef.current?.focus());
        }}
      />
    </div>
  );
}
