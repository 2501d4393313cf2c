import { escapeHtml } from "../email/notification-templates.js";
import type { Rating, SurveyRefusal } from "./csat-rules.js";

/** The pages behind a mailed survey link (pure): no script, no inline style, every value escaped. */
function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/csat/assets/csat.css"></head>` +
    `<body><main class="csat"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

const choiceWords: Record<Rating, string> = { good: "Good, I'm satisfied", bad: "Bad, I'm unsatisfied" };

/**
 * The question with the clicked answer preselected; nothing is recorded until the form is posted,
 * since mail scanners open every link in a mail.
 */
export function surveyFormPage(input: {
  ticket: { number: number; subject: string };
  chosen: Rating | null;
  comment: string | null;
  answered: Rating | null;
}): string {
  const choices = (["good", "bad"] as const)
    .map(
      (rating) =>
        `<label class="csat-choice"><input type="radio" name="rating" value="${rating}" required${
          input.chosen === rating ? " checked" : ""
        }> ${escapeHtml(choiceWords[rating])}</label>`,
    )
    .join("");
  const already = input.answered
    ? `<p>You answered ${input.answered === "good" ? "Good" : "Bad"}; you may change it until the request closes.</p>`
    : "";
  return page(
    "How did we do?",
    `<p>Request #${input.ticket.number}: ${escapeHtml(input.ticket.subject)}</p>${already}` +
      `<form method="post"><fieldset><legend>Your answer</legend>${choices}</fieldset>` +
      `<p><label for="csat-comment">Anything to add? (optional)</label></p>` +
      `<textarea id="csat-comment" name="comment" maxlength="2000">${escapeHtml(input.comment ?? "")}</textarea>` +
      `<button type="submit">Send my answer</button></form>`,
  );
}

export function surveyThanksPage(input: { ticket: { number: number }; rating: Rating }): string {
  return page(
    "Thank you",
    `<p>Your answer for request #${input.ticket.number} is recorded: ${input.rating === "good" ? "Good" : "Bad"}.</p>` +
      "<p>You can change it from the same link until the request closes.</p>",
  );
}

export const surveyRefusals: Record<SurveyRefusal, string> = {
  unknown: "This link is not valid. Open your request in the support portal to rate it.",
  closed: "This request is closed or was reopened, so this survey no longer takes answers.",
  expired: "This link has expired. Open your request in the support portal while it is solved to rate it.",
};

export function surveyRefusalPage(reason: SurveyRefusal): string {
  return page("This link does not work", `<p class="csat-refusal">${escapeHtml(surveyRefusals[reason])}</p>`);
}
