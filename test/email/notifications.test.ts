import { type ParsedMail, simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { publicUrl, supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * The closed-hours acknowledgement by email, over real SMTP: the desk's clock starts at 01:00 in
 * Los Angeles, when the default support calendar is closed, so every new ticket is acknowledged.
 */
const email = useEmailDesk({ relaySink: true });

beforeAll(async () => {
  await installDefaultPolicies(email.desk.system);
  await installHealthDefaults(email.desk.system);
});

const hostileSubject = "<img src=x onerror=alert(1)>";

async function relayedTo(address: string): Promise<Array<{ mail: ParsedMail; raw: string }>> {
  await email.processInbound();
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(address));
  return Promise.all(
    received.map(async (mail) => ({ mail: await simpleParser(mail.raw), raw: mail.raw.toString("latin1") })),
  );
}

describe("the acknowledgement by email", () => {
  it("reaches the requester in their thread, as text and HTML with the ticket's link", async () => {
    const thread = await email.customerWritesIn("Printer offline");
    const [sent, ...more] = await relayedTo(thread.requester);
    expect(more).toEqual([]);
    const mail = sent?.mail as ParsedMail;
    expect(sent?.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mail.subject).toBe(`Re: Printer offline [#${thread.ticketNumber}]`);
    expect(mail.inReplyTo).toBe(thread.messageId);
    expect(mail.references).toEqual(thread.messageId);
    expect(mail.replyTo?.value).toEqual([{ address: `support+${thread.ticketNumber}@tend.test`, name: "" }]);
    const link = `${publicUrl}/portal/tickets/${thread.ticketNumber}`;
    expect(mail.text).toContain("away right now");
    expect(mail.text).toContain(`opened ticket #${thread.ticketNumber}`);
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(`<a href="${link}">`);

    // The agent's later reply threads under both: the customer's mail and the acknowledgement.
    const agent = await email.desk.makeAgent();
    const reply = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: agent.auth,
      payload: { body: "We restarted the print server." },
    });
    expect(reply.statusCode).toBe(201);
    const [, answer] = await relayedTo(thread.requester);
    expect(answer?.mail.inReplyTo).toBe(thread.messageId);
    expect(answer?.mail.references).toEqual([thread.messageId, mail.messageId]);
  });

  it("shows a hostile subject as text in the HTML, and loads nothing remote", async () => {
    const thread = await email.customerWritesIn(hostileSubject);
    const [sent] = await relayedTo(thread.requester);
    expect(sent?.mail.subject).toBe(`Re: ${hostileSubject} [#${thread.ticketNumber}]`);
    const html = sent?.mail.html as string;
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // No element carries a source: nothing is fetched when the mail is opened.
    expect(html).not.toMatch(/<img|<script|<[^>]*\bsrc=/i);
  });

  it("never lets the requester's name or subject add a header", async () => {
    const victim = "victim@elsewhere.example";
    const requester = `eve-${email.desk.unique()}@attacker.example`;
    const encoded = (value: string) => `=?UTF-8?B?${Buffer.from(value).toString("base64")}?=`;
    await email.deliver({
      envelope: { from: requester, to: [supportAddress] },
      raw: [
        `From: ${encoded(`Eve\r\nBcc: ${victim}`)} <${requester}>`,
        `To: ${supportAddress}`,
        `Subject: ${encoded(`Help\r\nBcc: ${victim}`)}`,
        `Message-ID: <inject-${email.desk.unique()}@attacker.example>`,
        "",
        "Please answer.",
        "",
      ].join("\r\n"),
    });
    const [sent, ...more] = await relayedTo(requester);
    expect(more).toEqual([]);
    expect(email.sink?.received.some((mail) => mail.rcptTo.includes(victim))).toBe(false);
    expect(sent?.raw).not.toMatch(/^bcc:/im);
    expect(sent?.mail.subject).toMatch(new RegExp(`^Re: Help Bcc: ${victim} \\[#\\d+\\]$`));
  });

  it("is not mailed for a ticket that did not come by email", async () => {
    const organization = await email.desk.makeOrganization();
    const customer = await email.desk.makeCustomer(organization.id);
    const created = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "From the portal", body: "Hello" },
    });
    expect(created.statusCode).toBe(201);
    const comments = await email.comments(created.json().number);
    expect(comments.some((comment) => comment.bodyText.includes("away right now"))).toBe(true);
    expect(await relayedTo(customer.email)).toEqual([]);
  });
});
