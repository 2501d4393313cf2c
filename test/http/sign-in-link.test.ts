import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { enqueueJob } from "../../src/jobs/job-runner.js";
import { totpCodeAt } from "../../src/modules/identity/totp.js";
import { DAY, MINUTE, SECOND } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * Portal sign-in by emailed link over real SMTP: a customer asks through the HTTP API, the worker
 * mails the link through the test's relay, and the token from the delivered mail opens a session.
 */
const email = useEmailDesk({ relaySink: true });

let callerCounter = 0;
/** Each test asks from its own network address, so per-caller budgets never leak between tests. */
const newCaller = () => {
  callerCounter += 1;
  return `203.0.113.${callerCounter}`;
};

function askForLink(address: string, caller = newCaller()) {
  return email.desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in-link",
    remoteAddress: caller,
    payload: { email: address },
  });
}

function redeem(token: string) {
  return email.desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in-link/redeem",
    payload: { token },
  });
}

/** Runs the outbox and returns the sign-in mails the relay received for `address`. */
async function linkMailsTo(address: string) {
  await email.processInbound();
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(address));
  return Promise.all(received.map((mail) => simpleParser(mail.raw)));
}

function tokenIn(text: string | undefined): string {
  const escaped = publicUrl.replace(/[.]/g, "\\.");
  const match = new RegExp(`${escaped}/portal/sign-in\\?token=([A-Za-z0-9_-]+)`).exec(text ?? "");
  if (!match?.[1]) throw new Error(`no sign-in link in: ${text}`);
  return match[1];
}

/** A customer asks for a link and gets exactly one mail; returns the token it carries. */
async function linkFor(customer: Person): Promise<string> {
  const before = (await linkMailsTo(customer.email)).length;
  expect((await askForLink(customer.email)).statusCode).toBe(202);
  const mails = await linkMailsTo(customer.email);
  expect(mails).toHaveLength(before + 1);
  return tokenIn(mails.at(-1)?.text);
}

function cookieOf(response: { cookies: { name: string; value: string }[] }): string {
  const session = response.cookies.find((cookie) => cookie.name === "tend_session");
  if (!session) throw new Error("no session cookie");
  return `tend_session=${session.value}`;
}

async function customer() {
  const organization = await email.desk.makeOrganization();
  return { organization, person: await email.desk.makeCustomer(organization.id) };
}

