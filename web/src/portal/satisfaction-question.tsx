import { type FormEvent, useEffect, useState } from "react";
import type { SatisfactionView } from "../../../src/modules/satisfaction/rate-ticket.js";
import { ApiError, api } from "../api.js";

/**
 * "How did we do?" on a solved request, for its requester: Good or Bad and a comment, changeable
 * until the request closes. Shown only when the latest solve was surveyed and still takes answers.
 */
export function SatisfactionQuestion({
  number,
  version,
  isRequester,
}: {
  number: number;
  version: number;
  isRequester: boolean;
}) {
  const [survey, setSurvey] = useState<SatisfactionView | null>(null);
  const [rating, setRating] = useState<"good" | "bad" | null>(null);
  const [comment, setComment] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  useEffect(() => {
    let current = true;
    void version;
    api<SatisfactionView | null>("GET", `/tickets/${number}/satisfaction`)
      .then((view) => {
        if (!current) return;
        setSurvey(view);
        setRating(view?.rating ?? null);
        setComment(view?.comment ?? "");
      })
      .catch(() => current && setSurvey(null));
    return () => {
      current = false;
    };
  }, [number, version]);
  if (!isRequester || !survey?.open) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!rating) return;
    try {
      const saved = await api<SatisfactionView>("POST", `/tickets/${number}/satisfaction`, {
        rating,
        comment: comment.trim() === "" ? null : comment,
      });
      setSurvey(saved);
      setMessage({
        error: false,
        text: "Thank you: your answer is recorded. You may change it until the request closes.",
      });
    } catch (caught) {
      setMessage({
        error: true,
        text: caught instanceof ApiError ? caught.problem.detail : "Your answer could not be recorded.",
      });
    }
  }

  return (
    <form className="portal-satisfaction" onSubmit={submit} aria-labelledby="satisfaction-title">
      <h2 id="satisfaction-title">How did we do?</h2>
      <fieldset>
        <legend className="visually-hidden">Your answer</legend>
        <label>
          <input type="radio" name="rating" checked={rating === "good"} onChange={() => setRating("good")} />{" "}
          Good, I'm satisfied
        </label>
        <label>
          <input type="radio" name="rating" checked={rating === "bad"} onChange={() => setRating("bad")} />{" "}
          Bad, I'm unsatisfied
        </label>
      </fieldset>
      <label htmlFor="satisfaction-comment">Anything to add? (optional)</label>
      <textarea
        id="satisfaction-comment"
        rows={3}
        maxLength={2000}
        value={comment}
        onChange={(event) => setComment(event.target.value)}
      />
      <button type="submit" className="primary" disabled={rating === null}>
        {survey.rating ? "Change my answer" : "Send my answer"}
      </button>
      {message && (
        <p className={message.error ? "error" : "portal-notice"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </form>
  );
}
