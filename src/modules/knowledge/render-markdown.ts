import type MarkdownIt from "markdown-it";
import type SanitizeHtml from "sanitize-html";
import { requireOnFirstUse } from "../../shared/on-first-use.js";

/**
 * The one Markdown renderer for articles: the editor's preview, the API and /help all show what this
 * returns. Raw HTML in the Markdown is not interpreted (`html: false`) and the output is sanitized
 * anyway, so a link to `javascript:` or a smuggled tag never reaches a reader even if markdown-it's
 * own link check were loosened one day.
 */
const markdownIt = requireOnFirstUse<typeof MarkdownIt>("markdown-it");
const sanitizeHtml = requireOnFirstUse<typeof SanitizeHtml>("sanitize-html");

/** Made with the first article rendered or indexed: a process that serves no article carries neither package. */
let renderer: InstanceType<typeof MarkdownIt> | undefined;
function markdown(): InstanceType<typeof MarkdownIt> {
  renderer ??= new (markdownIt())({ html: false, linkify: true, typographer: false });
  return renderer;
}

const articleHtmlPolicy: SanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "strong",
    "em",
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
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "img",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], img: ["src", "alt", "title"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
  },
};

export function renderArticleHtml(body: string): string {
  return sanitizeHtml()(markdown().render(body), articleHtmlPolicy).trim();
}

/** The words a reader sees, for the search index and its snippets: no Markdown syntax, no URLs. */
export function articlePlainText(body: string): string {
  const parts: string[] = [];
  for (const token of markdown().parse(body, {})) {
    if (token.type === "inline") {
      for (const child of token.children ?? []) {
        if (child.type === "text" || child.type === "code_inline") parts.push(child.content);
        else if (child.type === "softbreak" || child.type === "hardbreak") parts.push(" ");
      }
      parts.push(" ");
    } else if (token.type === "fence" || token.type === "code_block") {
      parts.push(token.content, " ");
    }
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}
