import { escapeHtml } from "../email/notification-templates.js";

/**
 * The small pages of subscribing (pure): no script and no inline style (the CSP allows 'self' only), the
 * public page's stylesheet linked but not needed, and every value escaped.
 */
function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/status/assets/status.css"></head>` +
    `<body><main class="status-subscription"><h1>${escapeHtml(title)}</h1>${body}` +
    `<p><a href="/status">Back to the status page</a></p></main></body></html>`
  );
}

export interface ComponentChoice {
  id: string;
  name: string;
}

/** The subscription form, again with the refusal above it when a post was refused. */
export function subscriptionFormPage(input: {
  components: readonly ComponentChoice[];
  error?: string;
  email?: string;
  chosen?: readonly string[];
}): string {
  const chosen = new Set(input.chosen ?? []);
  const error = input.error
    ? `<p role="alert" class="status-subscription-error" id="subscription-error">${escapeHtml(input.error)}</p>`
    : "";
  const described = input.error ? ` aria-invalid="true" aria-describedby="subscription-error"` : "";
  const choices =
    input.components.length === 0
      ? ""
      : `<fieldset><legend>Components (none chosen: all of them)</legend>${input.components
          .map(
            (component) =>
              `<label><input type="checkbox" name="component" value="${escapeHtml(component.id)}"${
                chosen.has(component.id) ? " checked" : ""
              }> ${escapeHtml(component.name)}</label><br>`,
          )
          .join("")}</fieldset>`;
  return page(
    "Subscribe to updates",
    `${error}<form method="post" action="/status/subscriptions">` +
      `<p><label for="subscription-email">Email address</label><br>` +
      `<input id="subscription-email" type="email" name="email" required maxlength="254" autocomplete="email" value="${escapeHtml(input.email ?? "")}"${described}></p>` +
      `${choices}<p><button type="submit">Subscribe</button></p></form>` +
      `<p>We send one mail to confirm the address; nothing more until it is confirmed.</p>`,
  );
}

export function checkInboxPage(): string {
  return page(
    "Check your inbox",
    "<p>If this address is not subscribed yet, a mail with a confirmation link is on its way. " +
      "The link works once, for 48 hours; until it is opened, the address gets nothing else.</p>",
  );
}

export function subscriptionConfirmedPage(components: readonly ComponentChoice[]): string {
  const what =
    components.length === 0
      ? "<p>You will get mail about incidents and maintenance on all components.</p>"
      : `<p>You will get mail about incidents and maintenance on:</p><ul>${components
          .map((c) => `<li>${escapeHtml(c.name)}</li>`)
          .join("")}</ul>`;
  return page("Subscription confirmed", `${what}<p>Every mail carries a link to unsubscribe.</p>`);
}

export function linkRefusedPage(reason: string): string {
  return page("This link does not work", `<p>${escapeHtml(reason)}</p>`);
}

/** Mail scanners open links: the GET only asks, the button's POST unsubscribes. */
export function unsubscribeConfirmPage(token: string): string {
  return page(
    "Unsubscribe",
    `<p>Stop all status page mail to this address?</p>` +
      `<form method="post" action="/status/subscriptions/unsubscribe?token=${encodeURIComponent(token)}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(): string {
  return page(
    "Unsubscribed",
    "<p>This address gets no more status page mail. You can subscribe again from the status page.</p>",
  );
}
