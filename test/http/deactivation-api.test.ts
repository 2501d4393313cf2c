import { describe, expect, it } from "vitest";
import { deactivatePerson } from "../../src/modules/identity/deactivate-person.js";
import { lockActiveAdminIds } from "../../src/modules/identity/person-repository.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const password = "correct horse battery";

async function deactivate(id: string, auth: Record<string, string>) {
  return desk.app.inject({ method: "POST", url: `/api/v1/people/${id}/deactivation`, headers: auth });
}

async function reactivate(id: string, auth: Record<string, string>) {
  return desk.app.inject({ method: "DELETE", url: `/api/v1/people/${id}/deactivation`, headers: auth });
}

async function login(email: string) {
  return desk.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
}

describe("deactivating and reactivating a person", () => {
  it("stops an agent's session and token at once, refuses sign-in and assignment, and reactivation restores sign-in", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent({ password });
    const session = await desk.signIn(agent.email, password);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: session.headers })).statusCode).toBe(200);

    const deactivated = await deactivate(agent.id, admin.auth);
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json()).toMatchObject({ id: agent.id, deactivatedAt: desk.clock.now().toISOString() });

    expect((await desk.app.inject({ url: "/api/v1/me", headers: session.headers })).statusCode).toBe(401);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: agent.auth })).statusCode).toBe(401);
    const refused = await login(agent.email);
    const wrongPassword = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: `nobody-${desk.unique()}@support.example`, password },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().detail).toBe(wrongPassword.json().detail);

    const newToken = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tokens",
      headers: admin.auth,
      payload: { name: "Left behind", personId: agent.id },
    });
    expect(newToken.statusCode).toBe(422);
    expect(newToken.json().errors).toEqual([
      { field: "personId", message: expect.stringContaining("deactivated") },
    ]);

    const active = await desk.app.inject({
      url: "/api/v1/people?role=agent&active=true",
      headers: admin.auth,
    });
    expect(active.json().items.map((p: { id: string }) => p.id)).not.toContain(agent.id);
    const all = await desk.app.inject({ url: "/api/v1/people?role=agent", headers: admin.auth });
    expect(all.json().items.map((p: { id: string }) => p.id)).toContain(agent.id);

    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const ticket = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "Export stuck", body: "The export has been running since Monday." },
    });
    const assigned = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.json().number}`,
      headers: admin.auth,
      payload: { version: 1, assigneeId: agent.id },
    });
    expect(assigned.statusCode).toBe(422);
    expect(assigned.headers["content-type"]).toContain("application/problem+json");
    expect(assigned.json().errors).toEqual([
      { field: "assigneeId", message: expect.stringContaining("deactivated") },
    ]);

    const reactivated = await reactivate(agent.id, admin.auth);
    expect(reactivated.statusCode).toBe(200);
    expect(reactivated.json().deactivatedAt).toBeNull();
    expect((await desk.app.inject({ url: "/api/v1/me", headers: session.headers })).statusCode).toBe(401);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: agent.auth })).statusCode).toBe(401);
    const fresh = await desk.signIn(agent.email, password);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: fresh.headers })).json()).toMatchObject({
      id: agent.id,
      deactivatedAt: null,
    });

    const trail = await desk.app.inject({ url: `/api/v1/audit?target=${agent.id}`, headers: admin.auth });
    const actions = trail.json().items.map((record: { action: string }) => record.action);
    expect(actions).toEqual(
      expect.arrayContaining(["person.deactivated", "person.reactivated", "auth.sessions_ended"]),
    );
    const tokens = await desk.app.inject({ url: "/api/v1/tokens", headers: admin.auth });
    const agentTokens = tokens.json().filter((token: { personId: string }) => token.personId === agent.id);
    expect(agentTokens.length).toBeGreaterThan(0);
    expect(agentTokens.every((token: { revokedAt: string | null }) => token.revokedAt !== null)).toBe(true);
  });

  it("lets agents deactivate customers but not agents or admins, and nobody themselves", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const otherAgent = await desk.makeAgent();
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);

    expect((await deactivate(admin.id, agent.auth)).statusCode).toBe(403);
    expect((await deactivate(otherAgent.id, agent.auth)).statusCode).toBe(403);
    expect((await deactivate(admin.id, admin.auth)).statusCode).toBe(403);
    expect(
      (await desk.app.inject({ url: "/api/v1/me", headers: admin.auth })).json().deactivatedAt,
    ).toBeNull();

    expect((await deactivate(customer.id, agent.auth)).statusCode).toBe(200);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: customer.auth })).statusCode).toBe(401);
    expect((await reactivate(customer.id, agent.auth)).statusCode).toBe(200);
  });

  it("refuses customers, whichever organization the person is in", async () => {
    const ours = await desk.makeOrganization();
    const colleague = await desk.makeCustomer(ours.id);
    const outsider = await desk.makeCustomer((await desk.makeOrganization()).id);
    const agent = await desk.makeAgent();
    for (const target of [colleague, agent]) {
      const refused = await deactivate(target.id, outsider.auth);
      expect(refused.statusCode).toBe(403);
      expect(refused.headers["content-type"]).toContain("application/problem+json");
    }
    expect((await desk.app.inject({ url: "/api/v1/me", headers: colleague.auth })).statusCode).toBe(200);
    expect((await desk.app.inject({ url: "/api/v1/me", headers: agent.auth })).statusCode).toBe(200);
  });

  it("keeps the last active admin: 409, and two admins deactivating each other leave one", async () => {
    const first = await desk.makeAgent({ role: "admin" });
    const second = await desk.makeAgent({ role: "admin" });
    // Every other admin of this desk's earlier tests steps aside, so these two are the last.
    for (const id of await lockActiveAdminIds(desk.database.db, desk.database.dialect)) {
      if (id !== first.id && id !== second.id) await deactivatePerson({ ctx: desk.system, id });
    }
    // Two pooled connections opened beforehand, so on PostgreSQL the two transactions below overlap
    // instead of the second waiting for a connection until the first has committed.
    await Promise.all(
      [1, 2].map(() =>
        desk.database.db.transaction().execute(async (trx) => {
          await trx.selectFrom("people").select("id").limit(1).execute();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }),
      ),
    );
    const outcomes = await Promise.allSettled([
      deactivatePerson({ ctx: desk.as(first.actor), id: second.id }),
      deactivatePerson({ ctx: desk.as(second.actor), id: first.id }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    const conflict = outcomes.find((outcome) => outcome.status === "rejected");
    expect(conflict?.reason).toMatchObject({
      status: 409,
      message: expect.stringContaining("last active admin"),
    });
    const last = outcomes[0].status === "fulfilled" ? first : second;
    expect((await deactivate(last.id, last.auth)).statusCode).toBe(403);
    await expect(deactivatePerson({ ctx: desk.system, id: last.id })).rejects.toMatchObject({ status: 409 });
    expect(
      (await desk.app.inject({ url: "/api/v1/me", headers: last.auth })).json().deactivatedAt,
    ).toBeNull();
  });
});
