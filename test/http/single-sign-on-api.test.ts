import type { LightMyRequestResponse } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { deactivatePerson, reactivatePerson } from "../../src/modules/identity/deactivate-person.js";
import { findGroupByName, isMember } from "../../src/modules/identity/group-repository.js";
import { findPersonByEmail } from "../../src/modules/identity/person-repository.js";
import { MINUTE } from "../../src/shared/clock.js";
import { startOpenIdProvider, type TestOpenIdProvider } from "../support/openid-provider.js";
import { useTestDesk } from "../support/test-desk.js";

/**
 * Single sign-on against a real OpenID provider on loopback: Tend's redirect is followed to the
 * provider, the provider's redirect back is delivered to Tend, and the session cookie Tend sets
 * must then say who is signed in.
 */
const desk = useTestDesk();
const publicUrl = "http://tend.test";
let idp: TestOpenIdProvider;
let tend: TendApp;

async function tendWith(environment: Record<string, string> = {}): Promise<TendApp> {
  const config = loadConfig({
    TEND_PUBLIC_URL: publicUrl,
    TEND_OIDC_ISSUER: idp.issuer,
    TEND_OIDC_CLIENT_ID: idp.clientId,
    TEND_OIDC_CLIENT_SECRET: idp.clientSecret,
    TEND_OIDC_ALLOWED_DOMAINS: "agency.example",
    ...environment,
  });
  return buildApp({
    database: desk.database,
    logger: pino({ level: "silent" }),
    clock: desk.clock,
    publicUrl,
    bodyLimitBytes: 64 * 1024,
    singleSignOn: config.singleSignOn,
  });
}

beforeAll(async () => {
  idp = await startOpenIdProvider({ redirectUri: `${publicUrl}/api/v1/auth/sso/callback` });
  tend = await tendWith();
});
afterAll(async () => {
  await tend?.close();
  await idp?.close();
});

function account(subject: string, claims: { email: string; emailVerified?: boolean; name?: string }) {
  idp.accounts.set(subject, { emailVerified: true, ...claims });
}

/** Starts at Tend, signs in at the provider; returns the provider's way back and the browser's state cookie. */
async function throughProvider(subject: string, app: TendApp = tend) {
  const start = await app.inject({ method: "GET", url: "/api/v1/auth/sso/start" });
  expect(start.statusCode, start.body).toBe(302);
  const stateCookie = start.cookies.find((cookie) => cookie.name === "tend_sso_state")?.value ?? "";
  const callback = await idp.signIn(String(start.headers.location), subject);
  return { callback, stateCookie };
}

function callBack(callback: URL, stateCookie: string, app: TendApp = tend) {
  return app.inject({
    method: "GET",
    url: `${callback.pathname}${callback.search}`,
    cookies: { tend_sso_state: stateCookie },
  });
}

async function signInAs(subject: string, app: TendApp = tend) {
  const { callback, stateCookie } = await throughProvider(subject, app);
  return callBack(callback, stateCookie, app);
}

/** Who the session cookie Tend just set belongs to. */
async function signedInPerson(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(302);
  expect(response.headers.location).toBe("/");
  const session = response.cookies.find((cookie) => cookie.name === "tend_session");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
  const me = await tend.inject({
    method: "GET",
    url: "/api/v1/auth/session",
    cookies: { tend_session: session?.value ?? "" },
  });
  expect(me.statusCode, me.body).toBe(200);
  return me.json().person as { id: string; email: string; role: string; name: string };
}

function expectRefused(response: LightMyRequestResponse, status: number) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toContain("application/problem+json");
  expect(response.cookies.find((cookie) => cookie.name === "tend_session")).toBeUndefined();
}

async function audited(action: string, targetId?: string) {
  let query = desk.database.db.selectFrom("audit_log").selectAll().where("action", "=", action);
  if (targetId) query = query.where("target_id", "=", targetId);
  return (await query.orderBy("seq", "asc").execute()).map((row) => ({
    ...row,
    after: row.after ? JSON.parse(row.after) : null,
  }));
}

async function identitiesOf(personId: string) {
  return desk.database.db
    .selectFrom("sso_identities")
    .selectAll()
    .where("person_id", "=", personId)
    .execute();
}