describe("sign-in by emailed link", () => {
  it("mails a customer a single-use link that signs them in like a password would", async () => {
    const { person } = await customer();
    const asked = await askForLink(`  ${person.email.toUpperCase()} `);
    expect(asked.statusCode).toBe(202);
    const [mail, ...more] = await linkMailsTo(person.email);
    expect(more).toEqual([]);
    expect(mail?.subject).toBe("Your link to sign in to the support portal");
    const token = tokenIn(mail?.text);
    expect(mail?.html).toContain(`href="${publicUrl}/portal/sign-in?token=${token}"`);
    // Only the hash is stored: the token itself appears nowhere in the database.
    const stored = await email.desk.database.db.selectFrom("sign_in_links").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const signedIn = await redeem(token);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ id: person.id, email: person.email, role: "customer" });
    const cookie = cookieOf(signedIn);
    const me = await email.desk.app.inject({ url: "/api/v1/me", headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(person.id);
    // The CSRF bootstrap is the password sign-in's: the same token from the answer and the session.
    const session = await email.desk.app.inject({ url: "/api/v1/auth/session", headers: { cookie } });
    expect(session.json().csrfToken).toBe(signedIn.json().csrfToken);

    const method = await email.desk.database.db
      .selectFrom("sessions")
      .select("sign_in_method")
      .where("person_id", "=", person.id)
      .executeTakeFirstOrThrow();
    expect(method.sign_in_method).toBe("email_link");
    const audit = await email.desk.database.db
      .selectFrom("audit_log")
      .select(["action", "target_id"])
      .where("target_id", "=", person.id)
      .where("action", "in", ["auth.sign_in_link_requested", "auth.signed_in"])
      .execute();
    expect(audit.map((row) => row.action).sort()).toEqual(["auth.sign_in_link_requested", "auth.signed_in"]);

    const again = await redeem(token);
    expect(again.statusCode).toBe(400);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    expect(again.json().detail).toContain("already been used");
  });

  it("refuses an expired link and an unknown one", async () => {
    const { person } = await customer();
    const token = await linkFor(person);
    email.desk.clock.advance(15 * MINUTE);
    const expired = await redeem(token);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().detail).toContain("expired");
    const unknown = await redeem("not-a-token");
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toContain("not valid");
  });

  it("keeps an earlier link valid when a newer one is asked for", async () => {
    const { person } = await customer();
    const first = await linkFor(person);
    const second = await linkFor(person);
    expect(first).not.toBe(second);
    expect((await redeem(first)).statusCode).toBe(200);
    expect((await redeem(second)).statusCode).toBe(200);
  });

  it("answers the same for an unknown address and a staff one, and mails neither", async () => {
    const { person } = await customer();
    const known = await askForLink(person.email);
    const unknownAddress = `ghost-${email.desk.unique()}@example.com`;
    const agent = await email.desk.makeAgent({ password: "correct horse battery" });
    const unknown = await askForLink(unknownAddress);
    const staff = await askForLink(agent.email);
    for (const answer of [unknown, staff]) {
      expect(answer.statusCode).toBe(202);
      expect(answer.body).toBe(known.body);
    }
    expect(await linkMailsTo(unknownAddress)).toEqual([]);
    expect(await linkMailsTo(agent.email)).toEqual([]);
    expect(await linkMailsTo(person.email)).toHaveLength(1);
  });

  it("throttles requests per address and per caller, with Retry-After", async () => {
    const { person } = await customer();
    const answers = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) answers.push(await askForLink(person.email));
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202, 202, 202, 429]);
    const refused = answers[5];
    expect(refused?.headers["content-type"]).toContain("application/problem+json");
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThan(0);
    // Five links were mailed; the refused request mailed nothing.
    expect(await linkMailsTo(person.email)).toHaveLength(5);
    // One caller spraying addresses nobody has is held back by its own budget.
    const caller = newCaller();
    const spray = [];
    for (let attempt = 1; attempt <= 21; attempt += 1) {
      spray.push(
        (await askForLink(`nobody-${attempt}-${email.desk.unique()}@example.com`, caller)).statusCode,
      );
    }
    expect(spray.slice(0, 20).every((status) => status === 202)).toBe(true);
    expect(spray[20]).toBe(429);
    email.desk.clock.advance(15 * MINUTE + SECOND);
    expect((await askForLink(person.email)).statusCode).toBe(202);
  });

  it("signs a customer in as themself, seeing only their organization's tickets", async () => {
    const a = await customer();
    const b = await customer();
    const ticketOf = async (person: Person, subject: string) => {
      const created = await email.desk.app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: person.auth,
        payload: { subject, body: "Details only my organization may read." },
      });
      expect(created.statusCode).toBe(201);
      return created.json().number as number;
    };
    const ticketA = await ticketOf(a.person, "Organization A's outage");
    const ticketB = await ticketOf(b.person, "Organization B's outage");

    const signedIn = await redeem(await linkFor(b.person));
    expect(signedIn.json().id).toBe(b.person.id);
    expect(signedIn.json().organizationId).toBe(b.organization.id);
    const cookie = cookieOf(signedIn);
    const list = await email.desk.app.inject({ url: "/api/v1/tickets", headers: { cookie } });
    const numbers = list.json().items.map((ticket: { number: number }) => ticket.number);
    expect(numbers).toContain(ticketB);
    expect(numbers).not.toContain(ticketA);
    const foreign = await email.desk.app.inject({ url: `/api/v1/tickets/${ticketA}`, headers: { cookie } });
    expect(foreign.statusCode).toBe(404);
  });

  it("asks a customer with two-factor sign-in for their code before opening a session", async () => {
    // Customers cannot enrol themselves; an agent who turned it on and then became a customer keeps it.
    const agent = await email.desk.makeAgent({ password: "correct horse battery" });
    const { headers } = await email.desk.signIn(agent.email, "correct horse battery");
    const started = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/two-factor/enrollment",
      headers,
    });
    expect(started.statusCode).toBe(200);
    const { secret } = started.json() as { secret: string };
    const confirmed = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/two-factor/enrollment/confirm",
      headers,
      payload: { code: totpCodeAt(secret, email.desk.clock.now()) },
    });
    expect(confirmed.statusCode).toBe(200);
    const organization = await email.desk.makeOrganization();
    const demoted = await email.desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${agent.id}`,
      headers: email.admin.auth,
      payload: { role: "customer", organizationId: organization.id },
    });
    expect(demoted.statusCode).toBe(200);
    email.desk.clock.advance(30 * SECOND);

    const challenged = await redeem(await linkFor(agent));
    expect(challenged.statusCode).toBe(202);
    expect(challenged.cookies.find((cookie) => cookie.name === "tend_session")).toBeUndefined();
    const { challenge } = challenged.json() as { challenge: string };
    const finished = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in/second-factor",
      payload: { challenge, code: totpCodeAt(secret, email.desk.clock.now()) },
    });
    expect(finished.statusCode).toBe(200);
    expect(finished.json()).toMatchObject({ id: agent.id, role: "customer" });
    const methods = await email.desk.database.db
      .selectFrom("sessions")
      .select("sign_in_method")
      .where("person_id", "=", agent.id)
      .execute();
    expect(methods.map((row) => row.sign_in_method)).toEqual(["email_link+totp"]);
  });

  it("deletes expired links in the daily retention run, and a person's links when they are erased", async () => {
    const { person } = await customer();
    await linkFor(person);
    const linksOf = async (personId: string) =>
      (
        await email.desk.database.db
          .selectFrom("sign_in_links")
          .select("token_hash")
          .where("person_id", "=", personId)
          .execute()
      ).length;
    expect(await linksOf(person.id)).toBe(1);
    email.desk.clock.advance(DAY);
    await enqueueJob(email.desk.system, "privacy.retention", {});
    await email.processInbound();
    expect(await linksOf(person.id)).toBe(0);

    await linkFor(person);
    expect(await linksOf(person.id)).toBe(1);
    const erasure = (dryRun: boolean) =>
      email.desk.app.inject({
        method: "POST",
        url: `/api/v1/people/${person.id}/erasure`,
        headers: email.admin.auth,
        payload: { dryRun },
      });
    const dryRun = await erasure(true);
    expect(dryRun.statusCode).toBe(200);
    expect(JSON.stringify(dryRun.json())).toContain("signInLinks");
    expect((await erasure(false)).statusCode).toBe(200);
    expect(await linksOf(person.id)).toBe(0);
  });
});
