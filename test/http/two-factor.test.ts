import { afterEach, describe, expect, it } from "vitest";
import { fromAuditRow } from "../../src/modules/audit/audit-repository.js";
import { totpCodeAt } from "../../src/modules/identity/totp.js";
import { MINUTE, SECOND } from "../../src/shared/clock.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const password = "correct horse battery";
const step = 30 * SECOND;

let addressCounter = 0;
/** Each sign-in flow comes from its own address, so address budgets never leak between tests. */
const newAddress = () => {
  addressCounter += 1;
  return `198.51.100.${addressCounter}`;
};

/** What a browser holds after signing in: the cookie, and the CSRF token its writes carry. */
interface Session {
  headers: { cookie: string; "x-csrf-token": string };
}

function sessionOf(response: { cookies: { name: string; value: string }[]; json(): unknown }): Session {
  const cookie = response.cookies.find((c) => c.name === "tend_session");
  if (!cookie) throw new Error("no session cookie");
  const { csrfToken } = response.json() as { csrfToken: string };
  return { headers: { cookie: `tend_session=${cookie.value}`, "x-csrf-token": csrfToken } };
}

function login(person: Person, address: string) {
  return desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: address,
    payload: { email: person.email, password },
  });
}

function secondFactor(challenge: string, code: string, address: string) {
  return desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in/second-factor",
    remoteAddress: address,
    payload: { challenge, code },
  });
}

async function challengeFor(person: Person, address: string): Promise<string> {
  const response = await login(person, address);
  expect(response.statusCode).toBe(202);
  return response.json().challenge;
}

function post(url: string, session: Session, payload?: Record<string, unknown>) {
  return desk.app.inject({
    method: "POST",
    url,
    headers: session.headers,
    ...(payload ? { payload } : {}),
  });
}

const codeNow = (secret: string, offsetSteps = 0) =>
  totpCodeAt(secret, new Date(desk.clock.now().getTime() + offsetSteps * step));

/** A code that is none of those accepted around now. */
function wrongCode(secret: string): string {
  const accepted = [-1, 0, 1].map((offset) => codeNow(secret, offset));
  let candidate = 0;
  while (accepted.includes(String(candidate).padStart(6, "0"))) candidate += 1;
  return String(candidate).padStart(6, "0");
}

/** An agent (or admin) with a password who has turned two-factor sign-in on through the API. */
async function enrolled(role: "agent" | "admin" = "agent") {
  const person = await desk.makeAgent({ role, password });
  const session = sessionOf(await login(person, newAddress()));
  const started = await post("/api/v1/auth/two-factor/enrollment", session);
  expect(started.statusCode).toBe(200);
  const { secret } = started.json();
  const confirmed = await post("/api/v1/auth/two-factor/enrollment/confirm", session, {
    code: codeNow(secret),
  });
  expect(confirmed.statusCode).toBe(200);
  const { recoveryCodes } = confirmed.json() as { recoveryCodes: string[] };
  // The code just used is spent: the next sign-in waits for the next one, as a person would.
  desk.clock.advance(step);
  return { person, secret, recoveryCodes, session };
}

async function auditOf(action: string, targetId: string) {
  const rows = await desk.database.db
    .selectFrom("audit_log")
    .selectAll()
    .where("action", "=", action)
    .where("target_id", "=", targetId)
    .orderBy("seq", "asc")
    .execute();
  return rows.map(fromAuditRow);
}

const reasonOf = (record: { after: unknown }) => (record.after as { reason?: string } | null)?.reason;

async function requireTwoFactorFor(requirement: "none" | "admins" | "staff", admin: Person) {
  const response = await desk.app.inject({
    method: "PUT",
    url: "/api/v1/security/settings",
    headers: admin.auth,
    payload: { requireTwoFactorFor: requirement },
  });
  expect(response.statusCode).toBe(200);
}

afterEach(async () => {
  await desk.database.db.updateTable("security_settings").set({ require_two_factor_for: "none" }).execute();
});

