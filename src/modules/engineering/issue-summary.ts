/**
 * What a GitHub issue says about a ticket. The repository may be public, and is in any case read
 * by people outside support: the customer's address and the team's internal notes stay in Tend.
 * The draft comes from the ticket's subject and the customer's opening words, contact details
 * removed; the agent edits it, and contact details they type stay only when they say so. Pure.
 */

/** The rule from the service objectives, asked when an agent marks a ticket as needing engineering. */
export const engineeringPrompt =
  "Expected to take more than one business day of engineering? Open a GitHub issue.";

const emailAddress =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+/g;
// An @name in an issue notifies that GitHub user; a customer's words should not page strangers.
const mention = /(^|[^\w`])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b/g;
const removedAddress = "[email address removed]";

/** The longest excerpt of the customer's words a draft carries: enough to reproduce, not a transcript. */
export const draftExcerptLength = 2000;

export function withoutContactDetails(text: string): string {
  return text.replace(emailAddress, removedAddress).replace(mention, "$1`@$2`");
}

export function draftIssueSummary(input: { subject: string; openingMessage: string | null }): string {
  const opening = input.openingMessage?.trim() ?? "";
  const excerpt = opening.length > draftExcerptLength ? `${opening.slice(0, draftExcerptLength)}…` : opening;
  return withoutContactDetails(excerpt ? `${input.subject}\n\n${excerpt}` : input.subject);
}

/** The issue body: the agent's summary (contact details out unless kept on purpose) and the way back. */
export function issueBody(input: {
  summary: string;
  ticketNumber: number;
  ticketUrl: string;
  keepContactDetails: boolean;
}): string {
  const summary = input.keepContactDetails
    ? input.summary.trim()
    : withoutContactDetails(input.summary.trim());
  const backLink = `Escalated from support ticket [#${input.ticketNumber}](${input.ticketUrl}).`;
  return summary ? `${summary}\n\n---\n${backLink}` : backLink;
}
