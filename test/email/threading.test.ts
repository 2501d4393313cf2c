import { describe, expect, it } from "vitest";
import { autoCloseSolvedTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { DAY } from "../../src/shared/clock.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

const email = useEmailDesk();

/** A customer of a fresh organization writes in; returns the ticket, the first Message-ID and the sender. */
async function conversation(subject = "Reports time out") {
  const organization = await email.desk.makeOrganization();
  const requester = `requester-${email.desk.unique()}@${organization.domain}`;
  const messageId = `<first-${email.desk.unique()}@${organization.domain}>`;
  const first = await email.deliver({
    from: requester,
    to: supportAddress,
    subject,
    text: "Every report times out after 30 seconds.",
    messageId,
  });
  expect(first.status).toBe("processed");
  return { ticketNumber: first.ticketNumber as number, messageId, requester, organization };
}

async function setStatus(ticketNumber: number, status: "pending" | "solved") {
  const ticket = await email.ticket(ticketNumber);
  const response = await email.desk.app.inject({
    method: "PATCH",
    url: `/api/v1/tickets/${ticketNumber}`,
    headers: email.admin.auth,
    payload: { version: ticket.version, status },
  });
  expect(response.statusCode).toBe(200);
}

describe("threading inbound replies", () => {
  it("threads a reply by In-Reply-To even when the customer changed the subject", async () => {
    const thread = await conversation();
    const before = await email.ticketCount();
    const reply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Something else entirely",
      text: "It also happens on the weekly report.",
      inReplyTo: thread.messageId,
    });
    expect(reply).toMatchObject({
      status: "processed",
      ticketNumber: thread.ticketNumber,
      reason: "threaded by headers",
    });
    expect(await email.ticketCount()).toBe(before);
    const comments = await email.comments(thread.ticketNumber);
    expect(comments.map((comment) => comment.bodyText)).toEqual([
      "Every report times out after 30 seconds.",
      "It also happens on the weekly report.",
    ]);
  });

  it("threads by References alone when the client dropped In-Reply-To", async () => {
    const thread = await conversation();
    const reply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "Any news?",
      references: ["<unknown-elsewhere@mail.example>", thread.messageId],
    });
    expect(reply).toMatchObject({ ticketNumber: thread.ticketNumber, reason: "threaded by headers" });
  });

  it("threads by the plus-address the customer wrote to", async () => {
    const thread = await conversation();
    const reply = await email.deliver({
      from: thread.requester,
      to: `support+${thread.ticketNumber}@tend.test`,
      subject: "New subject, no headers",
      text: "Writing to the ticket's address.",
    });
    expect(reply).toMatchObject({ ticketNumber: thread.ticketNumber, reason: "threaded by plus address" });
  });

  it("threads by the subject tag when the requester sends it", async () => {
    const thread = await conversation();
    const reply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: `Re: Reports time out [#${thread.ticketNumber}]`,
      text: "Fresh mail, same ticket.",
    });
    expect(reply).toMatchObject({ ticketNumber: thread.ticketNumber, reason: "threaded by subject tag" });
  });

  it("opens a new ticket when an outside sender quotes the subject tag", async () => {
    const thread = await conversation();
    const outsider = `newsletter-${email.desk.unique()}@unrelated.example`;
    const before = await email.ticketCount();
    const result = await email.deliver({
      from: outsider,
      to: supportAddress,
      subject: `Re: Reports time out [#${thread.ticketNumber}]`,
      text: "Unrelated words that must not land on someone else's ticket.",
    });
    expect(result.status).toBe("processed");
    expect(result.ticketNumber).not.toBe(thread.ticketNumber);
    expect(result.reason).toMatch(new RegExp(`may not write on #${thread.ticketNumber} by subject tag`));
    expect(await email.ticketCount()).toBe(before + 1);
    expect((await email.ticket(result.ticketNumber as number)).requester.email).toBe(outsider);
    expect(await email.comments(thread.ticketNumber)).toHaveLength(1);
  });

  it("opens a new ticket when an outsider carries the thread's headers", async () => {
    const thread = await conversation();
    const result = await email.deliver({
      from: `stranger-${email.desk.unique()}@unrelated.example`,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "I was forwarded this.",
      inReplyTo: thread.messageId,
    });
    expect(result.ticketNumber).not.toBe(thread.ticketNumber);
    expect(await email.comments(thread.ticketNumber)).toHaveLength(1);
  });

  it("threads a reply from a CC'd colleague of the same organization, as that colleague", async () => {
    const thread = await conversation();
    const colleague = `colleague-${email.desk.unique()}@${thread.organization.domain}`;
    const reply = await email.deliver({
      from: `Casey Colleague <${colleague}>`,
      to: supportAddress,
      cc: thread.requester,
      subject: "Re: Reports time out",
      text: "Same here on my account.",
      inReplyTo: thread.messageId,
    });
    expect(reply).toMatchObject({ ticketNumber: thread.ticketNumber, reason: "threaded by headers" });
    const comments = await email.comments(thread.ticketNumber);
    expect(comments.at(-1)).toMatchObject({
      bodyText: "Same here on my account.",
      author: { name: "Casey Colleague", role: "customer" },
    });
    const stored = await email.desk.database.db
      .selectFrom("email_messages")
      .select("cc_addresses")
      .where("from_address", "=", colleague)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.cc_addresses)).toEqual([thread.requester]);
  });

  it("threads a reply to a reply by the reply's own Message-ID", async () => {
    const thread = await conversation();
    const secondId = `<second-${email.desk.unique()}@mail.example>`;
    await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "Second message.",
      inReplyTo: thread.messageId,
      messageId: secondId,
    });
    const third = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Re: Reports time out",
      text: "Third message.",
      inReplyTo: secondId,
    });
    expect(third.ticketNumber).toBe(thread.ticketNumber);
  });

  it("reopens a Pending ticket when the customer answers", async () => {
    const thread = await conversation();
    await setStatus(thread.ticketNumber, "pending");
    await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "Here are the logs you asked for.",
      inReplyTo: thread.messageId,
    });
    expect((await email.ticket(thread.ticketNumber)).status).toBe("open");
  });

  it("opens a follow-up linked to a Closed ticket", async () => {
    const thread = await conversation();
    await setStatus(thread.ticketNumber, "solved");
    email.desk.clock.advance(5 * DAY);
    await autoCloseSolvedTickets(email.desk.system);
    expect((await email.ticket(thread.ticketNumber)).status).toBe("closed");

    const reply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "It is back again.",
      inReplyTo: thread.messageId,
    });
    expect(reply.ticketNumber).not.toBe(thread.ticketNumber);
    const followUp = await email.ticket(reply.ticketNumber as number);
    expect(followUp).toMatchObject({
      followUpOf: thread.ticketNumber,
      subject: "Reports time out",
      channel: "email",
    });
    expect((await email.comments(followUp.number))[0]?.bodyText).toBe("It is back again.");
    // A further reply to the original thread continues on the follow-up, not on the closed ticket.
    const again = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "Still broken.",
      inReplyTo: thread.messageId,
    });
    expect(again.ticketNumber).toBe(followUp.number);
  });

  it("records an agent's mail to a closed ticket as failed with the reason", async () => {
    const thread = await conversation();
    await setStatus(thread.ticketNumber, "solved");
    email.desk.clock.advance(5 * DAY);
    await autoCloseSolvedTickets(email.desk.system);
    const agent = await email.desk.makeAgent();
    const result = await email.deliver({
      from: agent.email,
      to: supportAddress,
      subject: "Re: Reports time out",
      text: "Adding a note by mail.",
      inReplyTo: thread.messageId,
    });
    expect(result).toMatchObject({
      status: "failed",
      reason: `Ticket #${thread.ticketNumber} is closed and read-only.`,
    });
  });

  it("keeps an auto-reply to the thread with its ticket, without a comment or a new ticket", async () => {
    const thread = await conversation();
    const before = await email.ticketCount();
    const autoReply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Automatic reply: Reports time out",
      text: "I am away until Monday.",
      inReplyTo: thread.messageId,
      headers: { "Auto-Submitted": "auto-replied" },
    });
    expect(autoReply).toMatchObject({ status: "ignored", ticketNumber: thread.ticketNumber });
    expect(await email.ticketCount()).toBe(before);
    expect(await email.comments(thread.ticketNumber)).toHaveLength(1);
  });
});