describe("two-factor enrolment", () => {
  it("gives a secret for the app, turns on only with a current code, and shows ten recovery codes once", async () => {
    const agent = await desk.makeAgent({ password });
    const session = sessionOf(await login(agent, newAddress()));
    const started = await post("/api/v1/auth/two-factor/enrollment", session);
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri } = started.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/Tend:${encodeURIComponent(agent.email)}?secret=${secret}&issuer=Tend&algorithm=SHA1&digits=6&period=30`,
    );

    const pending = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: session.headers });
    expect(pending.json()).toEqual({
      enabled: false,
      pendingEnrollment: true,
      required: false,
      recoveryCodesLeft: 0,
    });
    // Not on until confirmed: the password alone still signs in.
    expect((await login(agent, newAddress())).statusCode).toBe(200);

    const wrong = await post("/api/v1/auth/two-factor/enrollment/confirm", session, {
      code: wrongCode(secret),
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors).toEqual([{ field: "code", message: expect.stringContaining("wrong") }]);

    const confirmed = await post("/api/v1/auth/two-factor/enrollment/confirm", session, {
      code: codeNow(secret),
    });
    expect(confirmed.statusCode).toBe(200);
    const { recoveryCodes } = confirmed.json() as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const status = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: session.headers });
    expect(status.json()).toEqual({
      enabled: true,
      pendingEnrollment: false,
      required: false,
      recoveryCodesLeft: 10,
    });
    // Stored only as hashes, and never again in any answer.
    const stored = await desk.database.db
      .selectFrom("recovery_codes")
      .select("code_hash")
      .where("person_id", "=", agent.id)
      .execute();
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) {
      expect(stored.map((row) => row.code_hash).join()).not.toContain(code.replace(/-/g, ""));
      expect(status.body).not.toContain(code);
    }
    // The secret is encrypted at rest (the desk sets TEND_SECRET_KEY), bound to its owner.
    const credential = await desk.database.db
      .selectFrom("two_factor_credentials")
      .selectAll()
      .where("person_id", "=", agent.id)
      .executeTakeFirstOrThrow();
    expect(credential.secret).not.toContain(secret);
    expect(desk.as(agent.actor).secretBox?.open(credential.secret, agent.id)).toBe(secret);
    expect(await auditOf("two_factor.enabled", agent.id)).toHaveLength(1);
    expect(JSON.stringify(await auditOf("two_factor.enrollment_started", agent.id))).not.toContain(secret);
    expect((await login(agent, newAddress())).statusCode).toBe(202);
  });

  it("is managed from a signed-in session: an API token may read it, not change it", async () => {
    const agent = await desk.makeAgent({ password });
    const byToken = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/two-factor/enrollment",
      headers: agent.auth,
    });
    expect(byToken.statusCode).toBe(403);
    const status = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: agent.auth });
    expect(status.statusCode).toBe(200);
    expect(status.json().enabled).toBe(false);
  });

  it("is not for customers", async () => {
    const customer = await desk.makeCustomer(null);
    const status = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: customer.auth });
    expect(status.statusCode).toBe(403);
  });
});

describe("signing in with a second factor", () => {
  it("answers a correct password with a challenge, not a session, and signs in with the code", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    const first = await login(person, address);
    expect(first.statusCode).toBe(202);
    expect(first.headers["set-cookie"]).toBeUndefined();
    const { challenge, secondFactorRequired, expiresAt } = first.json();
    expect(secondFactorRequired).toBe(true);
    expect(Date.parse(expiresAt) - desk.clock.now().getTime()).toBe(5 * MINUTE);
    // Stored hashed: the database does not hold what the client was given.
    const stored = await desk.database.db.selectFrom("sign_in_challenges").select("id_hash").execute();
    expect(stored.map((row) => row.id_hash)).not.toContain(challenge);

    const signedIn = await secondFactor(challenge, codeNow(secret), address);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({ id: person.id, csrfToken: expect.any(String) });
    const session = sessionOf(signedIn);
    const me = await desk.app.inject({ url: "/api/v1/me", headers: session.headers });
    expect(me.json().id).toBe(person.id);
    const signIns = await auditOf("auth.signed_in", person.id);
    expect(signIns.at(-1)?.after).toMatchObject({ method: "password+totp" });

    // The challenge was single-use.
    desk.clock.advance(step);
    expect((await secondFactor(challenge, codeNow(secret), address)).statusCode).toBe(401);
  });

  it("refuses a code used once, and any earlier one, even on a new challenge", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    const used = codeNow(secret);
    expect((await secondFactor(await challengeFor(person, address), used, address)).statusCode).toBe(200);

    const replayed = await secondFactor(await challengeFor(person, address), used, address);
    expect(replayed.statusCode).toBe(401);
    expect(replayed.headers["set-cookie"]).toBeUndefined();
    const earlier = await secondFactor(await challengeFor(person, address), codeNow(secret, -1), address);
    expect(earlier.statusCode).toBe(401);
    const failures = await auditOf("auth.sign_in_failed", person.id);
    expect(failures.map(reasonOf)).toEqual(["wrong or reused code", "wrong or reused code"]);
  });

  it("lets only one of several concurrent sign-ins use the same code", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    const challenges: string[] = [];
    for (let i = 0; i < 4; i += 1) challenges.push(await challengeFor(person, address));
    const code = codeNow(secret);
    const results = await Promise.all(challenges.map((challenge) => secondFactor(challenge, code, address)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401, 401, 401]);
  });

  it("accepts one step of clock drift either way, not two", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    // One step on from enrolment's code, so the step behind now was never used.
    desk.clock.advance(step);
    expect(
      (await secondFactor(await challengeFor(person, address), codeNow(secret, -1), address)).statusCode,
    ).toBe(200);
    expect(
      (await secondFactor(await challengeFor(person, address), codeNow(secret, 2), address)).statusCode,
    ).toBe(401);
    expect(
      (await secondFactor(await challengeFor(person, address), codeNow(secret, 1), address)).statusCode,
    ).toBe(200);
  });

  it("takes each recovery code once, in whatever case and spacing it is typed", async () => {
    const { person, recoveryCodes, session } = await enrolled();
    const address = newAddress();
    const code = recoveryCodes[3] ?? "";
    const typed = code.toUpperCase().replace(/-/g, " ");
    const signedIn = await secondFactor(await challengeFor(person, address), typed, address);
    expect(signedIn.statusCode).toBe(200);
    expect((await auditOf("auth.signed_in", person.id)).at(-1)?.after).toMatchObject({
      method: "password+recovery-code",
    });
    const [used] = await auditOf("auth.recovery_code_used", person.id);
    expect(used?.after).toEqual({ email: person.email, codesLeft: 9 });
    const status = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: session.headers });
    expect(status.json().recoveryCodesLeft).toBe(9);

    const again = await secondFactor(await challengeFor(person, address), code, address);
    expect(again.statusCode).toBe(401);
    expect((await auditOf("auth.sign_in_failed", person.id)).at(-1)?.after).toMatchObject({
      reason: "wrong or used recovery code",
    });
  });

  it("counts wrong codes against the sign-in throttle and kills the challenge after five", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    const challenge = await challengeFor(person, address);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await secondFactor(challenge, wrongCode(secret), address)).statusCode).toBe(401);
    }
    expect((await secondFactor(challenge, codeNow(secret), address)).statusCode).toBe(401);
    expect(
      await desk.database.db
        .selectFrom("sign_in_challenges")
        .selectAll()
        .where("person_id", "=", person.id)
        .execute(),
    ).toEqual([]);
    // Five wrong codes are five failed sign-ins: the account is locked, right password or not.
    const locked = await login(person, newAddress());
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["retry-after"]).toBe("900");
    const failures = await auditOf("auth.sign_in_failed", person.id);
    expect(failures.map(reasonOf).filter((reason) => reason === "wrong or reused code")).toHaveLength(5);

    desk.clock.advance(15 * MINUTE);
    expect(
      (await secondFactor(await challengeFor(person, address), codeNow(secret), address)).statusCode,
    ).toBe(200);
  });

  it("does not let a correct password forgive wrong codes", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const challenge = await challengeFor(person, address);
      expect((await secondFactor(challenge, wrongCode(secret), address)).statusCode).toBe(401);
    }
    const fifth = await challengeFor(person, address);
    expect((await secondFactor(fifth, wrongCode(secret), address)).statusCode).toBe(401);
    expect((await login(person, newAddress())).statusCode).toBe(429);
  });

  it("lets a challenge expire after five minutes", async () => {
    const { person, secret } = await enrolled();
    const address = newAddress();
    const challenge = await challengeFor(person, address);
    desk.clock.advance(5 * MINUTE);
    const late = await secondFactor(challenge, codeNow(secret), address);
    expect(late.statusCode).toBe(401);
    expect(late.json().detail).toContain("expired");
  });
});

describe("managing the second factor", () => {
  it("regenerates recovery codes with a current code, retiring the old ones", async () => {
    const { person, secret, recoveryCodes, session } = await enrolled();
    const refused = await post("/api/v1/auth/two-factor/recovery-codes", session, {
      code: wrongCode(secret),
    });
    expect(refused.statusCode).toBe(400);
    const regenerated = await post("/api/v1/auth/two-factor/recovery-codes", session, {
      code: codeNow(secret),
    });
    expect(regenerated.statusCode).toBe(200);
    const fresh = regenerated.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[0]);
    const address = newAddress();
    expect(
      (await secondFactor(await challengeFor(person, address), recoveryCodes[0] ?? "", address)).statusCode,
    ).toBe(401);
    expect(
      (await secondFactor(await challengeFor(person, address), fresh[0] ?? "", address)).statusCode,
    ).toBe(200);
    expect(await auditOf("two_factor.recovery_codes_regenerated", person.id)).toHaveLength(1);
  });

  it("turns off with a current code, and the password alone signs in again", async () => {
    const { person, secret, session } = await enrolled();
    expect(
      (await post("/api/v1/auth/two-factor/disable", session, { code: wrongCode(secret) })).statusCode,
    ).toBe(400);
    expect(
      (await post("/api/v1/auth/two-factor/disable", session, { code: codeNow(secret) })).statusCode,
    ).toBe(204);
    expect((await login(person, newAddress())).statusCode).toBe(200);
    expect(await auditOf("two_factor.disabled", person.id)).toHaveLength(1);
  });

  it("counts wrong codes against the sign-in throttle here too, so a stolen session cannot guess", async () => {
    const { person, secret, session } = await enrolled();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const wrong = await post("/api/v1/auth/two-factor/disable", session, { code: wrongCode(secret) });
      expect(wrong.statusCode).toBe(400);
    }
    const locked = await post("/api/v1/auth/two-factor/disable", session, { code: codeNow(secret) });
    expect(locked.statusCode).toBe(429);
    expect(await auditOf("two_factor.code_rejected", person.id)).toHaveLength(5);
    expect((await login(person, newAddress())).statusCode).toBe(429);
  });

  it("lets an admin reset someone's second factor, ending their sessions, but not their own", async () => {
    const { person, session } = await enrolled();
    const admin = await desk.makeAgent({ role: "admin" });
    const reset = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/people/${person.id}/two-factor`,
      headers: admin.auth,
    });
    expect(reset.statusCode).toBe(204);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: session.headers })).statusCode).toBe(401);
    expect((await login(person, newAddress())).statusCode).toBe(200);
    const [record] = await auditOf("two_factor.reset", person.id);
    expect(record).toMatchObject({
      actor: { id: admin.id },
      before: { twoFactor: "on" },
      after: { twoFactor: "off" },
    });

    const own = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/people/${admin.id}/two-factor`,
      headers: admin.auth,
    });
    expect(own.statusCode).toBe(403);
  });

  it("keeps another person's second factor out of reach of agents", async () => {
    const { person, secret } = await enrolled("admin");
    const colleague = await desk.makeAgent({ password });
    const reset = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/people/${person.id}/two-factor`,
      headers: colleague.auth,
    });
    expect(reset.statusCode).toBe(403);
    const settings = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/security/settings",
      headers: colleague.auth,
      payload: { requireTwoFactorFor: "none" },
    });
    expect(settings.statusCode).toBe(403);
    // The colleague's own routes act on the colleague only: there is no way to name someone else.
    const colleagueSession = sessionOf(await login(colleague, newAddress()));
    const disable = await post("/api/v1/auth/two-factor/disable", colleagueSession, {
      code: codeNow(secret),
    });
    expect(disable.statusCode).toBe(409);
    const address = newAddress();
    expect(
      (await secondFactor(await challengeFor(person, address), codeNow(secret), address)).statusCode,
    ).toBe(200);
  });
});