describe("single sign-on with OpenID Connect", () => {
  it("tells the sign-in page it is on and optional", async () => {
    const response = await tend.inject({ method: "GET", url: "/api/v1/auth/sso" });
    expect(response.json()).toEqual({ enabled: true, mandatory: false, startUrl: "/api/v1/auth/sso/start" });
  });

  it("sends the browser to the provider with PKCE S256, state and nonce", async () => {
    const start = await tend.inject({ method: "GET", url: "/api/v1/auth/sso/start" });
    const location = new URL(String(start.headers.location));
    expect(location.origin).toBe(idp.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: idp.clientId,
      response_type: "code",
      redirect_uri: `${publicUrl}/api/v1/auth/sso/callback`,
      code_challenge_method: "S256",
      scope: "openid email profile",
    });
    expect(location.searchParams.get("nonce")).toBeTruthy();
    expect(location.searchParams.get("state")).toBe(
      start.cookies.find((cookie) => cookie.name === "tend_sso_state")?.value,
    );
  });

  it("provisions a new agent into the default group on first sign-in", async () => {
    const email = `jane${desk.unique()}@agency.example`;
    account("jane", { email, name: "Jane Provisioned" });
    const person = await signedInPerson(await signInAs("jane"));
    expect(person).toMatchObject({ email, role: "agent", name: "Jane Provisioned" });
    const tier1 = await findGroupByName(desk.database.db, "Tier 1");
    expect(tier1 && (await isMember(desk.database.db, tier1.id, person.id))).toBe(true);
    const [provisioned] = await audited("person.provisioned", person.id);
    expect(provisioned?.after).toMatchObject({ method: "oidc", email, subject: "jane", group: "Tier 1" });
    const [signedIn] = await audited("auth.signed_in", person.id);
    expect(signedIn?.after).toMatchObject({ method: "oidc" });
  });

  it("leaves multi-factor to the provider when an admin requires two-factor, but not for passwords", async () => {
    const email = `mfa${desk.unique()}@agency.example`;
    account("mfa", { email });
    const person = await signedInPerson(await signInAs("mfa"));
    await desk.database.db
      .updateTable("people")
      .set({ password_hash: null })
      .where("id", "=", person.id)
      .execute();
    await desk.database.db
      .updateTable("security_settings")
      .set({ require_two_factor_for: "staff" })
      .execute();
    try {
      const response = await signInAs("mfa");
      const session = response.cookies.find((cookie) => cookie.name === "tend_session")?.value ?? "";
      const tickets = await tend.inject({
        method: "GET",
        url: "/api/v1/tickets",
        cookies: { tend_session: session },
      });
      expect(tickets.statusCode, tickets.body).toBe(200);

      const password = "a long password for the enrollment test";
      const agent = await desk.makeAgent({ password });
      const byPassword = await tend.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: agent.email, password },
      });
      const passwordSession =
        byPassword.cookies.find((cookie) => cookie.name === "tend_session")?.value ?? "";
      const restricted = await tend.inject({
        method: "GET",
        url: "/api/v1/tickets",
        cookies: { tend_session: passwordSession },
      });
      expect(restricted.statusCode, restricted.body).toBe(403);
      expect(restricted.json().title).toBe("Two-factor enrollment required");
    } finally {
      await desk.database.db
        .updateTable("security_settings")
        .set({ require_two_factor_for: "none" })
        .execute();
    }
  });

  it("maps the next sign-in to the same person by subject, even after the email changed", async () => {
    account("moves", { email: `before${desk.unique()}@agency.example` });
    const first = await signedInPerson(await signInAs("moves"));
    account("moves", { email: `after${desk.unique()}@agency.example` });
    const second = await signedInPerson(await signInAs("moves"));
    expect(second.id).toBe(first.id);
    expect(await identitiesOf(first.id)).toHaveLength(1);
  });

  it("links an existing agent by verified email on first sign-in, whatever its domain", async () => {
    const agent = await desk.makeAgent();
    account("existing-agent", { email: agent.email.toUpperCase() });
    const person = await signedInPerson(await signInAs("existing-agent"));
    expect(person.id).toBe(agent.id);
    expect(await audited("person.sso_linked", agent.id)).toHaveLength(1);
  });

  it("refuses a second provider subject claiming an account already linked to another", async () => {
    const email = `linked${desk.unique()}@agency.example`;
    account("original", { email });
    const original = await signedInPerson(await signInAs("original"));
    account("impostor", { email });
    expectRefused(await signInAs("impostor"), 403);
    expect(await identitiesOf(original.id)).toEqual([expect.objectContaining({ subject: "original" })]);
  });

  it("refuses an email the provider has not verified", async () => {
    const email = `unverified${desk.unique()}@agency.example`;
    account("unverified", { email, emailVerified: false });
    const response = await signInAs("unverified");
    expectRefused(response, 403);
    expect(response.json().detail).toContain("not verified");
    expect(await findPersonByEmail(desk.database.db, email)).toBeUndefined();
    const failures = await audited("auth.sign_in_failed");
    expect(failures.at(-1)?.after).toMatchObject({
      method: "oidc",
      reason: "the provider has not verified the email",
    });
  });

  it("never attaches a provider identity to a customer's account", async () => {
    const customer = await desk.makeCustomer(null);
    account("wants-customer", { email: customer.email });
    expectRefused(await signInAs("wants-customer"), 403);
    expect(await identitiesOf(customer.id)).toEqual([]);
    expect((await findPersonByEmail(desk.database.db, customer.email))?.role).toBe("customer");
    const failures = await audited("auth.sign_in_failed", customer.id);
    expect(failures.at(-1)?.after).toMatchObject({ reason: "the account with this email is a customer's" });
  });

  it("refuses to provision from a domain not allowed", async () => {
    const email = `outsider${desk.unique()}@elsewhere.example`;
    account("outsider", { email });
    expectRefused(await signInAs("outsider"), 403);
    expect(await findPersonByEmail(desk.database.db, email)).toBeUndefined();
  });

  it("refuses a callback whose state was tampered with", async () => {
    account("tampered", { email: `tampered${desk.unique()}@agency.example` });
    const { callback, stateCookie } = await throughProvider("tampered");
    const forged = new URL(callback);
    forged.searchParams.set("state", `${stateCookie}x`);
    expectRefused(await callBack(forged, stateCookie), 401);
    // Both changed alike: the state matches the cookie but no attempt was ever started with it.
    expectRefused(await callBack(forged, `${stateCookie}x`), 401);
    // A callback without the cookie is a browser that never started this sign-in (login CSRF).
    expectRefused(await tend.inject({ method: "GET", url: `${callback.pathname}${callback.search}` }), 401);
  });

  it("answers each sign-in attempt once: a replayed callback is refused", async () => {
    account("replayed", { email: `replayed${desk.unique()}@agency.example` });
    const { callback, stateCookie } = await throughProvider("replayed");
    await signedInPerson(await callBack(callback, stateCookie));
    const replay = await callBack(callback, stateCookie);
    expectRefused(replay, 401);
    const failures = await audited("auth.sign_in_failed");
    expect(failures.at(-1)?.after).toMatchObject({
      reason: "the sign-in attempt is unknown, expired or already used",
    });
  });

  it("refuses an attempt older than ten minutes", async () => {
    account("slow", { email: `slow${desk.unique()}@agency.example` });
    const { callback, stateCookie } = await throughProvider("slow");
    desk.clock.advance(11 * MINUTE);
    expectRefused(await callBack(callback, stateCookie), 401);
  });
});

