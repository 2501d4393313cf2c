import { describe, expect, it } from "vitest";
import type { BrowserSession } from "../support/test-desk.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const password = "a long password for rotation";

async function stillSignedIn(session: BrowserSession): Promise<boolean> {
  const me = await desk.app.inject({ url: "/api/v1/me", headers: { cookie: session.cookie } });
  return me.statusCode === 200;
}

async function sessionsEndedFor(personId: string) {
  return desk.database.db
    .selectFrom("audit_log")
    .select(["action", "after"])
    .where("action", "=", "auth.sessions_ended")
    .where("target_id", "=", personId)
    .execute();
}

describe("sessions end when privileges change", () => {
  it("signs a demoted admin out everywhere, and their token acts as an agent with its scopes kept", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const demoted = await desk.makeAgent({ role: "admin", password });
    const laptop = await desk.signIn(demoted.email, password);
    const phone = await desk.signIn(demoted.email, password);
    const createGroup = (headers: Record<string, string>, name: string) =>
      desk.app.inject({ method: "POST", url: "/api/v1/groups", headers, payload: { name } });
    expect((await createGroup(demoted.auth, `Before ${desk.unique()}`)).statusCode).toBe(201);

    const change = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${demoted.id}`,
      headers: admin.auth,
      payload: { role: "agent" },
    });
    expect(change.statusCode).toBe(200);

    expect(await stillSignedIn(laptop)).toBe(false);
    expect(await stillSignedIn(phone)).toBe(false);
    const ended = await sessionsEndedFor(demoted.id);
    expect(ended).toHaveLength(1);
    expect(JSON.parse(ended[0]?.after ?? "{}")).toMatchObject({ sessions: 2, reason: "role changed" });

    // The token still works, with the scopes it was given, but only as far as the new role goes.
    const me = await desk.app.inject({ url: "/api/v1/me", headers: demoted.auth });
    expect(me.json().role).toBe("agent");
    expect((await createGroup(demoted.auth, `After ${desk.unique()}`)).statusCode).toBe(403);
    const tokens = await desk.app.inject({ url: "/api/v1/tokens", headers: demoted.auth });
    expect(tokens.json()[0].scopes).toEqual(["write", "admin"]);
  });

  it("signs a person out everywhere when their password changes, the session that changed it too", async () => {
    const agent = await desk.makeAgent({ password });
    const here = await desk.signIn(agent.email, password);
    const elsewhere = await desk.signIn(agent.email, password);
    const change = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${agent.id}`,
      headers: here.headers,
      payload: { password: "another long password 2" },
    });
    expect(change.statusCode).toBe(200);
    expect(await stillSignedIn(here)).toBe(false);
    expect(await stillSignedIn(elsewhere)).toBe(false);
    expect(await sessionsEndedFor(agent.id)).toHaveLength(1);
    expect(await stillSignedIn(await desk.signIn(agent.email, "another long password 2"))).toBe(true);
  });

  it("keeps sessions through changes that grant nothing", async () => {
    const agent = await desk.makeAgent({ password });
    const session = await desk.signIn(agent.email, password);
    const change = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${agent.id}`,
      headers: session.headers,
      payload: { name: "A new name", timeZone: "Europe/Paris" },
    });
    expect(change.statusCode).toBe(200);
    expect(await stillSignedIn(session)).toBe(true);
    expect(await sessionsEndedFor(agent.id)).toHaveLength(0);
  });
});
