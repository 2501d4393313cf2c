import { useState } from "react";
import { api, type CommentView, type TicketEmailView, type TicketEventView } from "./api.js";
import { AttachmentLinks } from "./attachment-links.js";
import type { StaffDirectory } from "./staff-directory.js";
import { statusNames } from "./ticket-labels.js";

type Entry = { kind: "comment"; comment: CommentView } | { kind: "events"; events: TicketEventView[] };

// The comment events repeat the comments themselves; the timeline shows the comment instead.
const commentEventKinds = new Set(["public_reply_added", "internal_note_added"]);

/** Comments in order, with the events between two comments folded into one collapsed group. */
export function timelineEntries(comments: CommentView[], events: TicketEventView[]): Entry[] {
  const items = [
    ...comments.map((comment) => ({ at: comment.createdAt, comment })),
    ...events
      .filter((event) => !commentEventKinds.has(event.kind))
      .map((event) => ({ at: event.createdAt, event })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const entries: Entry[] = [];
  for (const item of items) {
    if ("comment" in item) {
      entries.push({ kind: "comment", comment: item.comment });
      continue;
    }
    const last = entries.at(-1);
    if (last?.kind === "events") last.events.push(item.event);
    else entries.push({ kind: "events", events: [item.event] });
  }
  return entries;
}

function valueName(field: string | null, value: string | null, directory: StaffDirectory): string {
  if (value === null || value === "") return field === "assignee" ? "nobody" : "none";
  if (field === "assignee") return directory.staff.find((person) => person.id === value)?.name ?? "someone";
  if (field === "group") return directory.groups.find((group) => group.id === value)?.name ?? "another group";
  if (field === "status") return statusNames[value as keyof typeof statusNames] ?? value;
  return value;
}

export function eventText(event: TicketEventView, directory: StaffDirectory): string {
  const who = event.actor?.name ?? "Tend";
  switch (event.kind) {
    case "created":
      return `${who} opened the ticket`;
    case "field_changed":
      return `${who} changed ${event.field} from ${valueName(event.field, event.from, directory)} to ${valueName(event.field, event.to, directory)}${event.reason ? ` (${event.reason})` : ""}`;
    case "escalated":
      return `${who} escalated the ticket to ${valueName("group", event.to, directory)}`;
    case "sla_warning":
    case "sla_breached":
    case "sla_achieved":
    case "health_flag_raised":
    case "health_flag_cleared":
    case "automation_ran":
      return event.reason ?? event.kind.replaceAll("_", " ");
    default:
      return `${who}: ${event.kind.replaceAll("_", " ")}${event.reason ? ` — ${event.reason}` : ""}`;
  }
}

function when(at: string): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A customer's mail shows as its reply alone (quoted history and signature stripped by the server);
 * the whole message is one click away, fetched only when asked for.
 */
function FullEmail({ comment, ticketNumber }: { comment: CommentView; ticketNumber: number }) {
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const toggle = async () => {
    if (open) return setOpen(false);
    setOpen(true);
    if (text !== null) return;
    try {
      const mails = await api<TicketEmailView[]>("GET", `/tickets/${ticketNumber}/emails`);
      const mail = mails.find((candidate) => candidate.commentId === comment.id);
      setText(mail ? mail.bodyText : "");
      setProblem(mail ? null : "The original message is no longer kept.");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "The message could not be loaded.");
    }
  };
  return (
    <div className="full-email">
      <button type="button" className="link" aria-expanded={open} onClick={() => void toggle()}>
        {open ? "Hide full message" : "Show full message"}
      </button>
      {open && problem && <p role="alert">{problem}</p>}
      {open && text && (
        <section aria-label="Full message">
          <pre>{text}</pre>
        </section>
      )}
    </div>
  );
}

function CommentCard({ comment, ticketNumber }: { comment: CommentView; ticketNumber: number }) {
  const internal = comment.visibility === "internal";
  const fromMail = comment.channel === "email" && comment.author.role === "customer";
  return (
    <article
      className={internal ? "comment internal" : "comment public"}
      aria-label={internal ? "Internal note" : "Public reply"}
    >
      <header>
        <strong>{comment.author.name}</strong>
        <span className="kind">
          {internal ? "Internal note" : comment.author.role === "customer" ? "Customer" : "Public reply"}
        </span>
        {!internal && comment.author.role !== "customer" && (
          <span className={comment.qualifying ? "qualifies yes" : "qualifies no"}>
            {comment.qualifying ? "Qualifying response" : "Not a qualifying response"}
          </span>
        )}
        <time dateTime={comment.createdAt}>{when(comment.createdAt)}</time>
      </header>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitized it (comment-body.ts): no script, style or attribute but links. */}
      <div className="body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
      {fromMail && <FullEmail comment={comment} ticketNumber={ticketNumber} />}
      <AttachmentLinks
        attachments={comment.attachments}
        ticketNumber={ticketNumber}
        className="attachments"
      />
    </article>
  );
}

export function Timeline({
  ticketNumber,
  comments,
  events,
  directory,
}: {
  ticketNumber: number;
  comments: CommentView[];
  events: TicketEventView[];
  directory: StaffDirectory;
}) {
  return (
    <ol className="timeline" aria-label="Conversation">
      {timelineEntries(comments, events).map((entry) => (
        <li key={entry.kind === "comment" ? entry.comment.id : entry.events[0]?.id}>
          {entry.kind === "comment" ? (
            <CommentCard comment={entry.comment} ticketNumber={ticketNumber} />
          ) : (
            <details className="events">
              <summary>{entry.events.length === 1 ? "1 event" : `${entry.events.length} events`}</summary>
              <ul>
                {entry.events.map((event) => (
                  <li key={event.id} className={`event event-${event.kind}`}>
                    <time dateTime={event.createdAt}>{when(event.createdAt)}</time>{" "}
                    {eventText(event, directory)}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}
