import { describe, expect, it } from "vitest";
import * as hardenAccounts from "../../src/db/migrations/2026-11-23T1200-harden-accounts.js";
import { MINUTE } from "../../src/shared/clock.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

async function createToken(
  auth: { authorization: string },
  payload: { name: string; scopes?: string[]; expiresInDays?: number; personId?: string },
) {
  return desk.app.inject({ method: "POST", url: "/api/v1/tokens", headers: auth, payload });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("API token scopes", () => {
  it("lets a read token read and refuses anything else with a token-scope problem", async () => {
    const agent = await desk.makeAgent();
    const created = await createToken(agent.auth, { name: "dashboard", scopes: ["read"] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ scopes: ["read"], expiresAt: null, lastUsedAt: null });
    const headers = bearer(created.json().token);

    expect((await desk.app.inject({ url: "/api/v1/me", headers })).statusCode).toBe(200);
    const write = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers,
      payload: { subject: "From a read token", body: "Should not be filed." },
    });
    expect(write.statusCode).toBe(403);
    expect(write.headers["content-type"]).toContain("application/problem+json");
    expect(write.json().detail).toContain("token scope");
    const revokeItself = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/tokens/${created.json().id}`,
      headers,
    });
    expect(revokeItself.statusCode).toBe(403);
  });

  it("gives an admin's token admin rights only with the admin scope", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const writeOnly = await createToken(admin.auth, { name: "sync" });
    expect(writeOnly.json().scopes).toEqual(["write"]);
    const withAdmin = await createToken(admin.auth, { name: "provisioning", scopes: ["write", "admin"] });
    expect(withAdmin.json().scopes).toEqual(["write", "admin"]);

    const group = (token: string, name: string) =>
      desk.app.inject({ method: "POST", url: "/api/v1/groups", headers: bearer(token), payload: { name } });
    const refused = await group(writeOnly.json().token, `Billing ${desk.unique()}`);
    expect(refused.statusCode).toBe(403);
    expect((await group(withAdmin.json().token, `Billing ${desk.unique()}`)).statusCode).toBe(201);

    // Agent-level work still goes through on the write token.
    const ticket = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: bearer(writeOnly.json().token),
      payload: {
        subject: "Filed by sync",
        body: "Works at agent level.",
        requester: { email: `sync${desk.unique()}@customer.example` },
      },
    });
    expect(ticket.statusCode).toBe(201);

    // The write token cannot raise itself: no admin-scoped token, no admin password change.
    const escalate = await createToken(bearer(writeOnly.json().token), { name: "more", scopes: ["admin"] });
    expect(escalate.statusCode).toBe(403);
    const password = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${admin.id}`,
      headers: bearer(writeOnly.json().token),
      payload: { password: "a new passphrase for the admin" },
    });
    expect(password.statusCode).toBe(403);
  });

  it("keeps the admin scope for admins' tokens", async () => {
    const agent = await desk.makeAgent();
    expect((await createToken(agent.auth, { name: "x", scopes: ["admin"] })).statusCode).toBe(403);
    const admin = await desk.makeAgent({ role: "admin" });
    const forAgent = await createToken(admin.auth, { name: "x", scopes: ["admin"], personId: agent.id });
    expect(forAgent.statusCode).toBe(400);
    expect(forAgent.json().errors).toEqual([expect.objectContaining({ field: "scopes" })]);
  });

  it("refuses an expired token exactly as an unknown one", async () => {
    const agent = await desk.makeAgent();
    const created = await createToken(agent.auth, { name: "trial", expiresInDays: 1 });
    const { token, expiresAt } = created.json();
    expect(Date.parse(expiresAt) - desk.clock.now().getTime()).toBe(24 * 60 * MINUTE);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: bearer(token) })).statusCode).toBe(200);

    desk.clock.advance(24 * 60 * MINUTE);
    const expired = await desk.app.inject({ url: "/api/v1/me", headers: bearer(token) });
    const unknown = await desk.app.inject({ url: "/api/v1/me", headers: bearer("tend_not-a-real-token") });
    expect(expired.statusCode).toBe(401);
    expect(expired.headers["content-type"]).toContain("application/problem+json");
    expect(expired.json()).toEqual(unknown.json());
  });

  it("refuses a revoked token and rejects a malformed expiry", async () => {
    const agent = await desk.makeAgent();
    const created = (await createToken(agent.auth, { name: "old" })).json();
    await desk.app.inject({ method: "DELETE", url: `/api/v1/tokens/${created.id}`, headers: agent.auth });
    const revoked = await desk.app.inject({ url: "/api/v1/me", headers: bearer(created.token) });
    expect(revoked.statusCode).toBe(401);
    for (const expiresInDays of [0, 1.5, 100_000]) {
      expect((await createToken(agent.auth, { name: "bad", expiresInDays })).statusCode).toBe(400);
    }
    expect((await createToken(agent.auth, { name: "bad", scopes: [] })).statusCode).toBe(400);
    expect((await createToken(agent.auth, { name: "bad", scopes: ["root"] })).statusCode).toBe(400);
  });

  it("records when a token was last used, at most once a minute", async () => {
    const agent = await desk.makeAgent();
    const created = (await createToken(agent.auth, { name: "poller" })).json();
    const lastUsed = async () =>
      (
        await desk.database.db
          .selectFrom("api_tokens")
          .select("last_used_at")
          .where("id", "=", created.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;

    await desk.app.inject({ url: "/api/v1/me", headers: bearer(created.token) });
    const first = await lastUsed();
    expect(first).toBe(desk.clock.now().toISOString());
    desk.clock.advance(30_000);
    await desk.app.inject({ url: "/api/v1/me", headers: bearer(created.token) });
    expect(await lastUsed()).toBe(first);
    desk.clock.advance(30_000);
    await desk.app.inject({ url: "/api/v1/me", headers: bearer(created.token) });
    expect(await lastUsed()).toBe(desk.clock.now().toISOString());

    const listed = await desk.app.inject({ url: "/api/v1/tokens", headers: agent.auth });
    const shown = listed.json().find((t: { id: string }) => t.id === created.id);
    expect(shown).toMatchObject({ lastUsedAt: desk.clock.now().toISOString(), scopes: ["write"] });
  });
});

describe("the accounts migration", () => {
  it("keeps the rights of tokens issued before scopes existed", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const db = desk.database.db;
    // Roll this migration back, issue a token the old way, and apply it again.
    await hardenAccounts.down(db);
    await db
      .insertInto("api_tokens")
      .values({
        id: "01900000-0000-7000-8000-000000000001",
        person_id: admin.id,
        name: "legacy",
        token_hash: "legacy-hash",
        created_at: desk.clock.now().toISOString(),
      } as never)
      .execute();
    await hardenAccounts.up(db);
    const row = await db
      .selectFrom("api_tokens")
      .select(["scopes", "expires_at"])
      .where("name", "=", "legacy")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.scopes)).toEqual(["write", "admin"]);
    expect(row.expires_at).toBeNull();
  });
});
