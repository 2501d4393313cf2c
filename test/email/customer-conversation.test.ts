import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { supportRecipient } from "../../src/modules/email/email-addresses.js";
import { type ImapMailboxSettings, pollImapMailbox } from "../../src/modules/email/poll-imap-mailbox.js";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import type { TicketView } from "../../src/modules/tickets/ticket-presenter.js";
import { type Dovecot, dovecotBinary, startDovecot } from "./dovecot.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * The "done when", end to end with real parts: a customer writes to the support address,
 * gets the acknowledgement, receives the agent's reply threaded under their own message, answers it
 * from a real mail client (nodemailer) with the headers that reply carries, and the answer lands on
 * the same ticket; a colleague on Cc answers instead and lands there too, as a follower. Once over
 * Tend's SMTP listener with outbound to a real SMTP sink, once over IMAP: Tend polls a real Dovecot
 * mailbox and the customer reads Tend's mail out of their own Dovecot mailbox with imapflow.
 *
 * The desk's clock stands at 01:00 in Los Angeles, when the default support calendar is closed, so
 * every new ticket is acknowledged by mail.
 */
const email = useEmailDesk({ relaySink: true });

beforeAll(async () => {
  await installDefaultPolicies(email.desk.system);
  await installHealthDefaults(email.desk.system);
});

/** What the customer's client shows of a mail: parsed, as it arrived. */
type Received = ParsedMail;

/** A reply as a mail client writes it: to the Reply-To, "Re:" subject, In-Reply-To and References. */
function answerTo(mail: Received, from: string, text: string, cc: string[] = []): Mail.Options {
  const replyTo = mail.replyTo?.value[0]?.address;
  if (!replyTo || !mail.messageId) throw new Error("the mail to answer has no Reply-To or Message-ID");
  const references = typeof mail.references === "string" ? [mail.references] : (mail.references ?? []);
  return {
    from,
    to: replyTo,
    ...(cc.length > 0 ? { cc } : {}),
    subject: `Re: ${mail.subject}`,
    text: `${text}\n\nOn Monday, Tend Support wrote:\n> ${mail.text?.split("\n")[0] ?? ""}`,
    inReplyTo: mail.messageId,
    references: [...references, mail.messageId],
    messageId: `<answer-${email.desk.unique()}@${from.slice(from.indexOf("@") + 1)}>`,
  };
}

const referencesOf = (mail: Received) =>
  typeof mail.references === "string" ? [mail.references] : (mail.references ?? []);

/** Works the queue as a worker would, twice: processing a new ticket's mail queues its acknowledgement. */
async function workQueue(): Promise<void> {
  await email.processInbound();
  await email.processInbound();
}

async function followersOf(ticketNumber: number): Promise<string[]> {
  return (await email.followers(ticketNumber)).map((follower) => follower.person.email);
}

/**
 * Checks that `mail` is Tend's mail on the ticket, answering the customer's own message and
 * threaded under every mail before it, so the customer's client shows it in their conversation.
 */
function expectThreaded(
  mail: Received,
  ticket: TicketView,
  customerMessageId: string,
  under: string[],
): void {
  expect(mail.subject).toBe(`Re: ${ticket.subject} [#${ticket.number}]`);
  expect(mail.inReplyTo).toBe(customerMessageId);
  expect(referencesOf(mail)).toEqual(under);
  expect(mail.replyTo?.value[0]?.address).toBe(`support+${ticket.number}@tend.test`);
}

