import { type ParsedMail, simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import { autoCloseSolvedTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import type { Person } from "../support/test-desk.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

/**
 * Followers over real SMTP: the people a customer puts on To/Cc follow the ticket and get its
 * public replies on Cc, through Tend's listener in and a real SMTP sink out.
 */
const email = useEmailDesk({ relaySink: true });

interface Thread {
  ticketNumber: number;
  requester: string;
  messageId: string;
  organization: { id: string; domain: string };
  colleague: string;
  consultant: Person;
  outsider: string;
}

/** Pat writes in with a colleague (unknown yet), a known consultant and an outsider on Cc. */
async function threadWithCopies(): Promise<Thread> {
  const organization = await email.desk.makeOrganization();
  const consultancy = await email.desk.makeOrganization();
  const consultant = await email.desk.makeCustomer(consultancy.id);
  const requester = `pat-${email.desk.unique()}@${organization.domain}`;
  const colleague = `casey-${email.desk.unique()}@${organization.domain}`;
  const outsider = `dana-${email.desk.unique()}@outside.example`;
  const messageId = `<copies-${email.desk.unique()}@${organization.domain}>`;
  const inbound = await email.deliver({
    from: `Pat Customer <${requester}>`,
    to: [supportAddress, `Casey Colleague <${colleague}>`],
    cc: [consultant.email, `Dana Outside <${outsider}>`, requester, `postmaster@${organization.domain}`],
    subject: "Exports fail overnight",
    text: "Every nightly export since Monday failed.",
    messageId,
  });
  expect(inbound).toMatchObject({ status: "processed" });
  return {
    ticketNumber: inbound.ticketNumber as number,
    requester,
    messageId,
    organization,
    colleague,
    consultant,
    outsider,
  };
}

/** Runs the queued jobs; the mails the relay received for this ticket since `from`, parsed. */
async function relayedFor(
  ticketNumber: number,
  from = 0,
): Promise<Array<{ rcptTo: string[]; mail: ParsedMail }>> {
  await email.processInbound();
  const received = (email.sink?.received ?? []).slice(from);
  const parsed = await Promise.all(
    received.map(async (mail) => ({ rcptTo: mail.rcptTo, mail: await simpleParser(mail.raw) })),
  );
  return parsed.filter(({ mail }) => mail.subject?.includes(`[#${ticketNumber}]`));
}

/** The addresses of a header, sorted: who is on it, not in which order. */
const addressesOf = (field: ParsedMail["cc"]) =>
  (field === undefined ? [] : Array.isArray(field) ? field : [field])
    .flatMap((group) => group.value)
    .map((entry) => entry.address ?? "")
    .sort();

const sorted = (addresses: string[]) => [...addresses].sort();

async function followerAddresses(ticketNumber: number): Promise<string[]> {
  return sorted((await email.followers(ticketNumber)).map((follower) => follower.person.email));
}

describe("people on To and Cc follow the ticket", () => {
  it("makes everyone else on the message a follower: known people by address, unknown ones new customers", async () => {
    const thread = await threadWithCopies();
    const list = await email.followers(thread.ticketNumber);
    expect(await followerAddresses(thread.ticketNumber)).toEqual(
      sorted([thread.colleague, thread.consultant.email, thread.outsider]),
    );
    expect(list.every((follower) => follower.source === "email")).toBe(true);
    const find = (address: string) => list.find((follower) => follower.person.email === address);
    const [colleague, consultant, outsider] = [
      thread.colleague,
      thread.consultant.email,
      thread.outsider,
    ].map(find);
    // The colleague's organization comes from their domain, as an unknown sender's would.
    expect(colleague?.person).toMatchObject({
      name: "Casey Colleague",
      role: "customer",
      organizationId: thread.organization.id,
    });
    expect(consultant?.person).toMatchObject({
      id: thread.consultant.id,
      organizationId: thread.consultant.organizationId,
    });
    expect(outsider?.person).toMatchObject({ name: "Dana Outside", role: "customer", organizationId: null });
  });

  it("sends the agent's public reply to the requester with the followers on Cc, and no internal note", async () => {
    const thread = await threadWithCopies();
    const start = email.sink?.received.length ?? 0;
    await email.agentComments(thread.ticketNumber, {
      body: "Private: the export host ran out of disk.",
      visibility: "internal",
    });
    expect(await relayedFor(thread.ticketNumber, start)).toEqual([]);

    await email.agentComments(thread.ticketNumber, {
      body: "We freed space on the export host; tonight's run will work.",
    });
    const [sent, ...more] = await relayedFor(thread.ticketNumber, start);
    expect(more).toEqual([]);
    const copied = sorted([thread.colleague, thread.consultant.email, thread.outsider]);
    expect(sorted(sent?.rcptTo ?? [])).toEqual(sorted([thread.requester, ...copied]));
    expect(addressesOf(sent?.mail.to)).toEqual([thread.requester]);
    expect(addressesOf(sent?.mail.cc)).toEqual(copied);
    expect(sent?.mail.inReplyTo).toBe(thread.messageId);
    expect(sent?.mail.text).toContain("We freed space on the export host");
    expect(sent?.mail.text).not.toContain("ran out of disk");
  });

  it("gives a follower from another organization the replies by mail and no access to the ticket", async () => {
    const thread = await threadWithCopies();
    const outsider = (await email.followers(thread.ticketNumber)).find(
      (follower) => follower.person.email === thread.outsider,
    );
    const { token } = await issueApiToken(email.desk.system, outsider?.person.id as string, {
      name: "portal",
      scopes: ["write"],
    });
    const auth = { authorization: `Bearer ${token}` };
    for (const url of [
      `/api/v1/tickets/${thread.ticketNumber}`,
      `/api/v1/tickets/${thread.ticketNumber}/comments`,
    ]) {
      const response = await email.desk.app.inject({ url, headers: auth });
      expect(response.statusCode).toBe(404);
    }
    const list = await email.desk.app.inject({ url: "/api/v1/tickets", headers: auth });
    expect(list.json().items).toEqual([]);
    // The consultant is another organization's customer: the same.
    const asConsultant = await email.desk.app.inject({
      url: `/api/v1/tickets/${thread.ticketNumber}`,
      headers: thread.consultant.auth,
    });
    expect(asConsultant.statusCode).toBe(404);
  });

  it("puts an outside follower's answer by mail on the ticket, which they still may not read", async () => {
    const thread = await threadWithCopies();
    const answer = await email.deliver({
      from: `Dana Outside <${thread.outsider}>`,
      to: supportAddress,
      cc: thread.requester,
      subject: "Re: Exports fail overnight",
      text: "Our proxy logs show the export host timing out.",
      inReplyTo: thread.messageId,
    });
    expect(answer).toMatchObject({ ticketNumber: thread.ticketNumber, reason: "threaded by headers" });
    expect((await email.comments(thread.ticketNumber)).at(-1)).toMatchObject({
      bodyText: "Our proxy logs show the export host timing out.",
      author: { name: "Dana Outside", role: "customer" },
    });
    const dana = (await email.followers(thread.ticketNumber)).find((f) => f.person.email === thread.outsider);
    const { token } = await issueApiToken(email.desk.system, dana?.person.id as string, {
      name: "portal",
      scopes: ["write"],
    });
    const read = await email.desk.app.inject({
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.statusCode).toBe(404);

    // Once the ticket is closed, a follower's answer is theirs: a new ticket, not a follow-up of it.
    await email.desk.database.db
      .updateTable("tickets")
      .set({ status: "closed" })
      .where("number", "=", thread.ticketNumber)
      .execute();
    const late = await email.deliver({
      from: thread.outsider,
      to: supportAddress,
      subject: "Re: Exports fail overnight",
      text: "Still seeing it.",
      inReplyTo: thread.messageId,
    });
    expect(late.ticketNumber).not.toBe(thread.ticketNumber);
    expect((await email.ticket(late.ticketNumber as number)).followUpOf).toBeNull();
    expect((await email.ticket(late.ticketNumber as number)).requester.email).toBe(thread.outsider);
  });

  it("adds the people a requester's later reply copies in, on the same ticket", async () => {
    const thread = await threadWithCopies();
    const newcomer = `lee-${email.desk.unique()}@${thread.organization.domain}`;
    const reply = await email.deliver({
      from: thread.requester,
      to: `support+${thread.ticketNumber}@tend.test`,
      cc: [thread.colleague, newcomer],
      subject: `Re: Exports fail overnight [#${thread.ticketNumber}]`,
      text: "Adding Lee, who runs the exports.",
      inReplyTo: thread.messageId,
    });
    expect(reply.ticketNumber).toBe(thread.ticketNumber);
    expect(await followerAddresses(thread.ticketNumber)).toEqual(
      sorted([thread.colleague, thread.consultant.email, thread.outsider, newcomer]),
    );
  });

  it("carries a closed ticket's followers over to its follow-up, and mails them there", async () => {
    const thread = await threadWithCopies();
    await email.agentComments(thread.ticketNumber, {
      body: "We re-ran the exports; all succeeded tonight.",
      summary: "Re-ran the failed exports.",
      nextSteps: "Nothing on your side.",
      status: "solved",
    });
    email.desk.clock.advance(5 * 24 * 60 * 60 * 1000);
    await autoCloseSolvedTickets(email.desk.system);
    expect((await email.ticket(thread.ticketNumber)).status).toBe("closed");

    const reply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Exports fail overnight",
      text: "They failed again last night.",
      inReplyTo: thread.messageId,
    });
    const followUp = reply.ticketNumber as number;
    expect(followUp).not.toBe(thread.ticketNumber);
    expect(await followerAddresses(followUp)).toEqual(
      sorted([thread.colleague, thread.consultant.email, thread.outsider]),
    );

    const sentBefore = email.sink?.received.length ?? 0;
    await email.agentComments(followUp, { body: "Looking at last night's run now.", visibility: "public" });
    const [answer, ...more] = await relayedFor(followUp, sentBefore);
    expect(more).toEqual([]);
    expect(addressesOf(answer?.mail.cc)).toEqual(
      sorted([thread.colleague, thread.consultant.email, thread.outsider]),
    );
  });
});

describe("the followers API", () => {
  const post = (number: number, payload: unknown, auth = email.admin.auth) =>
    email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/followers`,
      headers: auth,
      payload: payload as Record<string, unknown>,
    });
  const remove = (number: number, personId: string, auth = email.admin.auth) =>
    email.desk.app.inject({
      method: "DELETE",
      url: `/api/v1/tickets/${number}/followers/${personId}`,
      headers: auth,
    });

  it("lets staff add by address or person, list, and remove followers", async () => {
    const thread = await email.customerWritesIn("Invoices missing");
    expect(await email.followers(thread.ticketNumber)).toEqual([]);
    const address = `auditor-${email.desk.unique()}@audit.example`;
    const byAddress = await post(thread.ticketNumber, { email: address, name: "Ari Auditor" });
    expect(byAddress.statusCode).toBe(201);
    expect(byAddress.json()).toMatchObject({
      person: { email: address, name: "Ari Auditor", role: "customer", organizationId: null },
      source: "staff",
    });
    expect((await post(thread.ticketNumber, { email: address })).statusCode).toBe(200);
    const known = await email.desk.makeCustomer(null);
    expect((await post(thread.ticketNumber, { personId: known.id })).statusCode).toBe(201);
    expect(await followerAddresses(thread.ticketNumber)).toEqual(sorted([address, known.email]));

    // A follower added by staff gets the next public reply on Cc.
    const start = email.sink?.received.length ?? 0;
    await email.agentComments(thread.ticketNumber, { body: "The invoices are back." });
    const [sent] = await relayedFor(thread.ticketNumber, start);
    expect(addressesOf(sent?.mail.cc)).toEqual(sorted([address, known.email]));

    const removed = await remove(thread.ticketNumber, known.id);
    expect(removed.statusCode).toBe(204);
    expect(await followerAddresses(thread.ticketNumber)).toEqual([address]);
    const again = await remove(thread.ticketNumber, known.id);
    expect(again.statusCode).toBe(404);
    expect(again.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("answers bad input with a precise problem", async () => {
    const thread = await email.customerWritesIn("Invoices missing");
    const ticket = await email.ticket(thread.ticketNumber);
    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /personId: send exactly one of personId and email/],
      [{ personId: ticket.requester.id, email: "x@y.example" }, 400, /exactly one/],
      [{ personId: ticket.requester.id }, 400, /requester receives every public reply/],
      [{ email: thread.requester }, 400, /requester receives every public reply/],
      [{ personId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" }, 400, /no person/],
      [{ personId: ticket.requester.id, name: "Nope" }, 400, /name/],
      [{ email: "not an address" }, 400, /email/],
      [{ email: "x@y.example", role: "admin" }, 400, /role|additional/i],
    ];
    for (const [payload, status, detail] of cases) {
      const response = await post(thread.ticketNumber, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(response.json())).toMatch(detail);
    }
    expect((await post(999_999, { email: "x@y.example" })).statusCode).toBe(404);
    expect((await remove(thread.ticketNumber, "not-a-uuid")).statusCode).toBe(400);
    expect(
      (await email.desk.app.inject({ url: "/api/v1/tickets/999999/followers", headers: email.admin.auth }))
        .statusCode,
    ).toBe(404);
  });

  it("is staff-only: a customer, even the requester's colleague, is refused", async () => {
    const thread = await email.customerWritesIn("Invoices missing");
    const ticket = await email.ticket(thread.ticketNumber);
    const colleague = await email.desk.makeCustomer(ticket.organization?.id ?? null);
    const listed = await email.desk.app.inject({
      url: `/api/v1/tickets/${thread.ticketNumber}/followers`,
      headers: colleague.auth,
    });
    expect(listed.statusCode).toBe(403);
    expect((await post(thread.ticketNumber, { personId: colleague.id }, colleague.auth)).statusCode).toBe(
      403,
    );
    expect((await remove(thread.ticketNumber, colleague.id, colleague.auth)).statusCode).toBe(403);
    expect(
      (await email.desk.app.inject({ url: `/api/v1/tickets/${thread.ticketNumber}/followers` })).statusCode,
    ).toBe(401);
  });
});

describe("erasing a follower", () => {
  it("removes every ticket they follow, so no later reply reaches them", async () => {
    const thread = await threadWithCopies();
    const outsider = (await email.followers(thread.ticketNumber)).find(
      (follower) => follower.person.email === thread.outsider,
    );
    const erase = (dryRun: boolean) =>
      email.desk.app.inject({
        method: "POST",
        url: `/api/v1/people/${outsider?.person.id}/erasure`,
        headers: email.admin.auth,
        payload: { dryRun },
      });
    const dryRun = await erase(true);
    expect(dryRun.statusCode).toBe(200);
    expect(dryRun.json().items).toContainEqual({ kind: "followings", count: 1 });
    expect((await erase(false)).statusCode).toBe(200);
    expect(await followerAddresses(thread.ticketNumber)).toEqual(
      sorted([thread.colleague, thread.consultant.email]),
    );
    const rows = await email.desk.database.db
      .selectFrom("ticket_followers")
      .select("ticket_id")
      .where("person_id", "=", outsider?.person.id as string)
      .execute();
    expect(rows).toEqual([]);

    const start = email.sink?.received.length ?? 0;
    await email.agentComments(thread.ticketNumber, { body: "Fixed for good." });
    const [sent] = await relayedFor(thread.ticketNumber, start);
    expect(sent?.rcptTo).not.toContain(thread.outsider);
    expect(addressesOf(sent?.mail.cc)).toEqual(sorted([thread.colleague, thread.consultant.email]));
  });

  it("takes them off a reply still queued, which reaches everyone else intact", async () => {
    const thread = await threadWithCopies();
    const outsider = (await email.followers(thread.ticketNumber)).find(
      (follower) => follower.person.email === thread.outsider,
    );
    const start = email.sink?.received.length ?? 0;
    await email.agentComments(thread.ticketNumber, { body: "The overnight export now retries on its own." });
    const erased = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${outsider?.person.id}/erasure`,
      headers: email.admin.auth,
      payload: { dryRun: false },
    });
    expect(erased.statusCode).toBe(200);
    // The customer's message that copied them, and the reply: both keep their content.
    expect(erased.json().items).toContainEqual({ kind: "emailCopies", count: 2 });
    expect(erased.json().items).toContainEqual({ kind: "emailMessages", count: 0 });

    const [sent, ...more] = await relayedFor(thread.ticketNumber, start);
    expect(more).toEqual([]);
    expect(sorted(sent?.rcptTo ?? [])).toEqual(
      sorted([thread.requester, thread.colleague, thread.consultant.email]),
    );
    expect(addressesOf(sent?.mail.cc)).toEqual(sorted([thread.colleague, thread.consultant.email]));
    expect(sent?.mail.text).toContain("The overnight export now retries on its own.");
  });
});
