import { type ParsedMail, simpleParser } from "mailparser";
import { beforeEach, describe, expect, it } from "vitest";
import { mailAttachmentBudgetBytes } from "../../src/modules/email/mail-attachments.js";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import type { CommentView } from "../../src/modules/tickets/ticket-presenter.js";
import { fileOf, form } from "../support/multipart-form.js";
import { publicUrl, supportAddress, useEmailDesk } from "./email-desk.js";

const email = useEmailDesk({ relaySink: true });

beforeEach(() => {
  if (email.sink) email.sink.refuseWith = null;
});

async function agentReplies(ticketNumber: number, payload: Record<string, unknown>) {
  const agent = await email.desk.makeAgent();
  const response = await email.desk.app.inject({
    method: "POST",
    url: `/api/v1/tickets/${ticketNumber}/comments`,
    headers: agent.auth,
    payload,
  });
  expect(response.statusCode).toBe(201);
  return response.json().comment as { id: string };
}

/** Runs the send jobs and returns what the relay received for this recipient. */
async function relayedTo(
  address: string,
): Promise<Array<{ rcptTo: string[]; mail: ParsedMail; raw: string }>> {
  await email.processInbound();
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(address));
  return Promise.all(
    received.map(async (mail) => ({
      rcptTo: mail.rcptTo,
      mail: await simpleParser(mail.raw),
      raw: mail.raw.toString("latin1"),
    })),
  );
}

