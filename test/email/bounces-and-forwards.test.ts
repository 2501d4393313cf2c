import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { TicketEmailView } from "../../src/modules/email/email-presenter.js";
import type { TicketEventView } from "../../src/modules/tickets/ticket-presenter.js";
import { rawSmtpDialogue, supportAddress, useEmailDesk } from "./email-desk.js";

const email = useEmailDesk({ relaySink: true });

async function staffGet<T>(url: string): Promise<T> {
  const response = await email.desk.app.inject({ url, headers: email.admin.auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as T;
}

/** A customer writes in and an agent's reply goes out through the relay; returns its Message-ID. */
async function sentReply() {
  const organization = await email.desk.makeOrganization();
  const requester = `robin-${email.desk.unique()}@${organization.domain}`;
  const inbound = await email.deliver({
    from: requester,
    to: supportAddress,
    subject: "Login loop",
    text: "Loops.",
  });
  const number = inbound.ticketNumber as number;
  const agent = await email.desk.makeAgent();
  const reply = await email.desk.app.inject({
    method: "POST",
    url: `/api/v1/tickets/${number}/comments`,
    headers: agent.auth,
    payload: { body: "Please clear your cookies." },
  });
  expect(reply.statusCode).toBe(201);
  await email.processInbound();
  const relayed = email.sink?.received.find((mail) => mail.rcptTo.includes(requester));
  const messageId = (await simpleParser(relayed?.raw ?? Buffer.alloc(0))).messageId;
  if (!messageId) throw new Error("the reply was not relayed");
  return { number, requester, messageId };
}

/** Sends a report with the null sender `<>`, as every MTA sends bounces. */
async function bounce(raw: string) {
  const replies = await rawSmtpDialogue(email.listener.port, [
    "EHLO mx.customer.example\r\n",
    "MAIL FROM:<>\r\n",
    `RCPT TO:<${supportAddress}>\r\n`,
    "DATA\r\n",
    `${raw.replace(/\n/g, "\r\n")}\r\n.\r\n`,
  ]);
  expect(replies.at(-1)).toMatch(/^250/);
  await email.processInbound();
}

function deliveryStatusNotification(recipient: string, originalPart: string, originalType: string) {
  return `From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>
To: ${supportAddress}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-${email.desk.unique()}@mx.customer.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="report"

--report
Content-Type: text/plain

Your message could not be delivered.

--report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; ${recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown

--report
Content-Type: ${originalType}

${originalPart}
--report--`;
}

describe("bounces of our mail", () => {
  it.each([
    [
      "message/rfc822",
      (id: string, to: string) =>
        `From: ${supportAddress}\nTo: ${to}\nMessage-ID: ${id}\nSubject: Re: Login loop\n\nPlease clear your cookies.`,
    ],
    [
      "text/rfc822-headers",
      (id: string, to: string) =>
        `From: ${supportAddress}\nTo: ${to}\nMessage-ID: ${id}\nSubject: Re: Login loop\n`,
    ],
  ])(
    "mark the delivery failed from a %s original, note it on the ticket, and open no ticket",
    async (type, original) => {
      const { number, requester, messageId } = await sentReply();
      const tickets = await email.ticketCount();
      await bounce(deliveryStatusNotification(requester, original(messageId, requester), type));
      expect(await email.ticketCount()).toBe(tickets);

      const mails = await staffGet<TicketEmailView[]>(`/api/v1/tickets/${number}/emails`);
      const outbound = mails.find((mail) => mail.direction === "outbound");
      expect(outbound?.delivery).toMatchObject({
        state: "failed",
        answer: expect.stringContaining("status 5.1.1, 550 5.1.1"),
      });
      const events = await staffGet<TicketEventView[]>(`/api/v1/tickets/${number}/events`);
      expect(events).toContainEqual(
        expect.objectContaining({
          kind: "email_bounced",
          to: requester,
          reason: expect.stringContaining("User unknown"),
        }),
      );
    },
  );

  it("leaves an outbound mail it does not name alone", async () => {
    const { number, requester } = await sentReply();
    await bounce(
      deliveryStatusNotification(
        requester,
        `Message-ID: <someone-else@elsewhere.example>\n`,
        "text/rfc822-headers",
      ),
    );
    const mails = await staffGet<TicketEmailView[]>(`/api/v1/tickets/${number}/emails`);
    expect(mails.find((mail) => mail.direction === "outbound")?.delivery?.state).toBe("sent");
  });
});

describe("mail an agent forwards into the support address", () => {
  it("makes the original sender the requester of an inline (Gmail-style) forward and notes the agent", async () => {
    const agent = await email.desk.makeAgent();
    const organization = await email.desk.makeOrganization();
    const customer = `jordan-${email.desk.unique()}@${organization.domain}`;
    const result = await email.deliver({
      from: agent.email,
      to: supportAddress,
      subject: "Fwd: Reports are empty",
      text: `Can someone take this one?\n\n---------- Forwarded message ---------\nFrom: Jordan Lee <${customer}>\nDate: Mon, Nov 23, 2026 at 9:00 AM\nSubject: Reports are empty\nTo: ${agent.email}\n\nEvery report shows zero rows since Friday.\n`,
    });
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket).toMatchObject({
      subject: "Reports are empty",
      requester: { email: customer, name: "Jordan Lee" },
      organization: { id: organization.id },
    });
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toBe("Every report shows zero rows since Friday.");
    const events = await staffGet<TicketEventView[]>(`/api/v1/tickets/${ticket.number}/events`);
    expect(events).toContainEqual(
      expect.objectContaining({
        kind: "email_forwarded",
        actor: { id: agent.id, name: agent.name },
        to: customer,
      }),
    );
  });

  it("reads a German Outlook forward (underscores, Von/Gesendet/An/Betreff) sent as text and HTML", async () => {
    const agent = await email.desk.makeAgent();
    const organization = await email.desk.makeOrganization();
    const customer = `juergen-${email.desk.unique()}@${organization.domain}`;
    const result = await email.deliver({
      from: agent.email,
      to: supportAddress,
      subject: "WG: Drucker im 3. Stock",
      text: `Bitte übernehmen.\r\n\r\n________________________________\r\nVon: Müller, Jürgen <${customer}>\r\nGesendet: Montag, 23. November 2026 09:14\r\nAn: ${agent.email}\r\nBetreff: Drucker im 3. Stock\r\n\r\nDer Drucker zeigt „Offline“ seit heute früh.\r\n`,
      html: `<div>Bitte übernehmen.</div><div id="divRplyFwdMsg"><hr><b>Von:</b> Müller, Jürgen &lt;${customer}&gt;<br><b>Betreff:</b> Drucker im 3. Stock</div><div>Der Drucker zeigt „Offline“ seit heute früh.</div>`,
    });
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket).toMatchObject({
      subject: "Drucker im 3. Stock",
      requester: { email: customer, name: "Müller, Jürgen" },
      organization: { id: organization.id },
    });
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toBe("Der Drucker zeigt „Offline“ seit heute früh.");
  });

  it("reads a forward sent as an attached message/rfc822 (Outlook, Apple Mail 'forward as attachment')", async () => {
    const agent = await email.desk.makeAgent();
    const customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    const result = await email.deliver({
      from: agent.email,
      to: supportAddress,
      subject: "FW: Billing question",
      text: "See the attached mail.",
      attachments: [
        {
          filename: "Billing question.eml",
          contentType: "message/rfc822",
          content: `From: ${customer.name} <${customer.email}>\r\nTo: ${agent.email}\r\nSubject: Billing question\r\nMessage-ID: <billing-${email.desk.unique()}@mail.example>\r\n\r\nWhy was I charged twice?\r\n`,
        },
      ],
    });
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket).toMatchObject({ subject: "Billing question", requester: { id: customer.id } });
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toBe("Why was I charged twice?");
  });

  it("keeps a customer who forwards someone's mail as the requester of their own ticket", async () => {
    const customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    const result = await email.deliver({
      from: customer.email,
      to: supportAddress,
      subject: "Fwd: Your invoice",
      text: "Is this real?\n\n---------- Forwarded message ---------\nFrom: Billing <billing@phish.example>\nSubject: Your invoice\n\nPay now.\n",
    });
    expect((await email.ticket(result.ticketNumber as number)).requester.id).toBe(customer.id);
  });
});
