import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { HOUR } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "./email-desk.js";

/**
 * Unlock by email over real SMTP: failed sign-ins through the HTTP API lock an account, the worker
 * mails its owner through the test's relay, and the link from the delivered mail lifts the lockout.
 */
const email = useEmailDesk({ relaySink: true });
const password = "correct horse battery";

let addressCounter = 0;
/** Each test signs in from its own address, so address budgets never leak between tests. */
const newAddress = () => {
  addressCounter += 1;
  return `198.51.100.${addressCounter}`;
};

function signIn(address: string, attempt: string, remoteAddress: string) {
  return email.desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress,
    payload: { email: address, password: attempt },
  });
}

function unlock(token: string) {
  return email.desk.app.inject({ method: "POST", url: "/api/v1/auth/unlock", payload: { token } });
}

async function failTimes(address: string, times: number, remoteAddress: string) {
  const answers = [];
  for (let attempt = 1; attempt <= times; attempt += 1) {
    answers.push(await signIn(address, "wrong password!!", remoteAddress));
  }
  return answers;
}

/** Runs the outbox and returns the unlock mails the relay received for `address`. */
async function unlockMailsTo(address: string) {
  await email.processInbound();
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(address));
  return Promise.all(
    received.map(async (mail) => ({
      parsed: await simpleParser(mail.raw),
      raw: mail.raw.toString("latin1"),
    })),
  );
}

function tokenIn(text: string | undefined): string {
  const escaped = publicUrl.replace(/[.]/g, "\\.");
  const match = new RegExp(`${escaped}/unlock\\?token=([A-Za-z0-9_-]+)`).exec(text ?? "");
  if (!match?.[1]) throw new Error(`no unlock link in: ${text}`);
  return match[1];
}

async function lockedAgent() {
  const agent = await email.desk.makeAgent({ password });
  const address = newAddress();
  const answers = await failTimes(agent.email, 5, address);
  expect(answers.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401]);
  expect((await signIn(agent.email, password, newAddress())).statusCode).toBe(429);
  return { agent, address };
}

describe("unlock by email", () => {
  it("mails the locked account's owner a single-use link that lifts the lockout", async () => {
    const { agent } = await lockedAgent();
    // Still refused while locked: these are not counted, and mail nobody again.
    await failTimes(agent.email, 3, newAddress());
    const mails = await unlockMailsTo(agent.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mail?.parsed.subject).toBe("Your Tend account was locked after failed sign-ins");
    const token = tokenIn(mail?.parsed.text);
    expect(mail?.parsed.html).toContain(`href="${publicUrl}/unlock?token=${token}"`);
    // Only the hash is stored: the token itself appears nowhere in the database.
    const stored = await email.desk.database.db.selectFrom("unlock_tokens").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.find((row) => row.delivery_state === "sent")).toBeDefined();

    const unlocked = await unlock(token);
    expect(unlocked.statusCode).toBe(204);
    expect((await signIn(agent.email, password, newAddress())).statusCode).toBe(200);

    const again = await unlock(token);
    expect(again.statusCode).toBe(400);
    expect(again.headers["content-type"]).toContain("application/problem+json");
    expect(again.json().detail).toContain("already been used");

    const audit = await email.desk.database.db
      .selectFrom("audit_log")
      .select(["action", "target_id"])
      .where("action", "=", "auth.unlocked")
      .execute();
    expect(audit).toContainEqual({ action: "auth.unlocked", target_id: agent.id });
  });

  it("refuses an expired link and an unknown one", async () => {
    const { agent } = await lockedAgent();
    const [mail] = await unlockMailsTo(agent.email);
    const token = tokenIn(mail?.parsed.text);
    email.desk.clock.advance(HOUR);
    const expired = await unlock(token);
    expect(expired.statusCode).toBe(400);
    expect(expired.json().detail).toContain("expired");
    expect((await unlock("not-a-token")).json().detail).toContain("not valid");
  });

  it("lifts the account's lockout, not the address's", async () => {
    const { agent, address } = await lockedAgent();
    // 15 more failures from the same address, on emails nobody has, lock the address too.
    for (let attempt = 1; attempt <= 15; attempt += 1) {
      await signIn(`nobody-${attempt}-${email.desk.unique()}@example.com`, "wrong password!!", address);
    }
    const [mail] = await unlockMailsTo(agent.email);
    expect((await unlock(tokenIn(mail?.parsed.text))).statusCode).toBe(204);
    expect((await signIn(agent.email, password, address)).statusCode).toBe(429);
    expect((await signIn(agent.email, password, newAddress())).statusCode).toBe(200);
  });

  it("never lets the account's name add a header to the unlock mail", async () => {
    const victim = "victim@elsewhere.example";
    const agent = await email.desk.makeAgent({ password });
    await email.desk.database.db
      .updateTable("people")
      .set({ name: `Eve\r\nBcc: ${victim}` })
      .where("id", "=", agent.id)
      .execute();
    await failTimes(agent.email, 5, newAddress());
    const [mail, ...more] = await unlockMailsTo(agent.email);
    expect(more).toEqual([]);
    expect(email.sink?.received.some((relayed) => relayed.rcptTo.includes(victim))).toBe(false);
    const headers = mail?.raw.slice(0, mail.raw.indexOf("\r\n\r\n"));
    expect(headers).not.toMatch(/^bcc:/im);
    expect(mail?.parsed.to && !Array.isArray(mail.parsed.to) && mail.parsed.to.value).toEqual([
      { address: agent.email, name: `Eve Bcc: ${victim}` },
    ]);
  });

  it("mails nobody for an unknown email, and answers its failures exactly as a known one's", async () => {
    const known = await email.desk.makeAgent({ password });
    const unknown = `ghost-${email.desk.unique()}@example.com`;
    const knownAnswers = await failTimes(known.email, 6, newAddress());
    const unknownAnswers = await failTimes(unknown, 6, newAddress());
    const shape = (answer: (typeof knownAnswers)[number]) => ({
      status: answer.statusCode,
      retryAfter: answer.headers["retry-after"],
      body: { ...answer.json(), instance: undefined },
    });
    expect(unknownAnswers.map(shape)).toEqual(knownAnswers.map(shape));
    expect(await unlockMailsTo(unknown)).toEqual([]);
    expect(await unlockMailsTo(known.email)).toHaveLength(1);
  });
});