describe("mandatory single sign-on", () => {
  const password = "a long password for break-glass tests";
  let mandatory: TendApp;
  beforeAll(async () => {
    mandatory = await tendWith({ TEND_OIDC_MANDATORY: "true" });
  });
  afterAll(async () => {
    await mandatory?.close();
  });

  const signInWithPassword = (app: TendApp, email: string) =>
    app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });

  it("refuses an agent's password, saying to use single sign-on", async () => {
    const agent = await desk.makeAgent({ password });
    expect((await signInWithPassword(tend, agent.email)).statusCode).toBe(200);
    const refused = await signInWithPassword(mandatory, agent.email);
    expectRefused(refused, 403);
    expect(refused.json().detail).toContain("single sign-on");
    expect((await mandatory.inject({ method: "GET", url: "/api/v1/auth/sso" })).json()).toMatchObject({
      enabled: true,
      mandatory: true,
    });
  });

  it("keeps password sign-in for admins, the way in when the provider is down", async () => {
    const admin = await desk.makeAgent({ role: "admin", password });
    expect((await signInWithPassword(mandatory, admin.email)).statusCode).toBe(200);
  });
});

describe("single sign-on switched off", () => {
  it("answers its routes with a 404 problem and tells the sign-in page it is off", async () => {
    expect((await desk.app.inject({ method: "GET", url: "/api/v1/auth/sso" })).json()).toEqual({
      enabled: false,
      mandatory: false,
      startUrl: null,
    });
    for (const url of ["/api/v1/auth/sso/start", "/api/v1/auth/sso/callback?code=abc&state=def"]) {
      const response = await desk.app.inject({ method: "GET", url });
      expect(response.statusCode).toBe(404);
      expect(response.headers["content-type"]).toContain("application/problem+json");
    }
  });
});

describe("single sign-on of a deactivated account", () => {
  it("refuses the linked identity while deactivated, and signs in again once reactivated", async () => {
    account("leaver", { email: `leaver${desk.unique()}@agency.example` });
    const person = await signedInPerson(await signInAs("leaver"));
    await deactivatePerson({ ctx: desk.system, id: person.id });
    expectRefused(await signInAs("leaver"), 403);
    const [refusal] = await audited("auth.sign_in_failed", person.id);
    expect(refusal?.after).toMatchObject({ method: "oidc", reason: "the account is deactivated" });
    await reactivatePerson({ ctx: desk.system, id: person.id });
    expect(await signedInPerson(await signInAs("leaver"))).toMatchObject({ id: person.id });
  });
});