describe("replies by email", () => {
  it("sends an agent's public reply with the thread's headers, and records it as sent", async () => {
    const thread = await email.customerWritesIn("Printer offline");
    const comment = await agentReplies(thread.ticketNumber, { body: "We restarted the print server." });
    const [sent, ...more] = await relayedTo(thread.requester);
    expect(more).toEqual([]);
    expect(sent?.rcptTo).toEqual([thread.requester]);
    const mail = sent?.mail as ParsedMail;
    expect(mail.subject).toBe(`Re: Printer offline [#${thread.ticketNumber}]`);
    expect(mail.inReplyTo).toBe(thread.messageId);
    expect(mail.references).toEqual(thread.messageId);
    expect(mail.replyTo?.value).toEqual([{ address: `support+${thread.ticketNumber}@tend.test`, name: "" }]);
    expect(mail.from?.value).toEqual([{ address: supportAddress, name: "Tend Support" }]);
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value).toEqual([
      { address: thread.requester, name: "Pat Customer" },
    ]);
    // Rendered by the reply template: the reply, then where to follow the ticket, as text and HTML.
    const link = `${publicUrl}/portal/tickets/${thread.ticketNumber}`;
    expect(mail.text?.startsWith("We restarted the print server.\n")).toBe(true);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain("<p>We restarted the print server.</p>");
    expect(mail.html).toContain(`<a href="${link}">`);
    expect(sent?.raw).toMatch(/^Content-Type: multipart\/alternative;/m);

    const outbound = (await email.emails(thread.ticketNumber)).find((mail) => mail.direction === "outbound");
    const sentState = { state: "sent", answer: expect.stringMatching(/^250 /), sentAt: expect.any(String) };
    expect(outbound).toMatchObject({ commentId: comment.id, messageId: mail.messageId, delivery: sentState });
    const onComment = (await email.comments(thread.ticketNumber)).find((shown) => shown.id === comment.id);
    expect(onComment?.emailDelivery).toEqual(sentState);

    // The relay's answers are for the desk: the customer reading the same comment sees none.
    const ticket = await email.ticket(thread.ticketNumber);
    const { token } = await issueApiToken(email.desk.system, ticket.requester.id, {
      name: "portal",
      scopes: ["read"],
    });
    const asCustomer = await email.desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asCustomer.statusCode).toBe(200);
    const customerSees = (asCustomer.json() as CommentView[]).find((shown) => shown.id === comment.id);
    expect(customerSees).toMatchObject({ bodyText: "We restarted the print server.", emailDelivery: null });
  });

  it("carries the reply's files, and names those too large for mail with the ticket's link", async () => {
    const thread = await email.customerWritesIn("Export looks wrong");
    const agent = await email.desk.makeAgent();
    const uploadFile = async (content: Buffer, filename: string, type: string) => {
      const body = form([fileOf(content, filename, type)]);
      const response = await email.desk.app.inject({
        method: "POST",
        url: "/api/v1/uploads",
        headers: { ...agent.auth, ...body.headers },
        payload: body.payload,
      });
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { id: string }).id;
    };
    const csv = Buffer.from("id,amount\n1,19.00\n2,7.00\n");
    const big = Buffer.alloc(mailAttachmentBudgetBytes, 0x61);
    const uploadIds = [
      await uploadFile(csv, "corrected-export.csv", "text/csv"),
      await uploadFile(big, "full-dump.txt", "text/plain"),
    ];
    const response = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: agent.auth,
      payload: { body: "Here is the corrected export.", uploadIds },
    });
    expect(response.statusCode, response.body).toBe(201);

    const [sent] = await relayedTo(thread.requester);
    const mail = sent?.mail as ParsedMail;
    expect(mail.attachments.map((file) => [file.filename, file.contentType])).toEqual([
      ["corrected-export.csv", "text/csv"],
    ]);
    expect(mail.attachments[0]?.content).toEqual(csv);
    const link = `${publicUrl}/portal/tickets/${thread.ticketNumber}`;
    expect(mail.text).toContain(`Too large to attach here, on the ticket at ${link}: full-dump.txt`);
    expect(mail.html).toContain("full-dump.txt");
  });

  it("threads the customer's answer to our reply by our Message-ID alone", async () => {
    const thread = await email.customerWritesIn("Scanner jams");
    await agentReplies(thread.ticketNumber, { body: "Please send a photo of the jam." });
    const [sent] = await relayedTo(thread.requester);
    const answer = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "photo attached (different subject, no tag)",
      text: "Here it is.",
      inReplyTo: sent?.mail.messageId as string,
    });
    expect(answer).toMatchObject({
      status: "processed",
      ticketNumber: thread.ticketNumber,
      reason: "threaded by headers",
    });
  });

  it("sends nothing for internal notes", async () => {
    const thread = await email.customerWritesIn("Printer offline");
    await agentReplies(thread.ticketNumber, {
      body: "Customer is on the old firmware.",
      visibility: "internal",
    });
    expect(await relayedTo(thread.requester)).toEqual([]);
    expect((await email.emails(thread.ticketNumber)).filter((mail) => mail.direction === "outbound")).toEqual(
      [],
    );
  });

  it("sends nothing for replies on tickets that did not come by email", async () => {
    const customer = await email.desk.makeCustomer(null);
    const created = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "Asked in the portal", body: "Portal question." },
    });
    expect(created.statusCode).toBe(201);
    const { number } = created.json();
    await agentReplies(number, { body: "Answered in the portal." });
    expect(await relayedTo(customer.email)).toEqual([]);
    expect(await email.emails(number)).toEqual([]);
  });

  it("records the relay's refusal on the reply", async () => {
    const thread = await email.customerWritesIn("Printer offline");
    if (email.sink) email.sink.refuseWith = 550;
    await agentReplies(thread.ticketNumber, { body: "An answer the relay will refuse." });
    expect(await relayedTo(thread.requester)).toEqual([]);
    const [onComment] = (await email.comments(thread.ticketNumber)).filter((shown) => shown.emailDelivery);
    expect(onComment?.emailDelivery?.state).toBe("failed");
    const outbound = (await email.emails(thread.ticketNumber)).find((mail) => mail.direction === "outbound");
    expect(outbound?.delivery).toMatchObject({
      state: "failed",
      answer: expect.stringMatching(/^550 5\.7\.1/),
      sentAt: null,
    });
  });

  it("never lets a name or subject add a header", async () => {
    const victim = "victim@elsewhere.example";
    // An encoded-word name decodes to a line break followed by a Bcc header.
    const encodedName = `=?UTF-8?B?${Buffer.from(`Eve\r\nBcc: ${victim}`).toString("base64")}?=`;
    const requester = `eve-${email.desk.unique()}@attacker.example`;
    const inbound = await email.deliver({
      envelope: { from: requester, to: [supportAddress] },
      raw: [
        `From: ${encodedName} <${requester}>`,
        `To: ${supportAddress}`,
        `Subject: =?UTF-8?B?${Buffer.from(`Help\r\nBcc: ${victim}`).toString("base64")}?=`,
        `Message-ID: <inject-${email.desk.unique()}@attacker.example>`,
        "",
        "Please reply.",
        "",
      ].join("\r\n"),
    });
    await agentReplies(inbound.ticketNumber as number, { body: "Replying." });
    const [sent, ...more] = await relayedTo(requester);
    expect(more).toEqual([]);
    expect(sent?.rcptTo).toEqual([requester]);
    expect(email.sink?.received.some((mail) => mail.rcptTo.includes(victim))).toBe(false);
    expect(sent?.raw).not.toMatch(/^bcc:/im);
    expect(sent?.mail.headers.has("bcc")).toBe(false);
    expect(sent?.mail.subject).toBe(`Re: Help Bcc: ${victim} [#${inbound.ticketNumber}]`);
  });
});
