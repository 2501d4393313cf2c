import { describe, expect, it } from "vitest";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

function sessionCookie(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return header?.split(";")[0] ?? "";
}

describe("accounts and sessions", () => {
  it("signs an agent in with a password, serves /me on the cookie, and signs out", async () => {
    const agent = await desk.makeAgent({ password: "correct horse battery" });
    const wrong = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: agent.email, password: "wrong password!!" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const login = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: agent.email.toUpperCase(), password: "correct horse battery" },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ id: agent.id, role: "agent" });
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    const cookie = sessionCookie(login.headers["set-cookie"]);

    const me = await desk.app.inject({ url: "/api/v1/me", headers: { cookie } });
    expect(me.json()).toMatchObject({ id: agent.id, email: agent.email });

    const csrfToken = login.json().csrfToken;
    const logout = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie, "x-csrf-token": csrfToken },
    });
    expect(logout.statusCode).toBe(204);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: { cookie } })).statusCode).toBe(401);
  });

  it("ends a session after two idle hours", async () => {
    const agent = await desk.makeAgent({ password: "correct horse battery" });
    const login = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: agent.email, password: "correct horse battery" },
    });
    const cookie = sessionCookie(login.headers["set-cookie"]);
    desk.clock.advance(2 * 60 * 60 * 1000);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: { cookie } })).statusCode).toBe(401);
  });

  it("shows a token once, stores only its hash, and refuses it after revocation", async () => {
    const agent = await desk.makeAgent();
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tokens",
      headers: agent.auth,
      payload: { name: "CI integration" },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^tend_[A-Za-z0-9_-]{43}$/);
    const listed = await desk.app.inject({ url: "/api/v1/tokens", headers: agent.auth });
    expect(listed.body).not.toContain(token);
    const row = await desk.database.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);

    const headers = { authorization: `Bearer ${token}` };
    expect((await desk.app.inject({ url: "/api/v1/me", headers })).statusCode).toBe(200);
    await desk.app.inject({ method: "DELETE", url: `/api/v1/tokens/${id}`, headers: agent.auth });
    expect((await desk.app.inject({ url: "/api/v1/me", headers })).statusCode).toBe(401);
  });
});

describe("organizations, people and groups", () => {
  it("gives a customer only their own organization and its people", async () => {
    const mine = await desk.makeOrganization({ plan: "managed", stage: "pre_sales" });
    const theirs = await desk.makeOrganization();
    const customer = await desk.makeCustomer(mine.id);
    const stranger = await desk.makeCustomer(theirs.id);

    const orgs = (await desk.app.inject({ url: "/api/v1/organizations", headers: customer.auth })).json();
    expect(orgs.items).toEqual([
      expect.objectContaining({ id: mine.id, plan: "managed", stage: "pre_sales" }),
    ]);
    expect(
      (await desk.app.inject({ url: `/api/v1/organizations/${theirs.id}`, headers: customer.auth }))
        .statusCode,
    ).toBe(404);
    expect(
      (await desk.app.inject({ url: `/api/v1/people/${stranger.id}`, headers: customer.auth })).statusCode,
    ).toBe(404);
    const people = (
      await desk.app.inject({ url: `/api/v1/people?organizationId=${theirs.id}`, headers: customer.auth })
    ).json();
    expect(people.items).toEqual([]);
    const groups = await desk.app.inject({ url: "/api/v1/groups", headers: customer.auth });
    expect(groups.statusCode).toBe(403);
  });

  it("files a new customer under the organization that owns their email domain", async () => {
    const agent = await desk.makeAgent();
    const org = await desk.makeOrganization();
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: agent.auth,
      payload: { name: "Dana", email: `dana@${org.domain.toUpperCase()}`, timeZone: "Europe/Berlin" },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      organizationId: org.id,
      role: "customer",
      email: `dana@${org.domain}`,
    });

    const duplicate = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: agent.auth,
      payload: { name: "Dana again", email: `dana@${org.domain}` },
    });
    expect(duplicate.statusCode).toBe(409);
    const badZone = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: agent.auth,
      payload: { name: "Eve", email: `eve${desk.unique()}@x.example`, timeZone: "Mars/Olympus" },
    });
    expect(badZone.json().errors).toEqual([
      { field: "timeZone", message: '"Mars/Olympus" is not an IANA time zone' },
    ]);
  });

  it("lets only admins add agents, and refuses a domain that another organization owns", async () => {
    const agent = await desk.makeAgent();
    const admin = await desk.makeAgent({ role: "admin" });
    const email = `new-agent${desk.unique()}@support.example`;
    const byAgent = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: agent.auth,
      payload: { name: "New", email, role: "agent" },
    });
    expect(byAgent.statusCode).toBe(400);
    expect(byAgent.json().errors[0].field).toBe("role");
    const byAdmin = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: admin.auth,
      payload: { name: "New", email, role: "agent", password: "long enough password" },
    });
    expect(byAdmin.statusCode).toBe(201);

    const org = await desk.makeOrganization();
    const clash = await desk.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: admin.auth,
      payload: { name: `Clash ${desk.unique()}`, plan: "cloud", domains: [org.domain] },
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toContain(org.domain);
  });

  it("ships Tier 1 and Platform experts and lets admins staff them", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const expert = await desk.makeAgent({ group: "Platform experts" });
    const groups = (await desk.app.inject({ url: "/api/v1/groups", headers: admin.auth })).json();
    expect(groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(["Tier 1", "Platform experts"]),
    );
    const platform = groups.find((g: { name: string }) => g.name === "Platform experts");
    expect(platform.memberIds).toContain(expert.id);

    const customer = await desk.makeCustomer(null);
    const refused = await desk.app.inject({
      method: "PUT",
      url: `/api/v1/groups/${platform.id}/members/${customer.id}`,
      headers: admin.auth,
    });
    expect(refused.statusCode).toBe(400);
  });
});

describe("service endpoints", () => {
  it("answers health and readiness", async () => {
    expect((await desk.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await desk.app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
  });

  it("publishes an OpenAPI 3.1 document covering every route, and browsable docs", async () => {
    const response = await desk.app.inject({ url: "/api/v1/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe("3.1.0");
    for (const path of [
      "/api/v1/tickets",
      "/api/v1/tickets/{number}",
      "/api/v1/tickets/{number}/comments",
      "/api/v1/tickets/{number}/events",
      "/api/v1/organizations",
      "/api/v1/people",
      "/api/v1/groups",
      "/api/v1/tokens",
      "/api/v1/me",
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    expect(
      document.paths["/api/v1/tickets"].post.requestBody.content["application/json"].schema.properties,
    ).toHaveProperty("subject");
    const docs = await desk.app.inject({ url: "/api/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toContain("text/html");
  });

  it("answers an unknown route with problem+json", async () => {
    const response = await desk.app.inject({ url: "/api/v1/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json()).toMatchObject({ status: 404, title: "Not found" });
  });
});
