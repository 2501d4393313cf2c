import { ValidationError } from "../../errors.js";
import type { Actor } from "../identity/actor.js";
import { isStaff } from "../identity/identity-policy.js";

/** Pure rules of the knowledge base: who sees what, slugs, and the checks every save runs. */

export const articleVisibilities = ["public", "internal"] as const;
export type ArticleVisibility = (typeof articleVisibilities)[number];
export const articleStates = ["draft", "published"] as const;
export type ArticleState = (typeof articleStates)[number];

export const maxArticleBodyLength = 200_000;
export const slugPattern = "^[a-z0-9]+(?:-[a-z0-9]+)*$";
const slugRegex = new RegExp(slugPattern);

/** Customers and the public read public articles only; staff read internal ones too. */
export function visibleTo(actor: Actor): ArticleVisibility[] {
  return isStaff(actor) ? ["public", "internal"] : ["public"];
}

/** Drafts are for the staff who write them; a published article is read by whoever its visibility allows. */
export function canReadArticle(actor: Actor, article: { state: string; visibility: string }): boolean {
  if (isStaff(actor)) return true;
  return article.state === "published" && article.visibility === "public";
}

/** "Reset your password!" → "reset-your-password": the slug an article gets when none is given. */
export function slugify(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "");
  return slug === "" ? "article" : slug;
}

export function checkSlug(slug: string, field: string): string {
  if (!slugRegex.test(slug) || slug.length > 100)
    throw ValidationError.field(field, "must be lowercase letters, digits and single hyphens");
  return slug;
}

export function checkText(value: string, field: string, maxLength: number): string {
  const trimmed = value.trim();
  if (trimmed === "") throw ValidationError.field(field, "must not be empty");
  if (trimmed.length > maxLength)
    throw ValidationError.field(field, `must be at most ${maxLength} characters`);
  return trimmed;
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

/** A search snippet's marked terms as parts, so the page and the app highlight without parsing HTML. */
export function snippetParts(snippet: string, start: string, end: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = snippet;
  while (rest !== "") {
    const open = rest.indexOf(start);
    if (open === -1) {
      parts.push({ text: rest, match: false });
      break;
    }
    if (open > 0) parts.push({ text: rest.slice(0, open), match: false });
    const close = rest.indexOf(end, open + start.length);
    const stop = close === -1 ? rest.length : close;
    parts.push({ text: rest.slice(open + start.length, stop), match: true });
    rest = close === -1 ? "" : rest.slice(close + end.length);
  }
  return parts.filter((part) => part.text !== "");
}

// Words that say nothing about what a request is about. PostgreSQL's English configuration drops
// them itself; SQLite's FTS5 has no stop list, and an OR over "the" would match every article.
const fillerWords = new Set(
  (
    "the and for are but not you your with this that have has had was were will would can could " +
    "should from they them their there what when where which who why how all any our out its it's " +
    "into about been being does did doing just than then too very also get got please thanks thank " +
    "hello hi dear regards help need want some more most other such only own same here after before"
  ).split(" "),
);

/**
 * What a customer typed, cut to the words worth searching for: subject first (it says most), then
 * the body, each word once, short and filler words left out. Empty when nothing is left.
 */
export function suggestionTerms(subject: string, body: string): string[] {
  const words = `${subject} ${body}`.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    if (word.length < 3 || fillerWords.has(word) || terms.includes(word)) continue;
    terms.push(word);
    if (terms.length === 32) break;
  }
  return terms;
}
