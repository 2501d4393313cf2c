import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import type { TicketEventView } from "../../src/modules/tickets/ticket-presenter.js";
import { publicUrl, supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * What deactivation means for mail, over real SMTP: sign-in links stop (those already mailed and
 * new ones), and mail from a deactivated person is kept — mail must not be lost — but carries no
 * standing: a deactivated agent's address no longer forwards for a customer or answers as staff.
 */
const email = useEmailDesk({ relaySink: true });

async function changeAccess(method: "POST" | "DELETE", id: string) {
  const response = await email.desk.app.inject({
    method,
    url: `/api/v1/people/${id}/deactivation`,
    headers: email.admin.auth,
  });
  expect(response.statusCode, response.body).toBe(200);
}

const deactivate = (id: string) => changeAccess("POST", id);

/** Asks for a sign-in link, runs the outbox, and returns the tokens of every link mailed to `address`. */
async function askForLink(address: string): Promise<string[]> {
  const asked = await email.desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in-link",
    payload: { email: address },
  });
  expect(asked.statusCode).toBe(202);
  await email.processInbound();
  const mails = await Promise.all(
    (email.sink?.received ?? [])
      .filter((mail) => mail.rcptTo.includes(address))
      .map((mail) => simpleParser(mail.raw)),
  );
  const link = new RegExp(`${publicUrl.replace(/[.]/g, "\\.")}/portal/sign-in\\?token=([A-Za-z0-9_-]+)`);
  return mails.map((mail) => link.exec(mail.text ?? "")?.[1] ?? "");
}

const redeem = (token: string) =>
  email.desk.app.inject({ method: "POST", url: "/api/v1/auth/sign-in-link/redeem", payload: { token } });

describe("sign-in links of a deactivated customer", () => {
  it("refuses a link mailed before, mails none while deactivated, and works again once reactivated", async () => {
    const customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    const [mailedBefore] = await askForLink(customer.email);
    await deactivate(customer.id);
    const refused = await redeem(mailedBefore ?? "");
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([
      { field: "token", message: expect.stringContaining("not valid") },
    ]);
    expect(await askForLink(customer.email)).toHaveLength(1);

    await changeAccess("DELETE", customer.id);
    const tokens = await askForLink(customer.email);
    expect(tokens).toHaveLength(2);
    const signedIn = await redeem(tokens[1] ?? "");
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ id: customer.id, deactivatedAt: null });
  });
});

describe("mail from a deactivated person", () => {
  it("takes a deactivated agent's forward as their own ticket, not as staff bringing in a customer", async () => {
    const agent = await email.desk.makeAgent();
    await deactivate(agent.id);
    const organization = await email.desk.makeOrganization();
    const customer = `jordan-${email.desk.unique()}@${organization.domain}`;
    const result = await email.deliver({
      from: agent.email,
      to: supportAddress,
      subject: "Fwd: Reports are empty",
      text: `Can someone take this one?\n\n---------- Forwarded message ---------\nFrom: Jordan Lee <${customer}>\nDate: Mon, Nov 23, 2026 at 9:00 AM\nSubject: Reports are empty\nTo: ${agent.email}\n\nEvery report shows zero rows since Friday.\n`,
    });
    expect(result.status).toBe("processed");
    const ticket = await email.ticket(result.ticketNumber as number);
    expect(ticket).toMatchObject({ subject: "Fwd: Reports are empty", requester: { email: agent.email } });
    const events = await email.desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/events`,
      headers: email.admin.auth,
    });
    expect(events.json().map((event: TicketEventView) => event.kind)).not.toContain("email_forwarded");
  });

  it("still opens a ticket for a customer whose access was removed", async () => {
    const customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    await deactivate(customer.id);
    const result = await email.deliver({
      from: customer.email,
      to: supportAddress,
      subject: "Please restore my access",
      text: "I cannot sign in to the portal any more.",
    });
    expect(result.status).toBe("processed");
    expect(await email.ticket(result.ticketNumber as number)).toMatchObject({
      subject: "Please restore my access",
      requester: { id: customer.id },
    });
  });
});
