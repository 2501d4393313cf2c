import { describe, expect, it } from "vitest";
import { MINUTE } from "../../src/shared/clock.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const password = "correct horse battery";

let addressCounter = 0;
/** Each test signs in from its own address, so address budgets never leak between tests. */
const newAddress = () => {
  addressCounter += 1;
  return `198.51.100.${addressCounter}`;
};

function signIn(email: string, attempt: string, remoteAddress: string) {
  return desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress,
    payload: { email, password: attempt },
  });
}

describe("sign-in throttling", () => {
  it("locks an account for 15 minutes after 5 failures, even against the right password", async () => {
    const agent = await desk.makeAgent({ password });
    const address = newAddress();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await signIn(agent.email, "wrong password!!", address)).statusCode).toBe(401);
    }
    const locked = await signIn(agent.email, password, newAddress());
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["content-type"]).toContain("application/problem+json");
    expect(locked.headers["retry-after"]).toBe("900");
    expect(locked.json()).toMatchObject({ status: 429, title: "Too many requests" });
    expect(locked.headers["set-cookie"]).toBeUndefined();

    desk.clock.advance(10 * MINUTE);
    expect((await signIn(agent.email, password, address)).headers["retry-after"]).toBe("300");
    desk.clock.advance(5 * MINUTE);
    expect((await signIn(agent.email, password, address)).statusCode).toBe(200);
  });

  it("forgives an account's failures when its owner signs in", async () => {
    const agent = await desk.makeAgent({ password });
    const address = newAddress();
    for (let attempt = 1; attempt <= 4; attempt += 1) await signIn(agent.email, "wrong password!!", address);
    expect((await signIn(agent.email, password, address)).statusCode).toBe(200);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await signIn(agent.email, "wrong password!!", address)).statusCode).toBe(401);
    }
  });

  it("lets failures age out of the 15-minute window", async () => {
    const agent = await desk.makeAgent({ password });
    const address = newAddress();
    for (let attempt = 1; attempt <= 4; attempt += 1) await signIn(agent.email, "wrong password!!", address);
    desk.clock.advance(15 * MINUTE);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await signIn(agent.email, "wrong password!!", address)).statusCode).toBe(401);
    }
    expect((await signIn(agent.email, password, address)).statusCode).toBe(200);
  });

  it("treats an unknown email like a known one", async () => {
    const address = newAddress();
    const email = `nobody${desk.unique()}@support.example`;
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await signIn(email, "wrong password!!", address)).statusCode).toBe(401);
    }
    expect((await signIn(email.toUpperCase(), "wrong password!!", newAddress())).statusCode).toBe(429);
  });

  it("stops one address spraying many accounts after 20 failures, and only that address", async () => {
    const agent = await desk.makeAgent({ password });
    const sprayer = newAddress();
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const email = `target${desk.unique()}@support.example`;
      expect((await signIn(email, "wrong password!!", sprayer)).statusCode).toBe(401);
    }
    const refused = await signIn(agent.email, password, sprayer);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBe(900);
    expect((await signIn(agent.email, password, newAddress())).statusCode).toBe(200);
  });

  it("counts concurrent failures without losing any", async () => {
    const agent = await desk.makeAgent({ password });
    const address = newAddress();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => signIn(agent.email, "wrong password!!", address)),
    );
    // Every attempt was checked before any lockout existed, so all are plain refusals...
    expect(results.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    const row = await desk.database.db
      .selectFrom("sign_in_throttles")
      .selectAll()
      .where("key", "=", `account:${agent.email}`)
      .executeTakeFirstOrThrow();
    // ...and each of those refusals was counted, so the account is locked.
    expect(row.failures).toBe(results.filter((r) => r.statusCode === 401).length);
    expect(row.locked_until).not.toBeNull();
  });
});

describe("password rules through the API", () => {
  it("refuses a common password when an admin adds an agent, naming the field", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const response = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: admin.auth,
      payload: {
        name: "New Agent",
        email: `new${desk.unique()}@support.example`,
        role: "agent",
        password: "Password1234",
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { field: "password", message: expect.stringContaining("most common passwords") },
    ]);
  });
});
