import type SanitizeHtml from "sanitize-html";
import { ValidationError } from "../../errors.js";
import { requireOnFirstUse } from "../../shared/on-first-use.js";

/** Required with the first HTML to clean: sanitize-html and its parser and PostCSS are 2 MB an idle process need not hold. */
const sanitizeHtml = requireOnFirstUse<typeof SanitizeHtml>("sanitize-html");

export const maxCommentLength = 256 * 1024;

// What a support conversation needs (formatting, links, lists, code, tables) and nothing that runs.
const sanitizeOptions: SanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "span",
    "div",
  ],
  allowedAttributes: { a: ["href", "title", "rel"] },
  allowedSchemes: ["http", "https", "mailto"],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
  },
};

/** The one HTML policy for anything shown in a ticket, typed by an agent or arriving by email. */
export function sanitizeCommentHtml(html: string): string {
  return sanitizeHtml()(html, sanitizeOptions).trim();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|h[1-6]|tr|blockquote|pre)>/gi, "\n\n");
  const text = sanitizeHtml()(withBreaks, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** A comment is stored as plain text and sanitized HTML, whichever of the two the author sent. */
export function commentBody(input: { body?: string | undefined; bodyHtml?: string | undefined }): {
  text: string;
  html: string;
} {
  const field = input.bodyHtml !== undefined ? "bodyHtml" : "body";
  const raw = input.bodyHtml ?? input.body ?? "";
  if (raw.length > maxCommentLength)
    throw ValidationError.field(field, `is longer than ${maxCommentLength} characters`);
  if (input.bodyHtml !== undefined) {
    const html = sanitizeCommentHtml(input.bodyHtml);
    const text = input.body?.trim() || htmlToText(html);
    if (!text) throw ValidationError.field("bodyHtml", "has no text");
    return { text, html };
  }
  const text = (input.body ?? "").trim();
  if (!text) throw ValidationError.field("body", "must not be empty");
  return { text, html: textToHtml(text) };
}
