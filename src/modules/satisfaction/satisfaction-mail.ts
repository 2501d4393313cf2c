import { escapeHtml, type RenderedMail } from "../email/notification-templates.js";
import type { Rating } from "./csat-rules.js";

export function surveyLink(publicUrl: string, token: string, rating: Rating): string {
  return `${publicUrl.replace(/\/$/, "")}/csat/${encodeURIComponent(token)}?rating=${rating}`;
}

/** "How did we do?" with one link per answer; each opens a page that asks to confirm (mail scanners open links). */
export function surveyMail(input: {
  requesterName: string;
  ticket: { number: number; subject: string };
  goodLink: string;
  badLink: string;
  expiresAt: Date;
}): RenderedMail {
  const subject = `How did we do? [#${input.ticket.number}] ${input.ticket.subject}`;
  const until = input.expiresAt.toISOString().slice(0, 10);
  const text = [
    `Hello ${input.requesterName},`,
    "",
    `Your request #${input.ticket.number} "${input.ticket.subject}" was solved. How did we do?`,
    "",
    `Good, I'm satisfied: ${input.goodLink}`,
    `Bad, I'm unsatisfied: ${input.badLink}`,
    "",
    `You can change your answer until the request closes; these links work until ${until}.`,
  ].join("\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    `<p>Hello ${escapeHtml(input.requesterName)},</p>` +
    `<p>Your request #${input.ticket.number} “${escapeHtml(input.ticket.subject)}” was solved. How did we do?</p>` +
    `<p><a href="${escapeHtml(input.goodLink)}">Good, I'm satisfied</a></p>` +
    `<p><a href="${escapeHtml(input.badLink)}">Bad, I'm unsatisfied</a></p>` +
    `<p>You can change your answer until the request closes; these links work until ${until}.</p></body></html>`;
  return { subject, text, html };
}

/** To whoever answers for the ticket's group: a customer rated it Bad, and a case review is open. */
export function badRatingMail(input: {
  ticket: { number: number; subject: string };
  requesterName: string;
  comment: string | null;
  ticketLink: string;
  reviewsLink: string;
}): RenderedMail {
  const subject = `Bad rating on #${input.ticket.number}: ${input.ticket.subject}`;
  const said = input.comment ? `They wrote: "${input.comment}"` : "They left no comment.";
  const text = [
    `${input.requesterName} rated ticket #${input.ticket.number} "${input.ticket.subject}" Bad.`,
    said,
    "",
    `The ticket: ${input.ticketLink}`,
    `A case review is open: ${input.reviewsLink}`,
  ].join("\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    `<p>${escapeHtml(input.requesterName)} rated ticket #${input.ticket.number} “${escapeHtml(input.ticket.subject)}” Bad.</p>` +
    `<p>${escapeHtml(said)}</p><p><a href="${escapeHtml(input.ticketLink)}">Open the ticket</a></p>` +
    `<p><a href="${escapeHtml(input.reviewsLink)}">Open the case reviews</a></p></body></html>`;
  return { subject, text, html };
}
