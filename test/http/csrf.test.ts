import { beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, type Person, useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const password = "a long agent password 4 csrf";
let agent: Person;
let session: BrowserSession;
let otherSession: BrowserSession;

beforeAll(async () => {
  agent = await desk.makeAgent({ password });
  const colleague = await desk.makeAgent({ password });
  session = await desk.signIn(agent.email, password);
  otherSession = await desk.signIn(colleague.email, password);
});

/** A write the agent may make to themselves, and the name it leaves behind. */
async function rename(headers: Record<string, string>, name: string) {
  const response = await desk.app.inject({
    method: "PATCH",
    url: `/api/v1/people/${agent.id}`,
    headers,
    payload: { name },
  });
  const current = await desk.app.inject({ url: `/api/v1/people/${agent.id}`, headers: agent.auth });
  return { response, name: current.json().name as string };
}

function expectRefusedAsCrossSite(response: Awaited<ReturnType<typeof rename>>["response"]) {
  expect(response.statusCode).toBe(403);
  expect(response.headers["content-type"]).toContain("application/problem+json");
  expect(response.json().detail).toMatch(/X-CSRF-Token|another site/);
}

describe("cross-site request forgery", () => {
  it("refuses a cookie write without the token, and changes nothing", async () => {
    const { response, name } = await rename({ cookie: session.cookie }, "Forged without token");
    expectRefusedAsCrossSite(response);
    expect(name).not.toBe("Forged without token");
  });

  it("refuses a cookie write with a wrong token", async () => {
    const { response, name } = await rename(
      { cookie: session.cookie, "x-csrf-token": `${session.csrfToken.slice(0, -2)}xx` },
      "Forged with a wrong token",
    );
    expectRefusedAsCrossSite(response);
    expect(name).not.toBe("Forged with a wrong token");
  });

  it("refuses a cookie write carrying another session's token", async () => {
    expect(otherSession.csrfToken).not.toBe(session.csrfToken);
    const { response, name } = await rename(
      { cookie: session.cookie, "x-csrf-token": otherSession.csrfToken },
      "Forged with a borrowed token",
    );
    expectRefusedAsCrossSite(response);
    expect(name).not.toBe("Forged with a borrowed token");
  });

  it("gives a new session of the same person a new token", async () => {
    const again = await desk.signIn(agent.email, password);
    expect(again.csrfToken).not.toBe(session.csrfToken);
    const { response } = await rename({ cookie: session.cookie, "x-csrf-token": again.csrfToken }, "x");
    expectRefusedAsCrossSite(response);
  });

  it("accepts a cookie write with the session's token, from Tend's own origin or host", async () => {
    expect((await rename(session.headers, "Renamed by the browser")).name).toBe("Renamed by the browser");
    const fromPublicUrl = await rename(
      { ...session.headers, origin: "http://localhost:8080" },
      "Renamed from the public URL",
    );
    expect(fromPublicUrl.name).toBe("Renamed from the public URL");
    const fromOwnHost = await rename(
      { ...session.headers, origin: "https://desk.internal.example", host: "desk.internal.example" },
      "Renamed from the request's host",
    );
    expect(fromOwnHost.name).toBe("Renamed from the request's host");
  });

  it("refuses a write from a foreign origin even with the right token", async () => {
    for (const origin of ["https://evil.example", "http://localhost:8081", "null"]) {
      const { response, name } = await rename({ ...session.headers, origin }, `Forged from ${origin}`);
      expectRefusedAsCrossSite(response);
      expect(name).not.toBe(`Forged from ${origin}`);
    }
  });

  it("leaves bearer-token writes alone: no cookie rides along on them", async () => {
    const { response, name } = await rename(
      { ...agent.auth, origin: "https://integration.example" },
      "Renamed by an integration",
    );
    expect(response.statusCode).toBe(200);
    expect(name).toBe("Renamed by an integration");
  });

  it("leaves reads alone", async () => {
    const me = await desk.app.inject({
      url: "/api/v1/me",
      headers: { cookie: session.cookie, origin: "https://evil.example" },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(agent.id);
  });

  it("hands the token to the session's own pages, and none to a bearer token", async () => {
    const bySession = await desk.app.inject({
      url: "/api/v1/auth/session",
      headers: { cookie: session.cookie },
    });
    expect(bySession.statusCode).toBe(200);
    expect(bySession.json()).toMatchObject({ person: { id: agent.id }, csrfToken: session.csrfToken });
    const byToken = await desk.app.inject({ url: "/api/v1/auth/session", headers: agent.auth });
    expect(byToken.json()).toMatchObject({ person: { id: agent.id }, csrfToken: null });
    expect((await desk.app.inject({ url: "/api/v1/auth/session" })).statusCode).toBe(401);
  });

  it("refuses a sign-in posted from another site or as a form", async () => {
    const foreign = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { origin: "https://evil.example" },
      payload: { email: agent.email, password },
    });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers["set-cookie"]).toBeUndefined();

    // A cross-site HTML form can send text/plain without a preflight; its body never parses as the sign-in.
    const asForm = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "text/plain" },
      payload: JSON.stringify({ email: agent.email, password }),
    });
    expect(asForm.statusCode).toBeGreaterThanOrEqual(400);
    expect(asForm.statusCode).toBeLessThan(500);
    expect(asForm.headers["set-cookie"]).toBeUndefined();
    const urlEncoded = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `email=${encodeURIComponent(agent.email)}&password=${encodeURIComponent(password)}`,
    });
    expect(urlEncoded.statusCode).toBe(415);
    expect(urlEncoded.headers["set-cookie"]).toBeUndefined();
  });
});