describe("requiring a second factor", () => {
  it("limits an unenrolled person's session to enrolment until they confirm a code", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent({ password });
    await requireTwoFactorFor("staff", admin);
    const [change] = (await auditOf("security_settings.updated", "security")).slice(-1);
    expect(change).toMatchObject({
      before: { require_two_factor_for: "none" },
      after: { require_two_factor_for: "staff" },
    });

    const signedIn = await login(agent, newAddress());
    expect(signedIn.json()).toMatchObject({ twoFactorEnrollmentRequired: true });
    const session = sessionOf(signedIn);
    const asked = await desk.app.inject({ url: "/api/v1/auth/session", headers: session.headers });
    expect(asked.json()).toMatchObject({ twoFactorEnrollmentRequired: true });
    const tickets = await desk.app.inject({ url: "/api/v1/tickets", headers: session.headers });
    expect(tickets.statusCode).toBe(403);
    expect(tickets.headers["content-type"]).toContain("application/problem+json");
    expect(tickets.json()).toMatchObject({ status: 403, title: "Two-factor enrollment required" });
    const token = await post("/api/v1/tokens", session, { name: "escape hatch" });
    expect(token.json().title).toBe("Two-factor enrollment required");
    expect((await desk.app.inject({ url: "/api/v1/me", headers: session.headers })).statusCode).toBe(200);
    const status = await desk.app.inject({ url: "/api/v1/auth/two-factor", headers: session.headers });
    expect(status.json()).toMatchObject({ enabled: false, required: true });

    const { secret } = (await post("/api/v1/auth/two-factor/enrollment", session)).json();
    const confirmed = await post("/api/v1/auth/two-factor/enrollment/confirm", session, {
      code: codeNow(secret),
    });
    expect(confirmed.statusCode).toBe(200);
    expect((await desk.app.inject({ url: "/api/v1/tickets", headers: session.headers })).statusCode).toBe(
      200,
    );
    const after = await desk.app.inject({ url: "/api/v1/auth/session", headers: session.headers });
    expect(after.json()).toMatchObject({ twoFactorEnrollmentRequired: false });

    // Required, so it cannot be turned off.
    desk.clock.advance(step);
    const disable = await post("/api/v1/auth/two-factor/disable", session, { code: codeNow(secret) });
    expect(disable.statusCode).toBe(403);
    expect((await login(agent, newAddress())).statusCode).toBe(202);
  });

  it("still serves the public pages and the workspace's shell to a session that must enrol", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent({ password });
    await requireTwoFactorFor("staff", admin);
    const session = sessionOf(await login(agent, newAddress()));
    for (const url of ["/status", "/help"]) {
      const page = await desk.app.inject({ url, headers: session.headers });
      expect({ url, status: page.statusCode }).toEqual({ url, status: 200 });
    }
    // The shell is the built app, or the page saying it is not built (`npm test` needs no build).
    const shell = await desk.app.inject({ url: "/", headers: session.headers });
    expect(shell.headers["content-type"]).toContain("text/html");
    const tickets = await desk.app.inject({ url: "/api/v1/tickets", headers: session.headers });
    expect(tickets.statusCode).toBe(403);
  });

  it("binds sessions already open, and only the roles it names", async () => {
    const admin = await desk.makeAgent({ role: "admin", password });
    const agent = await desk.makeAgent({ password });
    const adminSession = sessionOf(await login(admin, newAddress()));
    const agentSession = sessionOf(await login(agent, newAddress()));
    await requireTwoFactorFor("admins", admin);
    const asAdmin = await desk.app.inject({ url: "/api/v1/tickets", headers: adminSession.headers });
    expect(asAdmin.statusCode).toBe(403);
    const asAgent = await desk.app.inject({ url: "/api/v1/tickets", headers: agentSession.headers });
    expect(asAgent.statusCode).toBe(200);
    const settings = await desk.app.inject({ url: "/api/v1/security/settings", headers: admin.auth });
    expect(settings.json()).toMatchObject({ requireTwoFactorFor: "admins" });
  });
});
