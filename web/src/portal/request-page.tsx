import { type FormEvent, useCallback, useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import type { UploadView } from "../../../src/modules/attachments/attachment-presenter.js";
import { ApiError, api, type CommentView, type TicketView } from "../api.js";
import { AttachmentLinks } from "../attachment-links.js";
import { useSession } from "../session.js";
import { AttachmentPicker } from "./attachment-picker.js";
import { severityChoices, shortDateTime, statusWords } from "./portal-words.js";
import { SatisfactionQuestion } from "./satisfaction-question.js";

/**
 * The live stream (`GET /stream`) is for staff, so the portal polls: often enough that an answer
 * shows within the time it takes to read the page, rarely enough to cost nothing.
 */
const pollEveryMs = 15_000;

type Loaded =
  | { state: "loading" }
  | { state: "missing"; detail: string }
  | { state: "failed"; detail: string }
  | { state: "ready"; ticket: TicketView; comments: CommentView[] };

function useRequest(number: number) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const reload = useCallback(async () => {
    try {
      const [ticket, comments] = await Promise.all([
        api<TicketView>("GET", `/tickets/${number}`),
        api<CommentView[]>("GET", `/tickets/${number}/comments`),
      ]);
      setLoaded({ state: "ready", ticket, comments });
    } catch (caught) {
      if (caught instanceof ApiError && (caught.status === 404 || caught.status === 400)) {
        setLoaded({ state: "missing", detail: caught.problem.detail });
      } else {
        setLoaded({
          state: "failed",
          detail: caught instanceof ApiError ? caught.problem.detail : "The request could not be loaded.",
        });
      }
    }
  }, [number]);
  useEffect(() => {
    setLoaded({ state: "loading" });
    void reload();
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void reload();
    }, pollEveryMs);
    return () => window.clearInterval(timer);
  }, [reload]);
  return { loaded, reload };
}

export function RequestPage() {
  const number = Number(useParams().number);
  const location = useLocation();
  const justSent = (location.state as { justSent?: boolean } | null)?.justSent === true;
  const { loaded, reload } = useRequest(number);
  const session = useSession();

  if (loaded.state === "loading") return <p className="muted">Loading request #{number}…</p>;
  if (loaded.state === "missing") {
    return (
      <section>
        <h1>Request not found</h1>
        <p>
          There is no request #{Number.isInteger(number) ? number : ""} that you can see. Check the link, or
          go to <Link to="/portal">your requests</Link>.
        </p>
      </section>
    );
  }
  if (loaded.state === "failed") {
    return (
      <section>
        <h1>Request #{number}</h1>
        <p className="error" role="alert">
          {loaded.detail}
        </p>
        <button type="button" onClick={() => void reload()}>
          Try again
        </button>
      </section>
    );
  }
  const { ticket, comments } = loaded;
  const severity = severityChoices.find((choice) => choice.value === ticket.severity);
  // The desk's automatic acknowledgement outside support hours (channel "system") is not an answer:
  // the thank-you stays until a person from the team replies.
  const teamAnswered = comments.some((c) => c.author.role !== "customer" && c.channel !== "system");
  const isRequester = session.person?.id === ticket.requester.id;
  return (
    <section className="portal-request">
      <p>
        <Link to="/portal">← All requests</Link>
      </p>
      <h1>{ticket.subject}</h1>
      <p className="portal-request-meta">
        <span className={`portal-status status-${ticket.status}`}>
          <span className="visually-hidden">Status: </span>
          {statusWords[ticket.status]}
        </span>
        <span>#{ticket.number}</span>
        <span>{severity?.label}</span>
        <span>from {ticket.requester.name}</span>
        {ticket.assignee && <span>handled by {ticket.assignee.name}</span>}
      </p>
      {justSent && !teamAnswered && (
        <p className="portal-notice" role="status">
          Thank you: your request is with the team. We will email you when we answer, and the answer appears
          here.
        </p>
      )}
      <ol className="portal-conversation" aria-label="Conversation">
        {comments.map((comment) => (
          <li key={comment.id}>
            <Message comment={comment} ticketNumber={ticket.number} />
          </li>
        ))}
      </ol>
      <SatisfactionQuestion number={ticket.number} version={ticket.version} isRequester={isRequester} />
      <ReplyForm ticket={ticket} onChanged={reload} />
    </section>
  );
}

