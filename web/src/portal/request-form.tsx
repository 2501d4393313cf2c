import { type FormEvent, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import type { UploadView } from "../../../src/modules/attachments/attachment-presenter.js";
import type { PromisedAnswer } from "../../../src/modules/sla/promised-answer.js";
import { type PlacedProblems, placeProblems } from "../admin/field-errors.js";
import { ApiError, api, type TicketView } from "../api.js";
import { AttachmentPicker } from "./attachment-picker.js";
import { categoryChoices, formatAnswerBy, severityChoices } from "./portal-words.js";
import { SuggestedArticles } from "./suggested-articles.js";

const fields = ["subject", "body", "severity", "category", "uploadIds"] as const;

/** What the team promises for the request as it stands, refetched when severity or category change. */
function usePromisedAnswer(severity: TicketView["severity"], category: TicketView["category"]) {
  const [answer, setAnswer] = useState<{ text: string } | { failed: true } | null>(null);
  useEffect(() => {
    let current = true;
    setAnswer(null);
    api<PromisedAnswer>("POST", "/portal/answer-by", { severity, category })
      .then(({ answerBy }) => {
        if (!current) return;
        setAnswer({
          text: answerBy
            ? `We'll answer by ${formatAnswerBy(new Date(answerBy), new Date())} your time.`
            : "We'll answer as soon as we can.",
        });
      })
      .catch(() => {
        if (current) setAnswer({ failed: true });
      });
    return () => {
      current = false;
    };
  }, [severity, category]);
  return answer;
}

export function RequestForm() {
  const navigate = useNavigate();
  const [severity, setSeverity] = useState<TicketView["severity"]>("sev2");
  const [category, setCategory] = useState<TicketView["category"]>("other");
  const [uploads, setUploads] = useState<UploadView[]>([]);
  const [uploading, setUploading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<PlacedProblems | null>(null);
  const answer = usePromisedAnswer(severity, category);
  const [draft, setDraft] = useState({ subject: "", body: "" });
  // Set when a suggested article answered the customer: the request is not filed.
  const [solvedBy, setSolvedBy] = useState<{ title: string; slug: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblems(null);
    try {
      const ticket = await api<TicketView>("POST", "/tickets", {
        subject: String(form.get("subject") ?? ""),
        body: String(form.get("body") ?? ""),
        severity,
        category,
        ...(uploads.length > 0 ? { uploadIds: uploads.map((u) => u.id) } : {}),
      });
      navigate(`/portal/requests/${ticket.number}`, { state: { justSent: true } });
    } catch (caught) {
      setProblems(
        caught instanceof ApiError
          ? placeProblems(caught.problem, fields)
          : { byField: {}, general: ["The request could not be sent. Try again."] },
      );
      setBusy(false);
    }
  }

  const fieldError = (field: (typeof fields)[number]) => {
    const messages = problems?.byField[field];
    if (!messages) return null;
    return (
      <p id={`${field}-error`} className="field-error">
        {messages.join(" ")}
      </p>
    );
  };
  const describedBy = (field: (typeof fields)[number]) =>
    problems?.byField[field] ? `${field}-error` : undefined;

  if (solvedBy) {
    return (
      <section>
        <h1>Glad that helped</h1>
        <p role="status">
          “{solvedBy.title}” answered your question, so no request was sent. If it comes back, write to us any
          time.
        </p>
        <p>
          <a href={`/help/articles/${encodeURIComponent(solvedBy.slug)}`}>Read the article again</a> ·{" "}
          <button type="button" className="link" onClick={() => setSolvedBy(null)}>
            Write a request after all
          </button>
        </p>
      </section>
    );
  }

  return (
    <section>
      <h1>New request</h1>
      <form className="portal-form" onSubmit={submit}>
        <label htmlFor="subject">Subject</label>
        <input
          id="subject"
          name="subject"
          required
          maxLength={500}
          value={draft.subject}
          onChange={(event) => setDraft({ ...draft, subject: event.target.value })}
          aria-invalid={Boolean(problems?.byField.subject)}
          aria-describedby={describedBy("subject")}
        />
        {fieldError("subject")}

        <label htmlFor="body">What happened?</label>
        <textarea
          id="body"
          name="body"
          rows={7}
          required
          value={draft.body}
          onChange={(event) => setDraft({ ...draft, body: event.target.value })}
          aria-invalid={Boolean(problems?.byField.body)}
          aria-describedby={describedBy("body") ?? "body-hint"}
        />
        <p id="body-hint" className="muted portal-hint">
          What you did, what you expected, what you saw instead (error messages, times, affected users).
        </p>
        {fieldError("body")}

        <fieldset>
          <legend>How urgent is it?</legend>
          {severityChoices.map((choice) => (
            <div key={choice.value} className="portal-choice">
              <input
                type="radio"
                id={`severity-${choice.value}`}
                name="severity"
                value={choice.value}
                checked={severity === choice.value}
                onChange={() => setSeverity(choice.value)}
                aria-describedby={`severity-${choice.value}-explanation`}
              />
              <label htmlFor={`severity-${choice.value}`}>{choice.label}</label>
              <p id={`severity-${choice.value}-explanation`} className="muted">
                {choice.explanation}
              </p>
            </div>
          ))}
          {fieldError("severity")}
        </fieldset>

        <label htmlFor="category">What is it about?</label>
        <select
          id="category"
          name="category"
          value={category}
          onChange={(event) => setCategory(event.target.value as TicketView["category"])}
        >
          {categoryChoices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        {fieldError("category")}

        <AttachmentPicker uploads={uploads} onChange={setUploads} onBusy={setUploading} />
        {fieldError("uploadIds")}

        <p className="portal-promise" aria-live="polite">
          {answer === null
            ? "Working out when we will answer…"
            : "failed" in answer
              ? "We could not work out when we will answer; we will as soon as we can."
              : answer.text}
        </p>

        {problems && problems.general.length > 0 && (
          <div className="error" role="alert">
            {problems.general.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy || uploading}>
          {busy ? "Sending…" : "Send request"}
        </button>
      </form>
      <SuggestedArticles subject={draft.subject} body={draft.body} onSolved={setSolvedBy} />
    </section>
  );
}
