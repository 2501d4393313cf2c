import { type ParsedMail, simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { Person } from "../support/test-desk.js";
import { publicUrl, supportAddress, useEmailDesk } from "./email-desk.js";

/** Agents are mailed of assignments and of their requesters' replies, over real SMTP to a relay. */
const email = useEmailDesk({ relaySink: true });

/** Runs the queued jobs, then what the relay got for `person` since the last look. */
const seen = new Map<string, number>();
async function newMailTo(person: Person): Promise<ParsedMail[]> {
  await email.processInbound();
  const all = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(person.email));
  const fresh = all.slice(seen.get(person.email) ?? 0);
  seen.set(person.email, all.length);
  return Promise.all(fresh.map((mail) => simpleParser(mail.raw)));
}

async function assign(number: number, to: Person, by: Person): Promise<void> {
  const ticket = await email.ticket(number);
  const response = await email.desk.app.inject({
    method: "PATCH",
    url: `/api/v1/tickets/${number}`,
    headers: by.auth,
    payload: { version: ticket.version, assigneeId: to.id },
  });
  expect(response.statusCode, response.body).toBe(200);
}

describe("notices to agents by mail", () => {
  it("tells an agent a lead assigned them a ticket, with its link, and nobody who took one themselves", async () => {
    const lead = await email.desk.makeAgent();
    const agent = await email.desk.makeAgent();
    const thread = await email.customerWritesIn("VPN drops every hour");
    await assign(thread.ticketNumber, agent, lead);
    const [notice, ...more] = await newMailTo(agent);
    expect(more).toEqual([]);
    expect(notice?.subject).toBe(`[#${thread.ticketNumber}] Assigned to you: VPN drops every hour`);
    expect(notice?.text).toContain(`${lead.name} assigned ticket #${thread.ticketNumber} to you`);
    expect(notice?.text).toContain(`${publicUrl}/tickets/${thread.ticketNumber}`);
    expect(notice?.html).toContain(`<a href="${publicUrl}/tickets/${thread.ticketNumber}">`);

    const own = await email.customerWritesIn("Printer jams");
    await assign(own.ticketNumber, agent, agent);
    expect(await newMailTo(agent)).toEqual([]);
  });

  it("tells the assignee when the requester answers by mail, quoting the answer, but not of staff's notes", async () => {
    const agent = await email.desk.makeAgent();
    const lead = await email.desk.makeAgent();
    const thread = await email.customerWritesIn("Invoices are missing");
    await assign(thread.ticketNumber, agent, lead);
    await newMailTo(agent);

    await email.deliver({
      from: `Pat Customer <${thread.requester}>`,
      to: supportAddress,
      subject: "Re: Invoices are missing",
      text: "Still missing for March and April.",
      inReplyTo: thread.messageId,
      references: [thread.messageId],
    });
    const [notice, ...more] = await newMailTo(agent);
    expect(more).toEqual([]);
    expect(notice?.subject).toBe(`[#${thread.ticketNumber}] Pat Customer replied: Invoices are missing`);
    expect(notice?.text).toContain("Still missing for March and April.");

    await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: lead.auth,
      payload: { body: "Billing knows about March.", visibility: "internal" },
    });
    expect(await newMailTo(agent)).toEqual([]);
  });

  it("mails nobody who turned it off, who was deactivated, or whom the ticket left before the mail did", async () => {
    const lead = await email.desk.makeAgent();
    const quiet = await email.desk.makeAgent();
    const turnedOff = await email.desk.app.inject({
      method: "PUT",
      url: "/api/v1/me/notifications",
      headers: quiet.auth,
      payload: { emailNotices: false },
    });
    expect(turnedOff.json()).toEqual({ emailNotices: false });
    const read = await email.desk.app.inject({ url: "/api/v1/me/notifications", headers: quiet.auth });
    expect(read.json()).toEqual({ emailNotices: false });
    const first = await email.customerWritesIn("Quiet, please");
    await assign(first.ticketNumber, quiet, lead);
    expect(await newMailTo(quiet)).toEqual([]);

    // Deactivated between the assignment and the mail.
    const leaving = await email.desk.makeAgent();
    const third = await email.customerWritesIn("Leaving soon");
    await assign(third.ticketNumber, leaving, lead);
    const admin = email.admin;
    const deactivated = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${leaving.id}/deactivation`,
      headers: admin.auth,
    });
    expect(deactivated.statusCode, deactivated.body).toBeLessThan(300);
    expect(await newMailTo(leaving)).toEqual([]);

    // Assigned, then handed to someone else before the worker ran: only the one holding it hears.
    const passedOn = await email.desk.makeAgent();
    const holder = await email.desk.makeAgent();
    const second = await email.customerWritesIn("Passed around");
    await assign(second.ticketNumber, passedOn, lead);
    await assign(second.ticketNumber, holder, lead);
    expect(await newMailTo(passedOn)).toEqual([]);
    expect(await newMailTo(holder)).toHaveLength(1);

    // Customers have no such setting.
    const customer = await email.desk.makeCustomer(null);
    const refused = await email.desk.app.inject({ url: "/api/v1/me/notifications", headers: customer.auth });
    expect(refused.statusCode).toBe(403);
  });
});
