import { escapeHtml, type RenderedMail } from "../email/notification-templates.js";

export interface PageMailInput {
  title: string;
  details: string;
  severity: string;
  /** "level 2", "fallback", "level 1 (repeat 1)". */
  step: string;
  acknowledgeLink: string;
  resolveLink: string;
  expiresAt: Date;
}

/** The page as mailed to one person, with their own acknowledge and resolve links. */
export function pageMail(input: PageMailInput): RenderedMail {
  const title = input.title.replace(/\s+/g, " ").trim();
  const subject = `[${input.severity.toUpperCase()}] Page: ${title}`;
  const reach = `You are paged (${input.step}). Acknowledge to stop the escalation; resolve when it is over.`;
  const validity = `Each link works once, until ${input.expiresAt.toISOString()}, and asks you to confirm.`;
  const text = [
    subject,
    "",
    ...(input.details ? [input.details, ""] : []),
    reach,
    "",
    `Acknowledge: ${input.acknowledgeLink}`,
    `Resolve: ${input.resolveLink}`,
    "",
    validity,
    "",
  ].join("\n");
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>` +
    `<h1>${escapeHtml(subject)}</h1>` +
    (input.details ? `<p>${escapeHtml(input.details)}</p>` : "") +
    `<p>${escapeHtml(reach)}</p>` +
    `<p><a href="${escapeHtml(input.acknowledgeLink)}">Acknowledge</a> · ` +
    `<a href="${escapeHtml(input.resolveLink)}">Resolve</a></p>` +
    `<p>${escapeHtml(validity)}</p></body></html>`;
  return { subject, text, html };
}
