import { describe, expect, it } from "vitest";
import { draftExcerptLength, draftIssueSummary, issueBody, withoutContactDetails } from "./issue-summary.js";

describe("the issue summary", () => {
  it("removes email addresses and keeps @mentions from notifying GitHub users", () => {
    expect(withoutContactDetails("Mail jane.doe+tend@customer.example or @octocat")).toBe(
      "Mail [email address removed] or `@octocat`",
    );
  });

  it("drafts from the subject and the customer's opening words, cut to an excerpt", () => {
    const draft = draftIssueSummary({
      subject: "Export fails",
      openingMessage: `From ops@acme.example: ${"x".repeat(3000)}`,
    });
    expect(draft.startsWith("Export fails\n\nFrom [email address removed]:")).toBe(true);
    expect(draft.length).toBeLessThan(draftExcerptLength + 100);
    expect(draftIssueSummary({ subject: "Only a subject", openingMessage: null })).toBe("Only a subject");
  });

  it("links back to the ticket, and keeps contact details only when the agent says so", () => {
    const input = {
      summary: "Ask ops@acme.example",
      ticketNumber: 42,
      ticketUrl: "https://desk.example/tickets/42",
    };
    expect(issueBody({ ...input, keepContactDetails: false })).toBe(
      "Ask [email address removed]\n\n---\nEscalated from support ticket [#42](https://desk.example/tickets/42).",
    );
    expect(issueBody({ ...input, keepContactDetails: true })).toContain("ops@acme.example");
  });
});