function Message({ comment, ticketNumber }: { comment: CommentView; ticketNumber: number }) {
  const fromTeam = comment.author.role !== "customer";
  return (
    <article className={fromTeam ? "portal-message team" : "portal-message"}>
      <header>
        <strong>{comment.author.name}</strong>
        {fromTeam && <span className="muted"> · Support team</span>}
        <time dateTime={comment.createdAt}>
          {" "}
          · {new Date(comment.createdAt).toLocaleString(undefined, shortDateTime)}
        </time>
      </header>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitized it (comment-body.ts): no script, style or attribute but links. */}
      <div className="body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
      <AttachmentLinks
        attachments={comment.attachments}
        ticketNumber={ticketNumber}
        className="portal-files"
      />
    </article>
  );
}

function ReplyForm({ ticket, onChanged }: { ticket: TicketView; onChanged: () => Promise<void> }) {
  const navigate = useNavigate();
  const [body, setBody] = useState("");
  const [uploads, setUploads] = useState<UploadView[]>([]);
  const [uploading, setUploading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  async function reply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const answer = await api<{ ticket: TicketView }>("POST", `/tickets/${ticket.number}/comments`, {
        body,
        ...(uploads.length > 0 ? { uploadIds: uploads.map((u) => u.id) } : {}),
      });
      setBody("");
      setUploads([]);
      // A reply to a closed request opens a new one that follows it up.
      if (answer.ticket.number !== ticket.number) {
        navigate(`/portal/requests/${answer.ticket.number}`, { state: { justSent: true } });
        return;
      }
      await onChanged();
      setMessage({ error: false, text: "Reply sent." });
    } catch (caught) {
      setMessage({
        error: true,
        text: caught instanceof ApiError ? caught.problem.detail : "The reply could not be sent. Try again.",
      });
    } finally {
      setBusy(false);
    }
  }

  async function markSolved() {
    setBusy(true);
    setMessage(null);
    try {
      await api<TicketView>("PATCH", `/tickets/${ticket.number}`, {
        status: "solved",
        version: ticket.version,
      });
      await onChanged();
      setMessage({ error: false, text: "Marked as solved. Reply if it is not: the request opens again." });
    } catch (caught) {
      await onChanged();
      setMessage({
        error: true,
        text:
          caught instanceof ApiError && caught.status === 409
            ? "The request changed while you were reading it: here it is now. Mark it solved again if it still is."
            : caught instanceof ApiError
              ? caught.problem.detail
              : "The request could not be marked solved. Try again.",
      });
    } finally {
      setBusy(false);
    }
  }

  const closed = ticket.status === "closed";
  const canSolve = ticket.status !== "solved" && !closed;
  return (
    <form className="portal-form portal-reply" onSubmit={reply}>
      <h2>{closed ? "Follow up" : "Reply"}</h2>
      {closed && (
        <p className="muted">This request is closed. Writing here starts a new request that follows it up.</p>
      )}
      {ticket.status === "solved" && (
        <p className="muted">This request is solved. If it is not, reply: the request opens again.</p>
      )}
      <label htmlFor="reply-body">Your message</label>
      <textarea id="reply-body" rows={5} required value={body} onChange={(e) => setBody(e.target.value)} />
      <AttachmentPicker uploads={uploads} onChange={setUploads} onBusy={setUploading} />
      {message && (
        <p className={message.error ? "error" : "portal-notice"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
      <div className="portal-actions">
        <button type="submit" className="primary" disabled={busy || uploading}>
          {busy ? "Sending…" : "Send reply"}
        </button>
        {canSolve && (
          <button type="button" onClick={() => void markSolved()} disabled={busy}>
            Mark as solved
          </button>
        )}
      </div>
    </form>
  );
}
