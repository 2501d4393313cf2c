import { describe, expect, it } from "vitest";
import { supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * Mail follows an organization's ticket visibility as the portal does: where each customer sees
 * only their own tickets, a colleague's answer to someone else's thread opens a ticket of their
 * own instead of landing on one they cannot read.
 */
const email = useEmailDesk();

async function colleagueAnswers(visibility: "organization" | "requester") {
  const organization = await email.desk.makeOrganization();
  const set = await email.desk.app.inject({
    method: "PATCH",
    url: `/api/v1/organizations/${organization.id}`,
    headers: email.admin.auth,
    payload: { customerTicketVisibility: visibility },
  });
  expect(set.statusCode).toBe(200);
  const messageId = `<visibility-${email.desk.unique()}@${organization.domain}>`;
  const first = await email.deliver({
    from: `Pat <pat-${email.desk.unique()}@${organization.domain}>`,
    to: supportAddress,
    subject: "Exports fail overnight",
    text: "Every nightly export since Monday failed.",
    messageId,
  });
  const answer = await email.deliver({
    from: `Casey <casey-${email.desk.unique()}@${organization.domain}>`,
    to: supportAddress,
    subject: "Re: Exports fail overnight",
    text: "Same here, since Monday.",
    inReplyTo: messageId,
    references: [messageId],
  });
  expect(first).toMatchObject({ status: "processed" });
  expect(answer).toMatchObject({ status: "processed" });
  return { first: first.ticketNumber, answer: answer.ticketNumber };
}

describe("a colleague's answer by mail", () => {
  it("joins the thread when the organization's customers see each other's tickets", async () => {
    const { first, answer } = await colleagueAnswers("organization");
    expect(answer).toBe(first);
  });

  it("opens its own ticket when each customer sees only their own", async () => {
    const { first, answer } = await colleagueAnswers("requester");
    expect(answer).not.toBe(first);
    expect((await email.comments(first as number)).map((c) => c.bodyText)).not.toContain(
      "Same here, since Monday.",
    );
  });
});
