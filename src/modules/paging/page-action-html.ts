import { escapeHtml } from "../email/notification-templates.js";
import type { PageResponse } from "./manage-pages.js";
import type { PageView } from "./paging-presenter.js";

export type PageLinkRefusal = "unknown" | "used" | "expired";

const verbs: Record<PageResponse, { button: string; question: string }> = {
  acknowledge: { button: "Acknowledge", question: "Acknowledge this page? Its escalation stops." },
  resolve: { button: "Resolve", question: "Resolve this page? It is over for everyone paged." },
};

function document(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

/** The tiny pages a mailed link shows: the confirmation (a form posting to the same address), then the outcome. */
export function actionPage(
  view:
    | { state: "valid"; action: PageResponse; page: { title: string; status: string }; personName: string }
    | { state: "done"; page: PageView }
    | { state: "conflict"; message: string },
): string {
  if (view.state === "done") {
    const what = view.page.status === "resolved" ? "resolved" : "acknowledged";
    return document(
      `Page ${what}`,
      `<h1>Page ${what}</h1><p>${escapeHtml(view.page.title)}</p><p>Thank you.</p>`,
    );
  }
  if (view.state === "conflict")
    return document("Nothing to do", `<h1>Nothing to do</h1><p>${escapeHtml(view.message)}</p>`);
  const verb = verbs[view.action];
  return document(
    `${verb.button} page`,
    `<h1>${escapeHtml(view.page.title)}</h1><p>Paged: ${escapeHtml(view.personName)}. Status: ${escapeHtml(view.page.status)}.</p>` +
      `<p>${escapeHtml(verb.question)}</p><form method="post"><button type="submit">${verb.button}</button></form>`,
  );
}

export const linkRefusals: Record<PageLinkRefusal, string> = {
  unknown: "This link is not valid. Open the page in Tend to acknowledge or resolve it.",
  used: "This link was used already: each one works once. Open the page in Tend to see where it stands.",
  expired: "This link has expired (links last 24 hours). Open the page in Tend to acknowledge or resolve it.",
};

export function linkRefusalPage(reason: PageLinkRefusal): string {
  return document(
    "Link not valid",
    `<h1>This link does not work</h1><p>${escapeHtml(linkRefusals[reason])}</p>`,
  );
}
