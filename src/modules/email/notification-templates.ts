import { taggedSubject } from "./email-addresses.js";

/**
 * The mail Tend writes, as plain text and HTML, pure. Every value from people (ticket subjects,
 * names) goes into the HTML escaped; a comment's HTML is already sanitized by the comment policy,
 * which allows no image, style or script, so no mail loads remote content. The links point at the
 * web app: `/tickets/<number>` in the agent workspace, `/portal/tickets/<number>` in the customer
 * portal, `/unlock?token=…` for the unlock page (which calls `POST /api/v1/auth/unlock`),
 * `/portal/sign-in?token=…` for the portal's sign-in page (`POST /api/v1/auth/sign-in-link/redeem`).
 */

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The kinds of mail about a ticket; stored on the outbound `email_messages` row. */
export type TicketMailKind = "reply" | "acknowledgement";

export type LinkAudience = "agent" | "customer";

export function ticketLink(publicUrl: string, audience: LinkAudience, ticketNumber: number): string {
  const base = publicUrl.replace(/\/$/, "");
  return audience === "customer"
    ? `${base}/portal/tickets/${ticketNumber}`
    : `${base}/tickets/${ticketNumber}`;
}

export function unlockLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/unlock?token=${encodeURIComponent(token)}`;
}

export function signInLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}/portal/sign-in?token=${encodeURIComponent(token)}`;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function htmlDocument(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

function linkParagraph(label: string, href: string): string {
  return `<p><a href="${escapeHtml(href)}">${escapeHtml(label)}</a></p>`;
}

/** `Re: Printer offline [#1042]`: the customer's client threads it, and the tag routes their answer. */
export function ticketMailSubject(ticket: { number: number; subject: string }): string {
  return taggedSubject(`Re: ${ticket.subject.replace(/^(re:\s*)+/i, "")}`, ticket.number);
}

export interface TicketMailInput {
  kind: TicketMailKind;
  ticket: { number: number; subject: string };
  /** The comment the mail carries: its text, and its HTML as the comment policy sanitized it. */
  comment: { text: string; html: string };
  /** Where the requester follows the ticket (`ticketLink(…, "customer", …)`). */
  link: string;
}

/**
 * An agent's public reply, or the automatic acknowledgement of a new ticket: the comment, then the
 * ticket's number and link, so the requester can follow it on the portal and knows how to answer.
 */
export function ticketMail({ kind, ticket, comment, link }: TicketMailInput): RenderedMail {
  const subject = ticketMailSubject(ticket);
  const footer =
    kind === "acknowledgement"
      ? `We received your request and opened ticket #${ticket.number}. Reply to this mail to add to it.`
      : `Reply to this mail to answer on ticket #${ticket.number}.`;
  const text = `${comment.text}\n\n--\n${footer}\nFollow your ticket: ${link}\n`;
  const html = htmlDocument(
    subject,
    `<div>${comment.html}</div><hr><p>${escapeHtml(footer)}</p>${linkParagraph("Follow your ticket", link)}`,
  );
  return { subject, text, html };
}

export interface UnlockMailInput {
  name: string;
  link: string;
  expiresAt: Date;
}

/** The single-use link that lifts an account's sign-in lockout, sent once per lockout. */
export function unlockMail({ name, link, expiresAt }: UnlockMailInput): RenderedMail {
  const subject = "Your Tend account was locked after failed sign-ins";
  const oneLineName = name.replace(/\s+/g, " ").trim();
  const greeting = oneLineName === "" ? "Hello," : `Hello ${oneLineName},`;
  const explanation =
    "Your account was locked because of repeated failed sign-ins. It unlocks by itself after a while; " +
    "if those attempts were yours, the link below unlocks it now. It works once, until " +
    `${expiresAt.toISOString()}.`;
  const warning =
    "If they were not yours, someone may be guessing your password: do not use the link, and tell your administrator.";
  const text = `${greeting}\n\n${explanation}\n\n${link}\n\n${warning}\n`;
  const html = htmlDocument(
    subject,
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(explanation)}</p>${linkParagraph("Unlock my account", link)}<p>${escapeHtml(warning)}</p>`,
  );
  return { subject, text, html };
}

export interface SignInMailInput {
  name: string;
  link: string;
  expiresAt: Date;
}

/** The single-use link a customer asked for to sign in to the portal. */
export function signInMail({ name, link, expiresAt }: SignInMailInput): RenderedMail {
  const subject = "Your link to sign in to the support portal";
  const oneLineName = name.replace(/\s+/g, " ").trim();
  const greeting = oneLineName === "" ? "Hello," : `Hello ${oneLineName},`;
  const explanation = `The link below signs you in to the support portal. It works once, until ${expiresAt.toISOString()}.`;
  const warning = "If you did not ask for it, ignore this mail: nobody can use the link without it.";
  const text = `${greeting}\n\n${explanation}\n\n${link}\n\n${warning}\n`;
  const html = htmlDocument(
    subject,
    `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(explanation)}</p>${linkParagraph("Sign in", link)}<p>${escapeHtml(warning)}</p>`,
  );
  return { subject, text, html };
}
