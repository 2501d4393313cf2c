import { useEffect, useState } from "react";
import type { SatisfactionView } from "../../../src/modules/satisfaction/rate-ticket.js";
import { api } from "../api.js";

/**
 * The ticket side panel's CSAT answer, when its latest solve was surveyed. Read again when the
 * ticket's version moves, so a rating arriving while the agent looks is seen on the next change.
 */
export function SatisfactionPanel({ number, version }: { number: number; version: number }) {
  const [survey, setSurvey] = useState<SatisfactionView | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    // The version is the refresh trigger: a change to the ticket may come with a new answer.
    void version;
    api<SatisfactionView | null>("GET", `/tickets/${number}/satisfaction`)
      .then((view) => current && setSurvey(view))
      .catch(() => current && setSurvey(null));
    return () => {
      current = false;
    };
  }, [number, version]);
  if (!survey) return null;
  return (
    <section aria-labelledby="csat-title" className="csat-panel">
      <h2 id="csat-title">Satisfaction</h2>
      {survey.rating === null ? (
        <p className="muted">{survey.sentAt ? "Asked, not answered yet." : "Survey due, not sent yet."}</p>
      ) : (
        <p data-rating={survey.rating}>
          <strong>{survey.rating === "good" ? "Good" : "Bad"}</strong>
          {survey.comment ? <> — “{survey.comment}”</> : null}
        </p>
      )}
    </section>
  );
}
