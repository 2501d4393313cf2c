import { readFileSync } from "node:fs";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/database.js";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import { startSmtpListener } from "../../src/modules/email/inbound-smtp-listener.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { createTestDatabase } from "../support/test-database.js";
import { rawSmtpDialogue, supportAddress, useEmailDesk } from "./email-desk.js";

const maxMessageBytes = 64 * 1024;
const email = useEmailDesk({ maxMessageBytes });

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const envelopeFrom = (from: string) => ({ from, to: [supportAddress] });

async function deliverFixture(name: string, from = "sender@fixtures.example") {
  return email.deliver({ envelope: envelopeFrom(from), raw: fixture(name) });
}

describe("the SMTP listener", () => {
  it("turns a message to the support address into a ticket from a new customer of the sender's organization", async () => {
    const organization = await email.desk.makeOrganization();
    const sender = `dana@${organization.domain}`;
    const result = await email.deliver({
      from: `Dana Customer <${sender}>`,
      to: supportAddress,
      subject: "Cannot export invoices",
      text: "The export button does nothing.",
    });
    expect(result).toMatchObject({ status: "processed", mailFrom: sender, rcptTo: [supportAddress] });
    expect(result.ticketNumber).toEqual(expect.any(Number));
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket).toMatchObject({
      subject: "Cannot export invoices",
      channel: "email",
      status: "new",
      requester: { email: sender, name: "Dana Customer" },
      organization: { id: organization.id },
    });
    const [description] = await email.comments(ticket.number);
    expect(description).toMatchObject({ bodyText: "The export button does nothing.", visibility: "public" });
  });

  it("answers 550 for any other recipient", async () => {
    await expect(
      email.send({ from: "x@outside.example", to: "sales@tend.test", subject: "Hi", text: "Hello" }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/^550 5\.1\.1/) });
  });

  it("refuses a message over the size limit with 552 when the client announces its SIZE", async () => {
    const before = await email.ticketCount();
    await expect(
      email.send({
        from: "big@outside.example",
        to: supportAddress,
        subject: "Big",
        text: "x".repeat(maxMessageBytes + 1000),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    await email.processInbound();
    expect(await email.ticketCount()).toBe(before);
  });

  it("refuses a message over the size limit with 552 after DATA when the client did not announce it", async () => {
    const line = `${"y".repeat(998)}\r\n`;
    const body = line.repeat(Math.ceil((maxMessageBytes * 2) / line.length));
    const replies = await rawSmtpDialogue(email.listener.port, [
      "EHLO client.example\r\n",
      "MAIL FROM:<big@outside.example>\r\n",
      `RCPT TO:<${supportAddress}>\r\n`,
      "DATA\r\n",
      `From: big@outside.example\r\nTo: ${supportAddress}\r\nSubject: big\r\n\r\n${body}.\r\n`,
      "QUIT\r\n",
    ]);
    expect(replies.slice(1, 5).map((reply) => reply.slice(0, 3))).toEqual(["250", "250", "250", "354"]);
    expect(replies[5]).toMatch(/^552 /);
    const stored = await email.desk.database.db
      .selectFrom("raw_emails")
      .select("id")
      .where("mail_from", "=", "big@outside.example")
      .execute();
    expect(stored).toEqual([]);
  });

  it("takes 50 recipients of a 10,000-recipient envelope, answers 452 to the rest, and stores the message once", async () => {
    const sender = `crowd-${email.desk.unique()}@outside.example`;
    const recipients = Array.from({ length: 10_000 }, (_, index) =>
      index === 0 ? supportAddress : supportAddress.replace("@", `+${index}@`),
    );
    const replies = await rawSmtpDialogue(email.listener.port, [
      "EHLO client.example\r\n",
      `MAIL FROM:<${sender}>\r\n`,
      ...recipients.map((recipient) => `RCPT TO:<${recipient}>\r\n`),
      "DATA\r\n",
      `From: ${sender}\r\nTo: ${supportAddress}\r\nSubject: Everyone\r\nMessage-ID: <crowd-${email.desk.unique()}@outside.example>\r\n\r\nHello all.\r\n.\r\n`,
      "QUIT\r\n",
    ]);
    const recipientReplies = replies.slice(3, 3 + recipients.length).map((reply) => reply.slice(0, 3));
    expect(recipientReplies.slice(0, 50).every((code) => code === "250")).toBe(true);
    expect(recipientReplies.slice(50).every((code) => code === "452")).toBe(true);
    expect(replies.at(-3)).toMatch(/^354 /);
    expect(replies.at(-2)).toMatch(/^250 /);
    const stored = await email.desk.database.db
      .selectFrom("raw_emails")
      .select("rcpt_to")
      .where("mail_from", "=", sender)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.parse(String(stored[0]?.rcpt_to))).toHaveLength(50);
    const before = await email.ticketCount();
    await email.processInbound();
    expect(await email.ticketCount()).toBe(before + 1);
  });

  it("answers 451 when the message cannot be stored, so the sender retries", async () => {
    const broken = await createTestDatabase();
    await broken.drop();
    const listener = await startSmtpListener(
      { ...email.desk.as(systemActor("inbound email"), "email"), db: broken.db },
      { host: "127.0.0.1", port: 0, supportAddresses: [supportAddress], maxMessageBytes },
    );
    try {
      const replies = await rawSmtpDialogue(listener.port, [
        "HELO client.example\r\n",
        "MAIL FROM:<someone@outside.example>\r\n",
        `RCPT TO:<${supportAddress}>\r\n`,
        "DATA\r\n",
        `From: someone@outside.example\r\nSubject: hi\r\n\r\nhello\r\n.\r\n`,
      ]);
      expect(replies.at(-1)).toMatch(/^451 4\.3\.0/);
    } finally {
      await listener.close();
    }
  });

  it("stores the same message delivered twice once, and makes one ticket of it", async () => {
    const before = await email.ticketCount();
    const message = {
      from: "twice@outside.example",
      to: supportAddress,
      subject: "Sent twice",
      text: "Our MTA retried after a timeout.",
      messageId: "<twice-1@outside.example>",
      date: new Date("2026-11-23T09:00:00Z"),
    };
    const first = await email.send(message);
    const second = await email.send(message);
    expect(first.rawEmailId).not.toBeNull();
    expect(second).toEqual({ response: expect.stringMatching(/^250 /), rawEmailId: null });
    await email.processInbound();
    expect(await email.ticketCount()).toBe(before + 1);
  });

  it("adds nothing for a known Message-ID arriving with different bytes", async () => {
    const message = {
      from: "relayed@outside.example",
      to: supportAddress,
      subject: "Relayed twice",
      text: "Two relays, two sets of headers.",
      messageId: "<relayed-1@outside.example>",
    };
    const first = await email.deliver(message);
    const before = await email.ticketCount();
    const second = await email.deliver({ ...message, headers: { Received: "from relay2.example" } });
    expect(second).toMatchObject({
      status: "ignored",
      reason: `duplicate of <relayed-1@outside.example>, already on ticket #${first.ticketNumber}`,
    });
    expect(await email.ticketCount()).toBe(before);
  });

  it("makes one ticket when two workers race on two copies of one Message-ID", async () => {
    const copy = (relay: string) =>
      email.send({
        from: "race@outside.example",
        to: supportAddress,
        subject: "Raced",
        text: "Two relays delivered me at once.",
        messageId: "<race-1@outside.example>",
        headers: { Received: `from ${relay}` },
      });
    const copies = [await copy("relay1.example"), await copy("relay2.example")];
    const before = await email.ticketCount();
    // A second worker on its own connection, as another process would run it.
    const other = openDatabase(email.desk.database.target);
    try {
      const runner = (db: Db) =>
        // One job per claim, so each worker takes one copy.
        registerJobs(
          new JobRunner({ ...email.desk.system, db, logger: pino({ level: "silent" }) }, { batchSize: 1 }),
          {
            email: {
              supportAddresses: [supportAddress],
              relayUrl: null,
              mailFrom: supportAddress,
              publicUrl: "https://help.tend.test",
            },
          },
        );
      await Promise.allSettled([runner(email.desk.database.db).runDueJobs(), runner(other.db).runDueJobs()]);
      // The loser's job retries after its backoff and finds the message already on a ticket.
      email.desk.clock.advance(60_000);
      await email.processInbound();
    } finally {
      await other.destroy();
    }
    expect(await email.ticketCount()).toBe(before + 1);
    const outcomes = await Promise.all(copies.map((copy) => email.inbound(copy.rawEmailId as string)));
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["ignored", "processed"]);
  });

  it.each([
    ["out-of-office.eml", /Auto-Submitted: auto-replied/],
    ["bounce-dsn.eml", /mail system|bounce/],
    ["newsletter-bulk.eml", /Precedence: bulk/],
  ])("records %s as ignored with the reason and opens no ticket", async (name, reason) => {
    const before = await email.ticketCount();
    const result = await deliverFixture(name);
    expect(result).toMatchObject({ status: "ignored", reason: expect.stringMatching(reason) });
    expect(await email.ticketCount()).toBe(before);
  });

  it("ignores a message sent with the null sender <>, however personal its From looks", async () => {
    const before = await email.ticketCount();
    const replies = await rawSmtpDialogue(email.listener.port, [
      "EHLO mx.outside.example\r\n",
      "MAIL FROM:<>\r\n",
      `RCPT TO:<${supportAddress}>\r\n`,
      "DATA\r\n",
      `From: Kim <kim@outside.example>\r\nTo: ${supportAddress}\r\nSubject: Your message\r\n\r\nReceipt.\r\n.\r\n`,
    ]);
    const rawEmailId = /Queued as (\S+)/.exec(replies.at(-1) ?? "")?.[1];
    expect(rawEmailId).toBeDefined();
    await email.processInbound();
    expect(await email.inbound(rawEmailId as string)).toMatchObject({
      status: "ignored",
      mailFrom: null,
      reason: expect.stringMatching(/null sender/),
    });
    expect(await email.ticketCount()).toBe(before);
  });

  it("ignores mail from our own support address", async () => {
    const before = await email.ticketCount();
    const result = await email.deliver({
      from: supportAddress,
      to: supportAddress,
      subject: "Loop",
      text: "x",
    });
    expect(result).toMatchObject({ status: "ignored", reason: expect.stringMatching(/own support address/) });
    expect(await email.ticketCount()).toBe(before);
  });

  it("decodes ISO-8859-1 quoted-printable text", async () => {
    const result = await deliverFixture("thunderbird-iso-8859-1.eml");
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket.subject).toBe("Problème de facturation");
    expect(ticket.requester.name).toBe("Renée Müller");
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toContain("la facture n° 42 est erronée");
    expect(description?.bodyText).toContain("Grüße aus Köln");
  });

  it("decodes a Shift_JIS base64 body", async () => {
    const result = await deliverFixture("iphone-shift-jis.eml");
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket.subject).toBe("ログインできません");
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toBe("ログインできません。パスワードを再設定しても同じです。");
  });

  it("turns an HTML-only windows-1252 message into text and keeps only sanitized HTML", async () => {
    const result = await deliverFixture("outlook-html-only-windows-1252.eml");
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket.subject).toBe("Dashboard shows “Error 500”");
    const [description] = await email.comments(ticket.number);
    expect(description?.bodyText).toContain("The dashboard says “Error 500” since 09:00 – please help.");
    expect(description?.bodyText).not.toMatch(/alert|document\.cookie|steal/);
    const stored = await email.desk.database.db
      .selectFrom("email_messages")
      .select("body_html")
      .where("message_id", "=", "<DB9PR01MB-outlook@mail.example>")
      .executeTakeFirstOrThrow();
    expect(stored.body_html).toContain("Error 500");
    for (const unsafe of [
      "<script",
      "onload",
      "onclick",
      "javascript:",
      "<img",
      "tracker.example",
      "<style",
    ]) {
      expect(stored.body_html).not.toContain(unsafe);
    }
  });

  it("shows the new reply without quoted history and signature, and keeps the whole text", async () => {
    const result = await deliverFixture("gmail-multipart-alternative.eml");
    const [description] = await email.comments(result.ticketNumber as number);
    expect(description?.bodyText).toBe("The VPN drops every hour on the hour.\n\nThanks,\nPriya");
    const stored = await email.desk.database.db
      .selectFrom("email_messages")
      .select("body_text")
      .where("message_id", "=", "<CAF=gmail-alt-1@mail.gmail.com>")
      .executeTakeFirstOrThrow();
    expect(stored.body_text).toContain("> Please contact the vendor's support.");
    expect(stored.body_text).toContain("Network lead");
    // One click away for an agent: the ticket's mail carries the whole text.
    const agent = await email.desk.makeAgent();
    const mails = await email.desk.app.inject({
      url: `/api/v1/tickets/${result.ticketNumber}/emails`,
      headers: agent.auth,
    });
    expect(mails.statusCode).toBe(200);
    const [original] = mails.json() as Array<{ commentId: string; bodyText: string }>;
    expect(original?.commentId).toBe(description?.id);
    expect(original?.bodyText).toContain("> Please contact the vendor's support.");
  });
});