describe("a customer's conversation over Tend's SMTP listener, replies through an SMTP relay", () => {
  /** The mails the relay took for this address since the last look, oldest first, parsed. */
  let seen = 0;
  async function inboxOf(address: string): Promise<Received[]> {
    await workQueue();
    const received = email.sink?.received ?? [];
    const fresh = received.slice(seen);
    seen = received.length;
    return Promise.all(
      fresh.filter((mail) => mail.rcptTo.includes(address)).map((mail) => simpleParser(mail.raw)),
    );
  }

  it("writes in, is acknowledged, gets the agent's reply threaded, answers it, and a colleague answers too", async () => {
    const organization = await email.desk.makeOrganization();
    const customer = `pat-${email.desk.unique()}@${organization.domain}`;
    const colleague = `casey-${email.desk.unique()}@${organization.domain}`;
    const question = `<question-${email.desk.unique()}@${organization.domain}>`;

    // 1. The customer writes to the support address, their colleague on Cc.
    const sent = await email.send({
      from: `Pat Customer <${customer}>`,
      to: supportAddress,
      cc: `Casey Colleague <${colleague}>`,
      subject: "Nightly export fails",
      text: "Every nightly export since Monday failed with a timeout.",
      messageId: question,
    });
    expect(sent.response).toMatch(/^250 /);
    const [acknowledgement, ...moreAcks] = await inboxOf(customer);
    expect(moreAcks).toEqual([]);
    const ticketNumber = Number(/\[#(\d+)\]/.exec(acknowledgement?.subject ?? "")?.[1]);
    const ticket = await email.ticket(ticketNumber);
    expect(ticket).toMatchObject({ subject: "Nightly export fails", status: "new", channel: "email" });
    expect(ticket.requester.email).toBe(customer);
    expect(await followersOf(ticketNumber)).toEqual([colleague]);

    // 2. The acknowledgement, threaded under the customer's message, with the colleague on Cc.
    const ack = acknowledgement as Received;
    expect(ack.text).toContain(`opened ticket #${ticketNumber}`);
    expect(ack.cc && !Array.isArray(ack.cc) ? ack.cc.value.map((entry) => entry.address) : ack.cc).toEqual([
      colleague,
    ]);
    expectThreaded(ack, ticket, question, [question]);

    // 3. The agent's reply reaches the customer (and the colleague on Cc), under both mails.
    await email.agentComments(ticketNumber, {
      body: "We raised the export timeout. Please tell us whether tonight's run works.",
      status: "pending",
    });
    const [reply, ...moreReplies] = await inboxOf(customer);
    expect(moreReplies).toEqual([]);
    // One mail for both, so both clients thread it the same and reply-all keeps everyone.
    expect(email.sink?.received.at(-1)?.rcptTo.sort()).toEqual([colleague, customer].sort());
    const agentReply = reply as Received;
    expectThreaded(agentReply, ticket, question, [question, ack.messageId as string]);
    expect(agentReply.text).toContain("We raised the export timeout.");
    expect(agentReply.cc && !Array.isArray(agentReply.cc) && agentReply.cc.value[0]?.address).toBe(colleague);
    expect((await email.ticket(ticketNumber)).status).toBe("pending");

    // 4. The customer answers from their mail client; it lands on the same ticket and reopens it.
    const ticketsBefore = await email.ticketCount();
    const answer = await email.deliver(answerTo(agentReply, customer, "Tonight's run worked, thanks!"));
    expect(answer).toMatchObject({ status: "processed", ticketNumber, reason: "threaded by headers" });
    const afterAnswer = await email.ticket(ticketNumber);
    expect(afterAnswer.status).toBe("open");
    const comments = await email.comments(ticketNumber);
    expect(comments.at(-1)).toMatchObject({
      bodyText: "Tonight's run worked, thanks!",
      author: { name: "Pat Customer", role: "customer" },
      channel: "email",
    });

    // 5. The agent solves it; the colleague answers the reply they got on Cc instead of Pat.
    await email.agentComments(ticketNumber, { body: "Glad it works. Solving this now.", status: "solved" });
    await inboxOf(customer);
    const colleagueAnswer = await email.deliver(
      answerTo(agentReply, colleague, "One more: the weekly export fails too.", [customer]),
    );
    expect(colleagueAnswer).toMatchObject({ status: "processed", ticketNumber });
    expect((await email.ticket(ticketNumber)).status).toBe("open");
    expect((await email.comments(ticketNumber)).at(-1)).toMatchObject({
      bodyText: "One more: the weekly export fails too.",
      author: { name: "Casey Colleague", role: "customer" },
    });
    expect(await followersOf(ticketNumber)).toEqual([colleague]);
    expect(await email.ticketCount()).toBe(ticketsBefore);
  });
});

if (!dovecotBinary)
  console.warn(
    "test/email/customer-conversation.test.ts IMAP half skipped: no dovecot binary (apt-get install dovecot-imapd)",
  );

describe.skipIf(!dovecotBinary)("a customer's conversation over IMAP (a real Dovecot on both sides)", () => {
  let dovecot: Dovecot;
  const supportMailbox = "Support";
  const customerMailbox = "Customer";

  beforeAll(async () => {
    dovecot = await startDovecot(dovecotBinary as string);
    const client = await dovecot.client();
    await client.mailboxCreate(supportMailbox);
    await client.mailboxCreate(customerMailbox);
    await client.logout();
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  const imapSettings = (): ImapMailboxSettings => ({
    host: "127.0.0.1",
    port: dovecot.port,
    secure: false,
    user: dovecot.user,
    password: dovecot.password,
    mailbox: supportMailbox,
    processedMailbox: null,
    maxMessageBytes: 256 * 1024,
  });

  /**
   * The test's SMTP sink plays the mail exchanger for everyone: what it took since the last run is
   * delivered (APPEND) into the support mailbox Tend polls, or into the customers' mailbox.
   */
  let routed = 0;
  async function exchangeMail(): Promise<void> {
    const received = email.sink?.received ?? [];
    const client = await dovecot.client();
    try {
      for (const mail of received.slice(routed)) {
        const toSupport = mail.rcptTo.some((rcpt) => supportRecipient(rcpt, [supportAddress]));
        const toCustomers = mail.rcptTo.some((rcpt) => !supportRecipient(rcpt, [supportAddress]));
        if (toSupport) await client.append(supportMailbox, mail.raw);
        if (toCustomers) await client.append(customerMailbox, mail.raw);
      }
      routed = received.length;
    } finally {
      await client.logout();
    }
  }

  /** The customer's real client: submits to the exchanger over SMTP. */
  async function customerSends(message: Mail.Options): Promise<void> {
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: email.sink?.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail(message);
    } finally {
      transport.close();
    }
  }

  /** Mail moves, Tend polls its mailbox and works its queue, Tend's mail moves to the customer. */
  async function mailFlows(): Promise<void> {
    await exchangeMail();
    const polled = await pollImapMailbox(email.desk.system, imapSettings());
    expect(polled.polled).toBe(true);
    await workQueue();
    await exchangeMail();
  }

  /** Tend's mail to one person, as their client reads it from their mailbox over IMAP (imapflow). */
  async function customerInbox(address: string): Promise<Received[]> {
    const client = await dovecot.client();
    const lock = await client.getMailboxLock(customerMailbox);
    try {
      const mails: Received[] = [];
      for await (const message of client.fetch("1:*", { source: true }, { uid: true })) {
        const mail = await simpleParser(message.source as Buffer);
        const recipients = [mail.to, mail.cc]
          .flatMap((field) => (field === undefined ? [] : Array.isArray(field) ? field : [field]))
          .flatMap((group) => group.value.map((entry) => entry.address));
        const fromTend = mail.from?.value[0]?.address === supportAddress;
        if (fromTend && recipients.includes(address)) mails.push(mail);
      }
      return mails;
    } finally {
      lock.release();
      await client.logout();
    }
  }

  it("writes in, is acknowledged, reads the agent's reply from a real mailbox, answers it, and a colleague answers too", async () => {
    const organization = await email.desk.makeOrganization();
    const customer = `robin-${email.desk.unique()}@${organization.domain}`;
    const colleague = `sam-${email.desk.unique()}@${organization.domain}`;
    const question = `<imap-question-${email.desk.unique()}@${organization.domain}>`;

    await customerSends({
      from: `Robin Customer <${customer}>`,
      to: supportAddress,
      cc: `Sam Colleague <${colleague}>`,
      subject: "Dashboard shows yesterday's numbers",
      text: "Since this morning the dashboard shows yesterday's numbers.",
      messageId: question,
    });
    await mailFlows();
    const [ack, ...moreAcks] = await customerInbox(customer);
    expect(moreAcks).toEqual([]);
    const ticketNumber = Number(/\[#(\d+)\]/.exec(ack?.subject ?? "")?.[1]);
    const ticket = await email.ticket(ticketNumber);
    expect(ticket).toMatchObject({ subject: "Dashboard shows yesterday's numbers", status: "new" });
    expect(ticket.requester.email).toBe(customer);
    expectThreaded(ack as Received, ticket, question, [question]);
    expect(await followersOf(ticketNumber)).toEqual([colleague]);

    await email.agentComments(ticketNumber, {
      body: "The cache is refreshed. Does the dashboard show today's numbers now?",
      status: "pending",
    });
    await mailFlows();
    const [, reply, ...more] = await customerInbox(customer);
    expect(more).toEqual([]);
    const agentReply = reply as Received;
    expectThreaded(agentReply, ticket, question, [question, ack?.messageId as string]);
    expect(agentReply.text).toContain("The cache is refreshed.");
    // The colleague got the same mails, on Cc: one message in the mailbox for both.
    expect((await customerInbox(colleague)).map((mail) => mail.messageId)).toEqual([
      ack?.messageId,
      agentReply.messageId,
    ]);

    await customerSends(answerTo(agentReply, customer, "Yes, today's numbers. Thank you!"));
    await mailFlows();
    expect((await email.ticket(ticketNumber)).status).toBe("open");
    expect((await email.comments(ticketNumber)).at(-1)).toMatchObject({
      bodyText: "Yes, today's numbers. Thank you!",
      author: { name: "Robin Customer", role: "customer" },
      channel: "email",
    });

    await customerSends(answerTo(agentReply, colleague, "Mine shows today's numbers too.", [customer]));
    await mailFlows();
    expect((await email.comments(ticketNumber)).at(-1)).toMatchObject({
      bodyText: "Mine shows today's numbers too.",
      author: { name: "Sam Colleague", role: "customer" },
    });
    expect(await followersOf(ticketNumber)).toEqual([colleague]);
    // Nothing of this conversation made a second ticket.
    const subjects = await email.desk.database.db
      .selectFrom("tickets")
      .select("subject")
      .where("subject", "like", "%Dashboard shows yesterday%")
      .execute();
    expect(subjects).toHaveLength(1);
  });
});
