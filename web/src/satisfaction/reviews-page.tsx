import { type FormEvent, useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import type { CaseReviewView } from "../../../src/modules/satisfaction/case-reviews.js";
import { ApiError, api } from "../api.js";
import { useSession } from "../session.js";

const outcomeNames: Record<NonNullable<CaseReviewView["outcome"]>, string> = {
  exceeds: "Exceeds",
  meets: "Meets",
  coaching: "Coaching",
  fails: "Fails",
};
const criteria = [
  ["accuracy", "Accuracy"],
  ["tone", "Tone"],
  ["completeness", "Completeness"],
  ["followedProcess", "Followed process"],
] as const;
type Criterion = (typeof criteria)[number][0];

/** A lead's form for one open review: the four scores (1–4), the outcome and a note. */
function ReviewForm({ review, onSaved }: { review: CaseReviewView; onSaved: () => void }) {
  const [scores, setScores] = useState<Record<Criterion, number>>({
    accuracy: review.rubric.accuracy ?? 3,
    tone: review.rubric.tone ?? 3,
    completeness: review.rubric.completeness ?? 3,
    followedProcess: review.rubric.followedProcess ?? 3,
  });
  const [outcome, setOutcome] = useState<NonNullable<CaseReviewView["outcome"]>>(review.outcome ?? "meets");
  const [note, setNote] = useState(review.note);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api("PUT", `/case-reviews/${review.id}`, { version: review.version, ...scores, outcome, note });
      onSaved();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.problem.detail : "The review could not be saved.");
    }
  }
  return (
    <form className="review-form" onSubmit={submit}>
      {criteria.map(([key, label]) => (
        <label key={key}>
          {label}{" "}
          <select
            value={scores[key]}
            onChange={(event) => setScores({ ...scores, [key]: Number(event.target.value) })}
          >
            {[1, 2, 3, 4].map((score) => (
              <option key={score} value={score}>
                {score}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label>
        Outcome{" "}
        <select value={outcome} onChange={(event) => setOutcome(event.target.value as typeof outcome)}>
          {Object.entries(outcomeNames).map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Note <textarea rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      <button type="submit" className="primary">
        Save review
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/**
 * `/reviews`: an agent's own case reviews; admins (the desk's leads) see everyone's, record the
 * open ones and draw a sample of last week's solved tickets.
 */
export default function ReviewsPage() {
  const { person } = useSession();
  const lead = person?.role === "admin";
  const [reviews, setReviews] = useState<CaseReviewView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setReviews(await api<CaseReviewView[]>("GET", lead ? "/case-reviews" : "/case-reviews?agentId=me"));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.problem.detail : "The reviews could not load.");
    }
  }, [lead]);
  useEffect(() => {
    void load();
  }, [load]);

  async function drawLastWeek() {
    const to = new Date();
    const from = new Date(to.getTime() - 7 * 24 * 60 * 60 * 1000);
    try {
      await api("POST", "/case-reviews/samples", {
        from: from.toISOString(),
        to: to.toISOString(),
        perAgent: 3,
      });
      await load();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.problem.detail : "The sample could not be drawn.");
    }
  }

  return (
    <section className="reviews">
      <h1>{lead ? "Case reviews" : "My case reviews"}</h1>
      {lead && (
        <button type="button" onClick={() => void drawLastWeek()}>
          Draw 3 solved tickets per agent from the last 7 days
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {reviews === null ? (
        <p className="muted">Loading reviews…</p>
      ) : reviews.length === 0 ? (
        <p className="muted">No case reviews yet.</p>
      ) : (
        <ul className="review-list">
          {reviews.map((review) => (
            <li key={review.id} data-state={review.state}>
              <p>
                {review.ticket ? (
                  <Link to={`/tickets/${review.ticket.number}`}>
                    #{review.ticket.number} {review.ticket.subject}
                  </Link>
                ) : (
                  "A deleted ticket"
                )}{" "}
                · {review.agent?.name ?? "No agent"} ·{" "}
                {review.source === "bad_rating" ? "Bad CSAT rating" : "Random sample"} ·{" "}
                {review.state === "done" && review.outcome ? outcomeNames[review.outcome] : "Open"}
              </p>
              {review.state === "done" && (
                <p className="muted">
                  {criteria.map(([key, label]) => `${label} ${review.rubric[key] ?? "–"}/4`).join(" · ")}
                  {review.note ? ` · ${review.note}` : ""}
                  {review.reviewer ? ` · by ${review.reviewer.name}` : ""}
                </p>
              )}
              {lead && review.agent?.id !== person?.id && (
                <ReviewForm review={review} onSaved={() => void load()} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