describe("messages Tend cannot read", () => {
  it.each([
    ["malformed-no-from.eml", "the message has no From address"],
    ["binary-junk.eml", "the message has no From address"],
  ])(
    "stores %s as failed with the reason, lists it for admins, and processes it again on request",
    async (name, reason) => {
      const before = await email.ticketCount();
      const result = await deliverFixture(name);
      expect(result).toMatchObject({ status: "failed", reason, ticketNumber: null });
      expect(await email.ticketCount()).toBe(before);

      const listed = await email.desk.app.inject({
        method: "GET",
        url: "/api/v1/email/inbound?status=failed",
        headers: email.admin.auth,
      });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(result.id);

      const again = await email.desk.app.inject({
        method: "POST",
        url: `/api/v1/email/inbound/${result.id}/reprocess`,
        headers: email.admin.auth,
      });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ status: "received", reason: null });
      await email.processInbound();
      expect(await email.inbound(result.id)).toMatchObject({ status: "failed", reason });
    },
  );

  it("lists and reprocesses for admins only", async () => {
    const agent = await email.desk.makeAgent();
    const customer = await email.desk.makeCustomer(null);
    for (const person of [agent, customer]) {
      const list = await email.desk.app.inject({
        method: "GET",
        url: "/api/v1/email/inbound",
        headers: person.auth,
      });
      expect(list.statusCode).toBe(403);
    }
    const processed = await email.deliver({
      from: "fine@outside.example",
      to: supportAddress,
      subject: "ok",
      text: "ok",
    });
    const refused = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/email/inbound/${processed.id}/reprocess`,
      headers: agent.auth,
    });
    expect(refused.statusCode).toBe(403);
    const notFailed = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/email/inbound/${processed.id}/reprocess`,
      headers: email.admin.auth,
    });
    expect(notFailed.statusCode).toBe(409);
  });
});
